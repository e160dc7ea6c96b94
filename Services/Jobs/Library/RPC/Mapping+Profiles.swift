import Foundation
import NomadKit
import NomadProtos
import SwiftProtobuf

extension ProfileRecord {
    var message: Nomad_Jobs_V1_Profile {
        .with { profile in
            profile.nomadID = nomadID.text
            profile.skills = skills.map { skill in
                .with {
                    $0.skillCode = skill.code
                    $0.level = Int32(skill.level)
                    $0.yearsExperience = skill.yearsExperience
                    $0.projectsDone = skill.projectsDone
                    $0.tools = skill.tools
                    $0.verifiedLevel = Int32(skill.verifiedLevel)
                    $0.verification = .init(rawValue: Int(skill.verification)) ?? .selfDeclared
                }
            }
            profile.availability = .init(rawValue: Int(availability)) ?? .unspecified
            profile.hoursPerWeek = hoursPerWeek
            profile.timeZone = timeZone
            profile.languages = languages
            profile.rate = .with {
                $0.currencyCode = rateCurrency; $0.minorUnits = rateMinor
            }
            profile.certification = ProfileRules.certification(standing)
            profile.updateTime = .init(date: updatedAt)
        }
    }
}
