import NomadKit
import NomadProtos

/// The department whose officers make each events decision (README, "Who
/// decides what"). The plan makes the Yangpu Investment Promotion Bureau the
/// lead unit of conferences and their rewards (item 13) and of the maker
/// competitions whose winners it docks with enterprises and parks (item 15).
enum EventsDecisionOwners {
    typealias M = Nomad_Events_V1_EventsService.Method

    static let investmentPromotion = "investment_promotion"

    static let table = DecisionOwners([
        M.ReviewEventReward.descriptor: investmentPromotion,
        M.GrantCompetitionAward.descriptor: investmentPromotion,
    ])
}
