import Foundation
import Logging
import NomadKit
import PostgresNIO

extension TestApp {
    public static let sqlLogger = Logger(label: "tests.sql")

    /// Runs `body` on a connection of its own to this test's schema, for what
    /// no RPC can arrange (time passing, rows another area owns) or observe
    /// (outbox rows, counters). Production code never does this.
    public func withSchemaConnection<Result: Sendable>(
        _ body: @escaping @Sendable (Tx) async throws -> Result
    ) async throws -> Result {
        let client = try Database.makeClient(url: databaseURL, schema: schema, poolSize: 1, logger: Self.sqlLogger)
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await client.withConnection { connection in
                try await body(Tx(connection: connection, logger: Self.sqlLogger))
            }
        }
    }

    /// How many outbox events of `type` are about `subject` (an id in subject_ids).
    public func outboxCount(type: String, subject: String) async throws -> Int {
        try await withSchemaConnection { tx in
            try await tx.query(
                """
                SELECT count(*) FROM outbox
                WHERE type = \(type) AND EXISTS (SELECT 1 FROM jsonb_each_text(subject_ids) s WHERE s.value = \(subject))
                """
            ).collect().first!.decode(Int.self)
        }
    }

    /// The payload of the latest outbox event of `type` about `subject`, as JSON text.
    public func outboxPayloadText(type: String, subject: String) async throws -> String? {
        try await withSchemaConnection { tx in
            try await tx.query(
                """
                SELECT payload::text FROM outbox
                WHERE type = \(type) AND EXISTS (SELECT 1 FROM jsonb_each_text(subject_ids) s WHERE s.value = \(subject))
                ORDER BY occurred_at DESC LIMIT 1
                """
            ).collect().first?.decode(String.self)
        }
    }
}
