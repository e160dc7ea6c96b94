import Foundation
import NomadKit

/// Identity's answer to "may this token's account still act?": its own
/// accounts table, read on every call. Not a cached set: with several
/// identity replicas behind one address, a disablement committed through one
/// must hold on the next call to any other, and only the shared table gives
/// that without a window. The read is a prepared primary-key lookup, small
/// next to the work of any call that follows it.
struct AccountStateCheck: RevocationCheck {
    let database: Database

    func isRevoked(_ account: UUID, issuedAt: Date) async throws -> Bool {
        try await database.read { tx in
            try await AccountStore.isDisabled(tx, id: account)
        }
    }
}
