import Foundation
import Logging
import NomadKit
import PostgresNIO

/// Facts analytics itself owns (a confirmed report, a recognition) go into
/// ingested_events in the same transaction as their own row, so the KPIs
/// read one table. Encoded as every service's outbox payloads are.
enum OwnEventStore {
    static func append<Event: OutboxEvent>(_ tx: Tx, _ event: Event) async throws {
        let payloadJSON = String(decoding: try Outbox.encode(event.payload), as: UTF8.self)
        let subjects = String(decoding: try Outbox.encode(event.subjects), as: UTF8.self)
        try await tx.query(
            """
            INSERT INTO ingested_events (id, source_service, type, schema_version, occurred_at, subject_ids, payload)
            VALUES (\(UUID()), 'analytics', \(Event.type), \(Event.schemaVersion), now(), \(subjects)::jsonb, \(payloadJSON)::jsonb)
            """)
    }
}
