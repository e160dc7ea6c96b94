import Foundation
import NomadKit
import PostgresNIO

struct ContributionRecord: Sendable {
    var id: UUID
    var contributorID: UUID
    var poolCode: String
    var kind: ContributionKind
    var recordCount: Int64
    var bytes: Int64
    var contentHash: String?
    var evidenceHash: String?
    var workUnits: Int64
    var workUnitLabel: String
    var qualityScore: Int32
    var status: ContributionStatus
    var powUnits: Int64
    var ruleVersion: Int32?
    var reversedUnits: Int64
    var unrecoveredUnits: Int64
    var reviewedBy: UUID?
    var reviewNote: String
    var createdAt: Date
    var updatedAt: Date

    var draft: ContributionDraft {
        ContributionDraft(
            poolCode: poolCode, kind: kind, recordCount: recordCount, bytes: bytes, contentHash: contentHash,
            evidenceHash: evidenceHash, workUnits: workUnits, workUnitLabel: workUnitLabel, qualityScore: qualityScore)
    }
}

enum ContributionStore {
    private static let columns = """
        id, contributor_id, pool_code, kind, record_count, bytes, content_hash, evidence_hash, work_units, work_unit_label,
        quality_score, status, pow_units, valuation_rule_version, reversed_units, unrecovered_units, reviewed_by,
        review_note, created_at, updated_at
        """

    /// Inserts a pending contribution; a hash seen before is ALREADY_EXISTS
    /// (the unique indexes decide, so two replicas racing the same hash
    /// cannot both record it).
    static func insert(
        _ tx: Tx, id: UUID, contributor: UUID, draft: ContributionDraft
    ) async throws -> ContributionRecord {
        let inserted = try await records(
            tx.query(
                """
                INSERT INTO contributions (id, contributor_id, pool_code, kind, record_count, bytes, content_hash, evidence_hash,
                  work_units, work_unit_label, quality_score)
                VALUES (\(id), \(contributor), \(draft.poolCode), \(draft.kind.rawValue), \(draft.recordCount), \(draft.bytes),
                  \(draft.contentHash), \(draft.evidenceHash), \(draft.workUnits), \(draft.workUnitLabel), \(draft.qualityScore))
                ON CONFLICT DO NOTHING RETURNING \(unescaped: columns)
                """))
        guard let record = inserted.first else { throw ContributionRules.duplicateHash }
        return record
    }

    static func find(_ tx: Tx, id: UUID, lock: RowLock = .none) async throws -> ContributionRecord? {
        try await records(
            try await tx.query(
                "SELECT \(unescaped: columns) FROM contributions WHERE id = \(id)\(unescaped: lock.sql)")
        ).first
    }

    static func list(
        _ tx: Tx, contributor: UUID?, status: Int16?, page: Page
    ) async throws -> [ContributionRecord] {
        try await records(
            try await tx.query(
                """
                SELECT \(unescaped: columns) FROM contributions
                WHERE (\(contributor)::uuid IS NULL OR contributor_id = \(contributor))
                  AND (\(status)::smallint IS NULL OR status = \(status))
                ORDER BY created_at DESC, id LIMIT \(page.fetchLimit) OFFSET \(page.offset)
                """))
    }

    static func accept(
        _ tx: Tx, id: UUID, units: Int64, ruleVersion: Int32, by: UUID
    ) async throws -> ContributionRecord {
        try await records(
            tx.query(
                """
                UPDATE contributions SET status = \(literal: ContributionStatus.accepted), pow_units = \(units), valuation_rule_version = \(ruleVersion),
                  reviewed_by = \(by), accepted_at = now(), updated_at = now()
                WHERE id = \(id)
                RETURNING \(unescaped: columns)
                """)
        ).returnedRow()
    }

    static func reject(_ tx: Tx, id: UUID, by: UUID, note: String) async throws -> ContributionRecord {
        try await records(
            tx.query(
                """
                UPDATE contributions SET status = \(literal: ContributionStatus.rejected), reviewed_by = \(by), review_note = \(note), updated_at = now() WHERE id = \(id)
                RETURNING \(unescaped: columns)
                """)
        ).returnedRow()
    }

    static func reverse(
        _ tx: Tx, id: UUID, reversed: Int64, unrecovered: Int64, by: UUID, note: String
    ) async throws -> ContributionRecord {
        try await records(
            tx.query(
                """
                UPDATE contributions SET status = \(literal: ContributionStatus.reversed), reversed_units = \(reversed), unrecovered_units = \(unrecovered),
                  reviewed_by = \(by), review_note = \(note), updated_at = now()
                WHERE id = \(id)
                RETURNING \(unescaped: columns)
                """)
        ).returnedRow()
    }

    private static func records(_ rows: PostgresRowSequence) async throws -> [ContributionRecord] {
        var found: [ContributionRecord] = []
        for try await row in rows {
            let r = row.makeRandomAccess()
            found.append(
                ContributionRecord(
                    id: try r["id"].decode(UUID.self), contributorID: try r["contributor_id"].decode(UUID.self),
                    poolCode: try r["pool_code"].decode(String.self),
                    kind: ContributionKind(rawValue: try r["kind"].decode(Int16.self))!,
                    recordCount: try r["record_count"].decode(Int64.self), bytes: try r["bytes"].decode(Int64.self),
                    contentHash: try r["content_hash"].decode(String?.self), evidenceHash: try r["evidence_hash"].decode(String?.self),
                    workUnits: try r["work_units"].decode(Int64.self), workUnitLabel: try r["work_unit_label"].decode(String.self),
                    qualityScore: try r["quality_score"].decode(Int32.self),
                    status: ContributionStatus(rawValue: try r["status"].decode(Int16.self))!,
                    powUnits: try r["pow_units"].decode(Int64.self), ruleVersion: try r["valuation_rule_version"].decode(Int32?.self),
                    reversedUnits: try r["reversed_units"].decode(Int64.self),
                    unrecoveredUnits: try r["unrecovered_units"].decode(Int64.self),
                    reviewedBy: try r["reviewed_by"].decode(UUID?.self), reviewNote: try r["review_note"].decode(String.self),
                    createdAt: try r["created_at"].decode(Date.self), updatedAt: try r["updated_at"].decode(Date.self)))
        }
        return found
    }
}
