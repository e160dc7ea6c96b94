import Foundation
import Logging
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// The recognitions table.
enum RecognitionStore {
    private static let columns = "id, enterprise_id, recognized_on::text, reference, evidence_hashes, recorded_by, recorded_at"

    /// Nil when the enterprise already has one: the unique key decides,
    /// waiting for a concurrent insert of the same enterprise to finish.
    static func insert(
        _ tx: Tx, id: UUID, draft: RecognitionRules.Draft, by officer: UUID
    ) async throws -> Nomad_Analytics_V1_Recognition? {
        try await messages(tx.query("""
            INSERT INTO recognitions (id, enterprise_id, recognized_on, reference, evidence_hashes, recorded_by)
            VALUES (\(id), \(draft.enterpriseID), \(draft.recognizedOn.iso)::date, \(draft.reference),
                    \(draft.evidence)::text[], \(officer))
            ON CONFLICT (enterprise_id) DO NOTHING
            RETURNING \(unescaped: columns)
            """)).first
    }

    static func find(_ tx: Tx, id: UUID) async throws -> Nomad_Analytics_V1_Recognition? {
        let rows = try await tx.query(
            "SELECT \(unescaped: columns) FROM recognitions WHERE id = \(id)")
        return try await messages(rows).first
    }

    /// Most recently recorded first.
    static func list(_ tx: Tx, page: Page) async throws -> [Nomad_Analytics_V1_Recognition] {
        let rows = try await tx.query("""
            SELECT \(unescaped: columns) FROM recognitions
            ORDER BY recorded_at DESC, id DESC LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        return try await messages(rows)
    }

    private static func messages(_ rows: PostgresRowSequence) async throws -> [Nomad_Analytics_V1_Recognition] {
        var result: [Nomad_Analytics_V1_Recognition] = []
        for try await (id, enterprise, day, reference, evidence, recordedBy, recordedAt)
            in rows.decode((UUID, UUID, String, String, [String], UUID, Date).self) {
            result.append(.with {
                $0.recognitionID = id.text
                $0.enterpriseID = enterprise.text
                if let day = ZoneDay(iso: day) { $0.recognizedOn = day.message }
                $0.reference = reference
                $0.evidenceHashes = evidence
                $0.recordedBy = recordedBy.text
                $0.recordedAt = Google_Protobuf_Timestamp(date: recordedAt)
            })
        }
        return result
    }
}
