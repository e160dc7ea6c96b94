import NomadKit
import NomadProtos

/// Which roles may call each assets RPC. Ownership is checked in the handlers.
enum AssetsAccess {
    typealias M = Nomad_Assets_V1_AssetsService.Method

    static let signedIn: Set<Role> = Set(Role.allCases)
    static let staff: Set<Role> = [.officer, .admin]

    static let policy = AccessPolicy(
        LedgerAccess.rules.merging(RegistryAccess.rules) { ledger, _ in ledger }
            .merging([M.ListAuditEntries.descriptor: .roles(staff)]) { area, _ in area },
        owners: AssetsDecisionOwners.table)
}
