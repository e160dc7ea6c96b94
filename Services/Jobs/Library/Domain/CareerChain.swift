import Foundation
import NomadKit

/// A nomad's way from training to work that lands in the zone
/// (场景实训 → 远程接单 → 落地转化), derived from what was recorded rather than
/// kept as its own state, so it can never disagree with the orders.
///
/// Definition:
/// - SCENARIO: one step per completed training scenario, at its completion.
/// - ORDER: one step per order that was taken, that is whose contract was
///   signed (an application accepted, or a claim), at the signing; an order
///   cancelled later still counts as taken.
/// - ORDER_COMPLETED: one step per completed order, at its completion.
/// - LANDED (落地转化): one step per signed contract that runs one year or more
///   (`long_term`) or is FLEXIBLE employment, at the signing, unless the order
///   was cancelled: a cancelled contract did not land. The nomad has `landed`
///   when there is at least one such step.
/// Steps are in time order; steps at the same instant follow the chain's order
/// (scenario, order, completion, landed).
struct CareerChain: Sendable, Equatable {
    enum Stage: Int, Sendable, Comparable {
        case scenario = 1
        case order = 2
        case orderCompleted = 3
        case landed = 4

        static func < (lhs: Stage, rhs: Stage) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    struct Step: Sendable, Equatable {
        var stage: Stage
        var at: Date
        var skillCode: String
        var referenceID: UUID
    }

    struct Completion: Sendable {
        var scenarioID: UUID
        var skillCode: String
        var completedAt: Date
    }

    struct Order: Sendable {
        var orderID: UUID
        /// The job's main skill (its most important required skill).
        var skillCode: String
        var cancelled: Bool
        var flexible: Bool
        var longTerm: Bool
        var signedAt: Date?
        var completedAt: Date?
    }

    var steps: [Step]
    var scenariosCompleted: Int
    var ordersTaken: Int
    var ordersCompleted: Int
    var landed: Bool

    init(completions: [Completion], orders: [Order]) {
        var steps = completions.map {
            Step(stage: .scenario, at: $0.completedAt, skillCode: $0.skillCode, referenceID: $0.scenarioID)
        }
        var taken = 0, completed = 0
        for order in orders {
            guard let signedAt = order.signedAt else { continue }
            taken += 1
            steps.append(Step(stage: .order, at: signedAt, skillCode: order.skillCode, referenceID: order.orderID))
            if let completedAt = order.completedAt {
                completed += 1
                steps.append(Step(stage: .orderCompleted, at: completedAt, skillCode: order.skillCode, referenceID: order.orderID))
            }
            if !order.cancelled, order.longTerm || order.flexible {
                steps.append(Step(stage: .landed, at: signedAt, skillCode: order.skillCode, referenceID: order.orderID))
            }
        }
        steps.sort { ($0.at, $0.stage, $0.referenceID.text) < ($1.at, $1.stage, $1.referenceID.text) }
        self.steps = steps
        scenariosCompleted = completions.count
        ordersTaken = taken
        ordersCompleted = completed
        landed = steps.contains { $0.stage == .landed }
    }
}
