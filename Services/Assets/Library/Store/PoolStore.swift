import Foundation
import NomadKit
import PostgresNIO

struct PoolRecord: Sendable {
    var code: String
    var id: UUID
    var nameZh: String, nameEn: String
    var descriptionZh: String, descriptionEn: String
    var ownerDepartment: String
    var policyZh: String, policyEn: String
    var voucherAccount: UUID
}

struct PoolGrantRecord: Sendable {
    var id: UUID
    var poolCode: String
    var enterpriseID: UUID
    var purpose: String
    var start: ZoneDay
    var end: ZoneDay
    var status: PoolGrantStatus
    var decidedBy: UUID?
    var decisionNote: String
    var revokedBy: UUID?
    var vouchersPaid: Int64
    var reads: Int64
    var createdAt: Date
    var updatedAt: Date
}

struct PoolReadRecord: Sendable {
    var id: UUID
    var grantID: UUID
    var enterpriseID: UUID
    var recordsReturned: Int32
    var pageOffset: Int32
    var readAt: Date
}

struct PoolDataRecord: Sendable {
    var contributionID: UUID
    var kind: Int16
    var recordCount: Int64
    var bytes: Int64
    var contentHash: String
    var qualityScore: Int32
    var acceptedAt: Date
}

/// Pools, grants and the read log.
enum PoolStore {
    private static let poolSelect = """
        SELECT p.code, p.id, p.name_zh, p.name_en, p.description_zh, p.description_en, p.owner_department,
          p.policy_zh, p.policy_en, a.id
        FROM pools p JOIN ledger_accounts a ON a.owner_id = p.id AND a.kind = 'pool' AND a.unit = 'VOUCHER'
        """

    static func pools(_ tx: Tx, code: String? = nil) async throws -> [PoolRecord] {
        var found: [PoolRecord] = []
        for try await row in try await tx.query(
            "\(unescaped: poolSelect) WHERE (\(code)::text IS NULL OR p.code = \(code)) ORDER BY p.code"
        ) {
            let (code, id, nameZh, nameEn, descZh, descEn, department, policyZh, policyEn, account) =
                try row.decode((String, UUID, String, String, String, String, String, String, String, UUID).self)
            found.append(
                PoolRecord(
                    code: code, id: id, nameZh: nameZh, nameEn: nameEn, descriptionZh: descZh, descriptionEn: descEn,
                    ownerDepartment: department, policyZh: policyZh, policyEn: policyEn, voucherAccount: account))
        }
        return found
    }

    static func pool(_ tx: Tx, code: String) async throws -> PoolRecord {
        guard let pool = try await pools(tx, code: code).first else { throw PoolRules.unknownPool(code) }
        return pool
    }

    private static let grantColumns = """
        id, pool_code, enterprise_id, purpose, period_start::text, period_end::text, status, decided_by, decision_note,
        revoked_by, vouchers_paid, reads, created_at, updated_at
        """

    static func insertGrant(
        _ tx: Tx, id: UUID, enterprise: UUID, draft: PoolAccessDraft
    ) async throws -> PoolGrantRecord {
        try await grants(
            tx.query(
                """
                INSERT INTO pool_grants (id, pool_code, enterprise_id, purpose, period_start, period_end)
                VALUES (\(id), \(draft.poolCode), \(enterprise), \(draft.purpose), \(draft.start.iso)::date, \(draft.end.iso)::date)
                RETURNING \(unescaped: grantColumns)
                """)
        ).returnedRow()
    }

    static func grant(_ tx: Tx, id: UUID, lock: RowLock = .none) async throws -> PoolGrantRecord? {
        try await grants(
            try await tx.query(
                "SELECT \(unescaped: grantColumns) FROM pool_grants WHERE id = \(id)\(unescaped: lock.sql)")
        ).first
    }

    static func listGrants(
        _ tx: Tx, enterprise: UUID?, status: Int16?, page: Page
    ) async throws -> [PoolGrantRecord] {
        try await grants(
            try await tx.query(
                """
                SELECT \(unescaped: grantColumns) FROM pool_grants
                WHERE (\(enterprise)::uuid IS NULL OR enterprise_id = \(enterprise))
                  AND (\(status)::smallint IS NULL OR status = \(status))
                ORDER BY created_at DESC, id LIMIT \(page.fetchLimit) OFFSET \(page.offset)
                """))
    }

    static func decide(
        _ tx: Tx, id: UUID, status: PoolGrantStatus, by: UUID, note: String
    ) async throws -> PoolGrantRecord {
        try await grants(
            tx.query(
                """
                UPDATE pool_grants SET status = \(status.rawValue), decided_by = \(by), decision_note = \(note), updated_at = now()
                WHERE id = \(id)
                RETURNING \(unescaped: grantColumns)
                """)
        ).returnedRow()
    }

    static func revoke(_ tx: Tx, id: UUID, by: UUID, reason: String) async throws -> PoolGrantRecord {
        try await grants(
            tx.query(
                """
                UPDATE pool_grants SET status = \(PoolGrantStatus.revoked.rawValue), revoked_by = \(by), revoke_reason = \(reason),
                  updated_at = now()
                WHERE id = \(id)
                RETURNING \(unescaped: grantColumns)
                """)
        ).returnedRow()
    }

    static func addVoucherPayment(_ tx: Tx, id: UUID, amount: Int64) async throws {
        try await tx.query(
            "UPDATE pool_grants SET vouchers_paid = vouchers_paid + \(amount), updated_at = now() WHERE id = \(id)")
    }

    private static func grants(_ rows: PostgresRowSequence) async throws -> [PoolGrantRecord] {
        var found: [PoolGrantRecord] = []
        for try await row in rows {
            let (id, pool, enterprise, purpose, start, end, status, decidedBy, note, revokedBy, paid, reads, created, updated) =
                try row.decode((UUID, String, UUID, String, String, String, Int16, UUID?, String, UUID?, Int64, Int64, Date, Date).self)
            found.append(
                PoolGrantRecord(
                    id: id, poolCode: pool, enterpriseID: enterprise, purpose: purpose, start: ZoneDay(iso: start)!,
                    end: ZoneDay(iso: end)!, status: PoolGrantStatus(rawValue: status)!, decidedBy: decidedBy, decisionNote: note,
                    revokedBy: revokedBy, vouchersPaid: paid, reads: reads, createdAt: created, updatedAt: updated))
        }
        return found
    }

    /// A page of the pool's accepted contributions, oldest acceptance first.
    static func data(_ tx: Tx, pool: String, page: Page) async throws -> [PoolDataRecord] {
        var found: [PoolDataRecord] = []
        for try await row in try await tx.query(
            """
            SELECT id, kind, record_count, bytes, coalesce(content_hash, evidence_hash), quality_score, accepted_at
            FROM contributions WHERE pool_code = \(pool) AND status = \(literal: ContributionStatus.accepted)
            ORDER BY accepted_at, id LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        {
            let (id, kind, records, bytes, hash, quality, at) = try row.decode((UUID, Int16, Int64, Int64, String, Int32, Date).self)
            found.append(
                PoolDataRecord(
                    contributionID: id, kind: kind, recordCount: records, bytes: bytes, contentHash: hash, qualityScore: quality,
                    acceptedAt: at))
        }
        return found
    }

    static func logRead(
        _ tx: Tx, id: UUID, grant: PoolGrantRecord, returned: Int, offset: Int
    ) async throws {
        try await tx.query(
            """
            INSERT INTO pool_reads (id, grant_id, enterprise_id, records_returned, page_offset)
            VALUES (\(id), \(grant.id), \(grant.enterpriseID), \(Int32(returned)), \(Int32(offset)))
            """)
        try await tx.query("UPDATE pool_grants SET reads = reads + 1 WHERE id = \(grant.id)")
    }

    static func reads(_ tx: Tx, grant: UUID, page: Page) async throws -> [PoolReadRecord] {
        var found: [PoolReadRecord] = []
        for try await row in try await tx.query(
            """
            SELECT id, grant_id, enterprise_id, records_returned, page_offset, read_at FROM pool_reads
            WHERE grant_id = \(grant) ORDER BY read_at, id LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        {
            let (id, grantID, enterprise, returned, offset, at) = try row.decode((UUID, UUID, UUID, Int32, Int32, Date).self)
            found.append(
                PoolReadRecord(
                    id: id, grantID: grantID, enterpriseID: enterprise, recordsReturned: returned, pageOffset: offset, readAt: at))
        }
        return found
    }
}
