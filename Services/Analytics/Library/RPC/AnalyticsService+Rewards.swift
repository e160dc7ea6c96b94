import GRPCCore
import NomadKit
import NomadProtos
import SwiftProtobuf

/// Enterprise reward eligibility (第11条): counted from events at query time,
/// so the answer is always as current as what analytics holds.
extension AnalyticsService {
    func getRewardEligibility(
        request: Nomad_Analytics_V1_GetRewardEligibilityRequest, context: ServerContext
    ) async throws -> Nomad_Analytics_V1_RewardEligibility {
        let principal = try caller
        let enterpriseID = try EligibilityRules.enterprise(request.enterpriseID, caller: principal)
        let year = try EligibilityRules.year(request.year)
        let (counts, evidence) = try await database.read { tx in
            try await EligibilityQueries.one(
                tx, enterpriseID: enterpriseID, year: year, evidenceLimit: EligibilityRules.maxEvidence)
        }
        var message = EligibilityRow(
            enterpriseID: enterpriseID, year: year, counts: counts, tiersMet: rewardTiers.met(by: counts)
        ).message()
        for index in message.counts.indices {
            guard let kind = RewardCriterionKind(rawValue: message.counts[index].criterion.rawValue) else { continue }
            let items = evidence.filter { $0.criterion == kind }
            message.counts[index].evidence = items.map { item in
                .with {
                    $0.subjectID = item.subjectID
                    $0.eventIds = item.eventIDs
                }
            }
            message.counts[index].evidenceTruncated = counts[kind] > Int64(items.count)
        }
        return message
    }

    func listRewardEligibility(
        request: Nomad_Analytics_V1_ListRewardEligibilityRequest, context: ServerContext
    ) async throws -> Nomad_Analytics_V1_ListRewardEligibilityResponse {
        _ = try caller
        let year = try EligibilityRules.year(request.year)
        let page = try Page(request.page)
        let tiers = rewardTiers
        let rows = try await database.read { tx in
            try await EligibilityQueries.list(
                tx, year: year, tiers: tiers, onlyEligible: request.onlyEligible,
                limit: page.fetchLimit, offset: page.offset)
        }
        return .listing(\.enterprises, rows.map { $0.message() }, page)
    }

    func listRewardTiers(
        request: Nomad_Analytics_V1_ListRewardTiersRequest, context: ServerContext
    ) async throws -> Nomad_Analytics_V1_ListRewardTiersResponse {
        _ = try caller
        return .with { $0.tiers = rewardTiers.tiers.map(\.message) }
    }
}
