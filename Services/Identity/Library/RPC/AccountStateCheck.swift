import Foundation
import Logging
import NomadKit

/// Identity's answer to "may this token's account still act?": its own
/// accounts table, read on every call. Not a cached set: with several
/// identity replicas behind one address, a disablement committed through one
/// must hold on the next call to any other, and only the shared table gives
/// that without a window. The read is a prepared primary-key lookup, small
/// next to the work of any call that follows it.
struct AccountStateCheck: RevocationCheck {
    let database: Database
    let logger: Logger

    func isRevoked(_ account: UUID, issuedAt: Date) async throws -> Bool {
        let logger = self.logger
        return try await database.read { connection in
            try await AccountStore.isDisabled(connection, id: account, logger: logger)
        }
    }
}
