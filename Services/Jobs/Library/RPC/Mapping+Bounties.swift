import Foundation
import NomadKit
import NomadProtos
import SwiftProtobuf

extension BountyRecord {
    /// What an anonymous caller sees: the call for applications, not who
    /// answered it. No winners, no progress reports (the winners' words), and
    /// the publisher's id only when it is an enterprise, not an officer.
    func publicMessage(now: Date = Date()) -> Nomad_Jobs_V1_Bounty {
        var bounty = message(now: now)
        bounty.winnerApplicationIds = []
        for index in bounty.milestones.indices {
            bounty.milestones[index].lastReport = ""
            bounty.milestones[index].progressPercent = 0
        }
        if publisherRole != Role.enterprise.rawValue { bounty.publisherID = "" }
        return bounty
    }

    func message(now: Date = Date()) -> Nomad_Jobs_V1_Bounty {
        .with { bounty in
            bounty.bountyID = id.text
            bounty.publisherID = publisherID.text
            bounty.title = title
            bounty.description_p = description
            bounty.budget = .with {
                $0.currencyCode = currency; $0.minorUnits = budgetMinor
            }
            bounty.deadline = .init(date: deadline)
            bounty.qualification = .with { qualification in
                qualification.applicantKinds = applicantKinds.map { Nomad_Jobs_V1_ApplicantKind(rawValue: Int($0)) ?? .unspecified }
                qualification.requiredSkills = skills.map { skill in
                    .with {
                        $0.skillCode = skill.code
                        $0.minLevel = Int32(skill.minLevel)
                        $0.weight = Int32(skill.weight)
                        $0.essential = true
                    }
                }
                qualification.certifiedOnly = certifiedOnly
                qualification.maxTeamSize = Int32(maxTeamSize)
            }
            bounty.winnerPlaces = Int32(winnerPlaces)
            bounty.milestones = milestones.map { milestone in
                .with {
                    $0.title = milestone.title
                    $0.due = .init(date: milestone.due)
                    $0.progressPercent = Int32(milestone.progressPercent)
                    $0.lastReport = milestone.lastReport
                    $0.overdue = BountyRules.isOverdue(
                        due: milestone.due, progress: milestone.progressPercent, status: status, now: now)
                }
            }
            bounty.status = .init(rawValue: Int(status)) ?? .unspecified
            bounty.winnerApplicationIds = winnerApplicationIDs.map(\.text)
            if let rewardMinor, let rewardCurrency {
                bounty.rewardPaid = .with {
                    $0.currencyCode = rewardCurrency; $0.minorUnits = rewardMinor
                }
            }
            bounty.createTime = .init(date: createdAt)
            bounty.updateTime = .init(date: updatedAt)
        }
    }
}

extension BountyApplicationRecord {
    var message: Nomad_Jobs_V1_BountyApplication {
        .with {
            $0.applicationID = id.text
            $0.bountyID = bountyID.text
            $0.leadID = leadID.text
            $0.kind = .init(rawValue: Int(kind)) ?? .unspecified
            $0.teamName = teamName
            $0.memberIds = ([leadID] + members).map(\.text)
            $0.proposal = proposal
            $0.evidenceHash = evidenceHash
            $0.status = .init(rawValue: Int(status)) ?? .unspecified
            $0.reviewReason = reviewReason
            if let signedAt { $0.signedAt = .init(date: signedAt) }
            $0.createTime = .init(date: createdAt)
            $0.updateTime = .init(date: updatedAt)
        }
    }
}
