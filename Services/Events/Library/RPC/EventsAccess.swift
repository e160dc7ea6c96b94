import NomadKit
import NomadProtos

/// Which roles may call each events RPC. Ownership is checked in the handlers.
/// Each area keeps its rules in its own file; the policy merges them.
enum EventsAccess {
    typealias M = Nomad_Events_V1_EventsService.Method

    static let signedIn: Set<Role> = Set(Role.allCases)
    static let staff: Set<Role> = [.officer, .admin]

    static let policy = AccessPolicy(
        areas: [CalendarAccess.rules, CompetitionsAccess.rules, [M.ListAuditEntries.descriptor: .roles(staff)]],
        owners: EventsDecisionOwners.table)
}
