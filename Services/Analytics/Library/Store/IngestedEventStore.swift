import Foundation
import Logging
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// An event as analytics holds it; subjects and payload as the JSON text stored.
struct IngestedEventRecord: Sendable {
    var id: UUID
    var source: String
    var type: String
    var schemaVersion: Int
    var occurredAt: Date
    var subjectIDsJSON: String
    var payloadJSON: String
    var ingestedAt: Date
}

/// The ingested_events table.
enum IngestedEventStore {
    /// Inserts what is new and ignores what analytics already holds, so a
    /// redelivered event changes nothing (not even its ingested_at). One
    /// prepared statement per batch: a relay's 100 events cost one round trip.
    static func insert(_ tx: Tx, _ events: [IngestInput]) async throws {
        _ = try await tx.execute(InsertBatch(events: events))
    }

    struct InsertBatch: PostgresPreparedStatement {
        static let sql = """
            INSERT INTO ingested_events (id, source_service, type, schema_version, occurred_at, subject_ids, payload)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int4[], $5::timestamptz[], $6::jsonb[], $7::jsonb[])
            ON CONFLICT (id) DO NOTHING
            """
        let events: [IngestInput]

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(events.map(\.id))
            bindings.append(events.map(\.source))
            bindings.append(events.map(\.type))
            bindings.append(events.map { Int32(clamping: $0.schemaVersion) })
            bindings.append(events.map(\.occurredAt))
            bindings.append(events.map(\.subjectIDs))
            bindings.append(events.map(\.payload))
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws {}
    }

    /// Newest first; `source` and `type` are optional filters.
    static func list(
        _ tx: Tx, source: String?, type: String?, page: Page
    ) async throws -> [IngestedEventRecord] {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns("e"))
            FROM ingested_events e
            WHERE (\(source)::text IS NULL OR e.source_service = \(source))
              AND (\(type)::text IS NULL OR e.type = \(type))
            ORDER BY e.ingested_at DESC, e.id DESC
            LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        var events: [IngestedEventRecord] = []
        for try await row in rows { events.append(try record(row.makeRandomAccess(), from: 0)) }
        return events
    }

    /// The columns `record` reads, in its order, of ingested_events as `alias`.
    static func columns(_ alias: String) -> String {
        ["id", "source_service", "type", "schema_version", "occurred_at", "subject_ids::text", "payload::text", "ingested_at"]
            .map { "\(alias).\($0)" }.joined(separator: ", ")
    }

    /// The record from the cells at `first` onwards (`columns`' order).
    static func record(_ cells: PostgresRandomAccessRow, from first: Int) throws -> IngestedEventRecord {
        IngestedEventRecord(
            id: try cells[first].decode(UUID.self), source: try cells[first + 1].decode(String.self),
            type: try cells[first + 2].decode(String.self), schemaVersion: try cells[first + 3].decode(Int.self),
            occurredAt: try cells[first + 4].decode(Date.self), subjectIDsJSON: try cells[first + 5].decode(String.self),
            payloadJSON: try cells[first + 6].decode(String.self), ingestedAt: try cells[first + 7].decode(Date.self))
    }
}
