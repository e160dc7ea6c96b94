import Foundation
import NomadKit
import NomadProtos
import SwiftProtobuf

extension JobRecord {
    var message: Nomad_Jobs_V1_Job {
        .with { job in
            job.jobID = id.text
            job.enterpriseID = enterpriseID.text
            job.externalID = posting.externalID ?? ""
            job.title = posting.title
            job.description_p = posting.description
            job.requiredSkills = posting.skills.map { skill in
                .with {
                    $0.skillCode = skill.code
                    $0.minLevel = Int32(skill.minLevel)
                    $0.weight = Int32(skill.weight)
                    $0.essential = skill.essential
                }
            }
            job.tools = posting.tools
            job.budget = .with {
                $0.currencyCode = posting.currency; $0.minorUnits = posting.budgetMinor
            }
            job.mode = posting.mode
            job.seats = posting.seats
            job.seatsTaken = seatsTaken
            job.deadline = .init(date: posting.deadline)
            job.languages = posting.languages
            job.claimable = posting.claimable
            job.status = .init(rawValue: Int(status)) ?? .unspecified
            job.createTime = .init(date: createdAt)
            job.updateTime = .init(date: updatedAt)
        }
    }
}

extension Nomad_Jobs_V1_Job {
    /// What an anonymous caller sees of an open job: the posting, without the
    /// enterprise's own reference for it, and without the publisher's account
    /// id for a bounty (an officer may have published it; the bounty list
    /// says who may see more).
    var publicView: Nomad_Jobs_V1_Job {
        var job = self
        job.externalID = ""
        if job.mode == .openBounty { job.enterpriseID = "" }
        return job
    }
}

extension JobStore.SkillDemandRow {
    var message: Nomad_Jobs_V1_SkillDemand {
        .with {
            $0.skillCode = code
            $0.name = .with {
                $0.zhCn = nameZh; $0.en = nameEn
            }
            $0.openJobs = openJobs
            $0.openSeats = openSeats
            $0.essentialIn = essentialIn
        }
    }
}
