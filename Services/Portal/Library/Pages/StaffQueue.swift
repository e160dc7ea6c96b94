import Foundation

/// What waits on an officer's workbench, by kind, and the department that
/// decides each kind, as the services' own decision-owner tables say (README,
/// "Who decides what"): the portal asks a service only for the kinds the
/// officer's department owns, so nobody is shown a decision they cannot take.
enum StaffQueue {
    enum Kind: String, CaseIterable {
        /// 游民认定: identity's certifying department, on a page of its own.
        case certification
        /// 一卡通办 applications: routed to the department each catalogue entry
        /// names, so every department may have some (identity scopes the list).
        case application
        /// Foreign nomads' work and residence permits.
        case permit
        /// Data contributions to accept or reject.
        case contribution
        /// Enterprises' requests to use a data pool, with a purpose and period.
        case poolAccess = "pool_access"
        /// Organisers' applications for the conference reward.
        case eventReward = "event_reward"
    }

    static let owners: [Kind: String] = [
        .certification: "talent", .permit: "exit_entry", .contribution: "data", .poolAccess: "data",
        .eventReward: "investment_promotion",
    ]

    static func kinds(of department: String) -> [Kind] {
        Kind.allCases.filter { owners[$0] == nil || owners[$0] == department }
    }

    /// One waiting decision, as the queue lists it.
    struct Item {
        var kind: Kind
        var id: String
        var applicantID: String
        var title: [String: String]
        var submitted: Date
        var due: Date?
        var overdue: Bool
        /// Where it is decided when not in place.
        var link: String
    }

    /// Overdue first, then the oldest: what has waited longest is decided first.
    static func ordered(_ items: [Item]) -> [Item] {
        items.sorted { left, right in
            if left.overdue != right.overdue { return left.overdue }
            return left.submitted < right.submitted
        }
    }
}
