import NomadKit
import NomadProtos

/// Which roles may call each events RPC: each area keeps its rules in its own
/// file, merged here. Ownership is checked in the handlers.
enum EventsAccess {
    typealias M = Nomad_Events_V1_EventsService.Method

    static let signedIn: Set<Role> = Set(Role.allCases)
    static let staff: Set<Role> = [.officer, .admin]

    static let policy = AccessPolicy(CalendarAccess.rules)
}
