import Foundation
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

struct CertificationRecord: Sendable {
    var id: UUID
    var applicantID: UUID
    var status: Nomad_Identity_V1_CertificationStatus
    var evidence: Nomad_Identity_V1_CertificationEvidence
    var criteria: [CriterionOutcome]
    var criteriaMet: Bool
    var decisionReason: String
    var documentsDeadline: Date?
    var createdAt: Date
    var history: [Nomad_Identity_V1_StatusChange] = []
}

enum CertificationStore {
    private static let columns = """
        id, applicant_id, status, evidence::text AS evidence, criteria::text AS criteria, criteria_met,
        decision_reason, documents_deadline, created_at
        """

    static func insert(_ tx: Tx, _ record: CertificationRecord) async throws {
        let evidence = try record.evidence.jsonString()
        let criteria = String(decoding: try JSONEncoder().encode(record.criteria), as: UTF8.self)
        do {
            try await tx.query(
                """
                INSERT INTO certifications (id, applicant_id, status, evidence, criteria, criteria_met)
                VALUES (\(record.id), \(record.applicantID), \(Int16(record.status.rawValue)), \(evidence)::jsonb,
                  \(criteria)::jsonb, \(record.criteriaMet))
                """)
        } catch let error as PSQLError where error.isUniqueViolation {
            throw IdentityErrors.certificationAlreadyOpen
        }
        try await appendHistory(tx, id: record.id, status: record.status, actor: record.applicantID, reason: "")
    }

    static func find(_ tx: Tx, id: UUID, lock: RowLock = .none) async throws -> CertificationRecord? {
        let rows = try await tx.query(
            "SELECT \(unescaped: columns) FROM certifications WHERE id = \(id)\(unescaped: lock.sql)"
        ).collect()
        guard let row = rows.first else { return nil }
        var record = try decode(row)
        record.history = try await history(tx, id: id)
        return record
    }

    /// The applicant's latest applications, or an officer's queue.
    static func list(
        _ tx: Tx, applicant: UUID?, status: Nomad_Identity_V1_CertificationStatus?, page: Page
    ) async throws -> [CertificationRecord] {
        let status = status.map { Int16($0.rawValue) }
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM certifications
            WHERE (\(applicant)::uuid IS NULL OR applicant_id = \(applicant)) AND (\(status)::smallint IS NULL OR status = \(status))
            ORDER BY created_at, id LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """
        ).collect()
        return try rows.map(decode)
    }

    static func hasApproved(_ tx: Tx, applicant: UUID) async throws -> Bool {
        try await tx.query(
            """
            SELECT 1 FROM certifications WHERE applicant_id = \(applicant) AND status = \(literal: Nomad_Identity_V1_CertificationStatus.approved) LIMIT 1
            """
        ).collect().count > 0
    }

    static func update(_ tx: Tx, _ record: CertificationRecord, actor: UUID) async throws {
        let evidence = try record.evidence.jsonString()
        let criteria = String(decoding: try JSONEncoder().encode(record.criteria), as: UTF8.self)
        try await tx.query(
            """
            UPDATE certifications SET status = \(Int16(record.status.rawValue)), evidence = \(evidence)::jsonb,
              criteria = \(criteria)::jsonb, criteria_met = \(record.criteriaMet),
              decision_reason = \(record.decisionReason), documents_deadline = \(record.documentsDeadline),
              updated_at = now()
            WHERE id = \(record.id)
            """)
        try await appendHistory(tx, id: record.id, status: record.status, actor: actor, reason: record.decisionReason)
    }

    /// Applications whose documents deadline passed unanswered lapse. Safe
    /// with several replicas: each row is claimed with SKIP LOCKED.
    static func lapseOverdue(_ tx: Tx) async throws -> Int {
        let rows = try await tx.query(
            """
            WITH due AS (
              SELECT id FROM certifications
              WHERE status = \(literal: Nomad_Identity_V1_CertificationStatus.awaitingDocuments) AND documents_deadline < now()
              FOR UPDATE SKIP LOCKED
            )
            UPDATE certifications c SET status = \(literal: Nomad_Identity_V1_CertificationStatus.lapsed), updated_at = now()
            FROM due WHERE c.id = due.id
            RETURNING c.id
            """
        ).collect()
        for row in rows {
            let id = try row.decode(UUID.self)
            try await appendHistory(tx, id: id, status: .lapsed, actor: nil, reason: "documents deadline passed")
        }
        return rows.count
    }

    private static func appendHistory(
        _ tx: Tx, id: UUID, status: Nomad_Identity_V1_CertificationStatus, actor: UUID?, reason: String
    ) async throws {
        try await tx.query(
            """
            INSERT INTO certification_history (certification_id, status, actor_id, reason)
            VALUES (\(id), \(Int16(status.rawValue)), \(actor), \(reason))
            """)
    }

    private static func history(_ tx: Tx, id: UUID) async throws -> [Nomad_Identity_V1_StatusChange] {
        var changes: [Nomad_Identity_V1_StatusChange] = []
        for try await (status, at, actor, reason) in try await tx.query(
            """
            SELECT status, at, actor_id, reason FROM certification_history
            WHERE certification_id = \(id) ORDER BY id
            """
        ).decode((Int16, Date, UUID?, String).self) {
            changes.append(
                .with {
                    $0.status = .init(rawValue: Int(status)) ?? .unspecified
                    $0.at = .init(date: at)
                    $0.actorID = actor?.uuidString.lowercased() ?? ""
                    $0.reason = reason
                })
        }
        return changes
    }

    private static func decode(_ row: PostgresRow) throws -> CertificationRecord {
        let r = row.makeRandomAccess()
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = true
        return CertificationRecord(
            id: try r["id"].decode(UUID.self),
            applicantID: try r["applicant_id"].decode(UUID.self),
            status: .init(rawValue: Int(try r["status"].decode(Int16.self))) ?? .unspecified,
            evidence: try .init(jsonString: try r["evidence"].decode(String.self), options: options),
            criteria: try JSONDecoder().decode([CriterionOutcome].self, from: Data(try r["criteria"].decode(String.self).utf8)),
            criteriaMet: try r["criteria_met"].decode(Bool.self),
            decisionReason: try r["decision_reason"].decode(String.self),
            documentsDeadline: try r["documents_deadline"].decode(Date?.self),
            createdAt: try r["created_at"].decode(Date.self))
    }
}
