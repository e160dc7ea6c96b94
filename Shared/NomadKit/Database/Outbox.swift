import Foundation
import Instrumentation
import PostgresNIO
import ServiceContextModule

/// The transactional outbox: a mutation appends its domain event inside its own
/// transaction, so the event exists exactly when
/// the change does. A relay (later) delivers rows to analytics. The row keeps
/// the writing request's `traceparent`: the relay's batch links back to it.
public enum Outbox {
    public static func append<Event: OutboxEvent>(_ tx: Tx, _ event: Event) async throws {
        let type = Event.type, schemaVersion = Event.schemaVersion
        let subjects = String(decoding: try encode(event.subjects), as: UTF8.self)
        let payloadJSON = String(decoding: try encode(event.payload), as: UTF8.self)
        let traceparent = TraceCarrier.current()["traceparent"]
        try await tx.query(
            """
            INSERT INTO outbox (id, type, schema_version, subject_ids, payload, traceparent)
            VALUES (\(UUID()), \(type), \(schemaVersion), \(subjects)::jsonb, \(payloadJSON)::jsonb, \(traceparent))
            """)
    }

    /// The JSON of subject ids and payloads exactly as `append` stores it; the
    /// contract tests compare analytics' reads with it.
    public static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // One spelling for every service's payloads, whatever the Swift names:
        // analytics reads them by these keys.
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(value)
    }
}
