import Foundation
import Logging
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// A high-tech recognition as recorded.
struct RecognitionRecord: Sendable {
    var id: UUID
    var enterpriseID: UUID
    var recognizedOn: ZoneDay?
    var reference: String
    var evidenceHashes: [String]
    var recordedBy: UUID
    var recordedAt: Date
}

/// The recognitions table.
enum RecognitionStore {
    private static let columns = "id, enterprise_id, recognized_on::text, reference, evidence_hashes, recorded_by, recorded_at"

    /// Nil when the enterprise already has one: the unique key decides,
    /// waiting for a concurrent insert of the same enterprise to finish.
    static func insert(
        _ tx: Tx, id: UUID, draft: RecognitionRules.Draft, by officer: UUID
    ) async throws -> RecognitionRecord? {
        try await records(
            tx.query(
                """
                INSERT INTO recognitions (id, enterprise_id, recognized_on, reference, evidence_hashes, recorded_by)
                VALUES (\(id), \(draft.enterpriseID), \(draft.recognizedOn.iso)::date, \(draft.reference),
                        \(draft.evidence)::text[], \(officer))
                ON CONFLICT (enterprise_id) DO NOTHING
                RETURNING \(unescaped: columns)
                """)
        ).first
    }

    static func find(_ tx: Tx, id: UUID) async throws -> RecognitionRecord? {
        let rows = try await tx.query(
            "SELECT \(unescaped: columns) FROM recognitions WHERE id = \(id)")
        return try await records(rows).first
    }

    /// Most recently recorded first.
    static func list(_ tx: Tx, page: Page) async throws -> [RecognitionRecord] {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM recognitions
            ORDER BY recorded_at DESC, id DESC LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        return try await records(rows)
    }

    private static func records(_ rows: PostgresRowSequence) async throws -> [RecognitionRecord] {
        var result: [RecognitionRecord] = []
        for try await (id, enterprise, day, reference, evidence, recordedBy, recordedAt)
            in rows.decode((UUID, UUID, String, String, [String], UUID, Date).self)
        {
            result.append(
                RecognitionRecord(
                    id: id, enterpriseID: enterprise, recognizedOn: ZoneDay(iso: day), reference: reference,
                    evidenceHashes: evidence, recordedBy: recordedBy, recordedAt: recordedAt))
        }
        return result
    }
}
