import NomadKit
import NomadProtos

/// Which roles may call each assets RPC. Ownership is checked in the handlers.
enum AssetsAccess {
    typealias M = Nomad_Assets_V1_AssetsService.Method

    static let signedIn: Set<Role> = Set(Role.allCases)
    static let staff: Set<Role> = [.officer, .admin]

    static let policy = AccessPolicy(
        areas: [LedgerAccess.rules, RegistryAccess.rules, [M.ListAuditEntries.descriptor: .roles(staff)]],
        owners: AssetsDecisionOwners.table)
}
