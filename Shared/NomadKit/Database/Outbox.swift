import Foundation
import Instrumentation
import PostgresNIO
import ServiceContextModule

/// The transactional outbox: a mutation appends its domain event on the same
/// connection, inside the same transaction, so the event exists exactly when
/// the change does. A relay (later) delivers rows to analytics. The row keeps
/// the writing request's `traceparent`: the relay's batch links back to it.
public enum Outbox {
    public static func append(
        _ tx: Tx, type: String, schemaVersion: Int = 1,
        subjectIDs: [String: String], payload: some Encodable
    ) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // One spelling for every service's payloads, whatever the Swift names:
        // analytics reads them by these keys.
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        let payloadJSON = String(decoding: try encoder.encode(payload), as: UTF8.self)
        let subjects = String(decoding: try encoder.encode(subjectIDs), as: UTF8.self)
        let traceparent = TraceCarrier.current()["traceparent"]
        try await tx.query("""
            INSERT INTO outbox (id, type, schema_version, subject_ids, payload, traceparent)
            VALUES (\(UUID()), \(type), \(schemaVersion), \(subjects)::jsonb, \(payloadJSON)::jsonb, \(traceparent))
            """)
    }
}
