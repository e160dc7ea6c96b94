import Foundation

/// What waits on an officer's workbench, by kind, and the department that
/// decides each kind, as the services' own decision-owner tables say (README,
/// "Who decides what"): the portal asks a service only for the kinds the
/// officer's department owns, so nobody is shown a decision they cannot take.
enum StaffQueue {
    enum Kind: String, CaseIterable {
        /// 游民认定: identity's certifying department.
        case certification
        /// 一卡通办 applications: routed to the department each catalogue entry
        /// names, so every department may have some (identity scopes the list).
        case application
        /// Data contributions to accept or reject: the data bureau.
        case contribution
    }

    static let owners: [Kind: String] = [.certification: "talent", .contribution: "data"]

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
