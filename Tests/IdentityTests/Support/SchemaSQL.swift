import Foundation
import Logging
import NomadKit
import NomadTesting
import PostgresNIO

extension IdentityEnv {
    /// Runs `body` on a connection of its own to this test's schema, for what
    /// no RPC can arrange (time passing: a due date or a validity in the past)
    /// or observe (outbox rows). Production code never does this.
    func withSchemaConnection<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let logger = Logger(label: "identity-tests.sql")
        let client = try Database.makeClient(url: app.databaseURL, schema: app.schema, poolSize: 1, logger: logger)
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await client.withConnection { connection in try await body(connection) }
        }
    }

    /// How many outbox events of `type` are about `subject` (an id in subject_ids).
    func outboxCount(type: String, subject: String) async throws -> Int {
        try await withSchemaConnection { connection in
            try await connection.query("""
                SELECT count(*) FROM outbox
                WHERE type = \(type) AND EXISTS (SELECT 1 FROM jsonb_each_text(subject_ids) s WHERE s.value = \(subject))
                """, logger: Logger(label: "identity-tests.sql")).collect().first!.decode(Int.self)
        }
    }

    /// The payload of the latest outbox event of `type` about `subject`.
    func outboxPayload(type: String, subject: String) async throws -> [String: String]? {
        let text = try await withSchemaConnection { connection in
            try await connection.query("""
                SELECT payload::text FROM outbox
                WHERE type = \(type) AND EXISTS (SELECT 1 FROM jsonb_each_text(subject_ids) s WHERE s.value = \(subject))
                ORDER BY occurred_at DESC LIMIT 1
                """, logger: Logger(label: "identity-tests.sql")).collect().first?.decode(String.self)
        }
        guard let text else { return nil }
        return try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
    }
}
