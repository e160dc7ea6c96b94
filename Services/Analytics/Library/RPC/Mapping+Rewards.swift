import Foundation
import NomadKit
import NomadProtos
import SwiftProtobuf

// Rewards' domain types to messages.

extension EligibilityRow {
    func message() -> Nomad_Analytics_V1_RewardEligibility {
        .with {
            $0.enterpriseID = enterpriseID
            $0.year = Int32(year)
            $0.counts = RewardCriterionKind.allCases.map { kind in
                .with {
                    $0.criterion = kind.proto
                    $0.count = counts[kind]
                }
            }
            $0.tiersMet = tiersMet.map(\.message)
        }
    }
}

extension RewardTier {
    var message: Nomad_Analytics_V1_RewardTier {
        let name = criterion.tierName(minimum: minimum)
        return .with {
            $0.code = code
            $0.criterion = criterion.proto
            $0.minimum = minimum
            $0.name = .with {
                $0.zhCn = name.zh
                $0.en = name.en
            }
        }
    }
}
