import Foundation
import NomadKit
import PostgresNIO
import SwiftProtobuf

extension TestApp {
    /// Stores `response` on the idempotency key of (caller, method,
    /// request_id) as the many-statement path did before the mutation became
    /// one statement: a sealed response. A test then retries the request to
    /// see that the upgraded service answers it with that response and
    /// changes nothing. Only the caller's account id goes into the key.
    public func storeEarlierResponse<Response: SwiftProtobuf.Message & Sendable>(
        _ response: Response, method: String, requestID: String, request: some SwiftProtobuf.Message & Sendable,
        callerID: String
    ) async throws {
        guard let account = UUID(uuidString: callerID) else { throw NomadError.internalError }
        let principal = Principal(accountID: account, role: .nomad)
        _ = try await withSchemaConnection { tx in
            try await tx.query("BEGIN")
            let stored = try await Idempotency.once(
                tx, method: method, requestID: requestID,
                request: request, caller: principal, protection: TestKeys.data
            ) { response }
            try await tx.query("COMMIT")
            return stored
        }
    }
}
