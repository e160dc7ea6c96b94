import Foundation
import Logging
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

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
    ) async throws -> [Nomad_Analytics_V1_IngestedEvent] {
        let rows = try await tx.query("""
            SELECT \(unescaped: columns("e"))
            FROM ingested_events e
            WHERE (\(source)::text IS NULL OR e.source_service = \(source))
              AND (\(type)::text IS NULL OR e.type = \(type))
            ORDER BY e.ingested_at DESC, e.id DESC
            LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        var events: [Nomad_Analytics_V1_IngestedEvent] = []
        for try await row in rows.decode(Row.self) { events.append(message(row)) }
        return events
    }

    /// The columns `message` reads, in its order, of ingested_events as `alias`.
    static func columns(_ alias: String) -> String {
        ["id", "source_service", "type", "schema_version", "occurred_at", "subject_ids::text", "payload::text", "ingested_at"]
            .map { "\(alias).\($0)" }.joined(separator: ", ")
    }

    typealias Row = (UUID, String, String, Int, Date, String, String, Date)

    /// `Row` from the cells at `first` onwards.
    static func row(_ cells: PostgresRandomAccessRow, from first: Int) throws -> Row {
        (try cells[first].decode(UUID.self), try cells[first + 1].decode(String.self),
         try cells[first + 2].decode(String.self), try cells[first + 3].decode(Int.self),
         try cells[first + 4].decode(Date.self), try cells[first + 5].decode(String.self),
         try cells[first + 6].decode(String.self), try cells[first + 7].decode(Date.self))
    }

    static func message(_ row: Row) -> Nomad_Analytics_V1_IngestedEvent {
        let (id, source, type, version, occurredAt, subjects, payload, ingestedAt) = row
        return .with {
            $0.event = .init(
                id: id, source: source, type: type, schemaVersion: version, occurredAt: occurredAt,
                subjectIDsJSON: subjects, payloadJSON: payload)
            $0.ingestedAt = Google_Protobuf_Timestamp(date: ingestedAt)
        }
    }
}
