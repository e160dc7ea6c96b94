import Foundation
import Logging
import NomadKit
import NomadTesting
import PostgresNIO

extension IdentityEnv {
    /// The payload of the latest outbox event of `type` about `subject`.
    func outboxPayload(type: String, subject: String) async throws -> [String: String]? {
        let text = try await app.outboxPayloadText(type: type, subject: subject)
        guard let text else { return nil }
        return try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
    }
}
