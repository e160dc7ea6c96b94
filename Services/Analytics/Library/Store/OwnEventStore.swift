import Foundation
import Logging
import NomadKit
import PostgresNIO

/// Facts analytics itself owns (a confirmed report, a recognition) go into
/// ingested_events in the same transaction as their own row, so the KPIs
/// read one table. Keys are snake_case like every service's outbox payloads.
enum OwnEventStore {
    static func append(
        _ tx: Tx, type: String, subjectIDs: [String: String], payload: some Encodable
    ) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let payloadJSON = String(decoding: try encoder.encode(payload), as: UTF8.self)
        let subjects = String(decoding: try encoder.encode(subjectIDs), as: UTF8.self)
        try await tx.query("""
            INSERT INTO ingested_events (id, source_service, type, schema_version, occurred_at, subject_ids, payload)
            VALUES (\(UUID()), 'analytics', \(type), 1, now(), \(subjects)::jsonb, \(payloadJSON)::jsonb)
            """)
    }
}

/// The payload of "analytics.revenue.confirmed": money in fen (CNY).
struct RevenueConfirmed: Encodable {
    var periodFrom: String
    var periodTo: String
    var individual: Bool
    var revenueMinor: Int64
    var taxMinor: Int64
}

/// The payload of "analytics.enterprise.recognized".
struct EnterpriseRecognized: Encodable {
    var recognizedOn: String
}
