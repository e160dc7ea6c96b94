import Foundation
import NomadKit
import NomadProtos
import PostgresNIO

/// An application to a catalogue service. `overdue` is computed by the
/// database when the row is read, against its clock: still open past
/// `dueAt`, or decided after it.
struct ApplicationRecord: Sendable {
    var id: UUID
    var serviceCode: String
    var applicantID: UUID
    var department: String
    var status: Nomad_Identity_V1_ApplicationStatus
    var form: [String: String]
    var evidenceHashes: [String]
    var submittedAt: Date
    var dueAt: Date
    var decidedAt: Date?
    var decisionReason: String
    var overdue: Bool
    var rating: Int?
    var ratingComment: String
    /// The documents the application cites, in the order given.
    var documentIDs: [UUID] = []

    var isClosed: Bool { status == .approved || status == .rejected }
}

/// Which applications a list returns.
struct ApplicationFilter: Sendable {
    /// An applicant's own.
    var applicant: UUID?
    /// An officer's department queue.
    var department: String?
    var status: Nomad_Identity_V1_ApplicationStatus?
    /// Still submitted and past due; listed most overdue first.
    var overdueOnly = false
}

enum ApplicationStore {
    private static let columns = """
        id, service_code, applicant_id, department, status, form::text AS form, evidence_hashes,
        submitted_at, due_at, decided_at, decision_reason,
        (CASE WHEN decided_at IS NULL THEN due_at < now() ELSE decided_at > due_at END) AS overdue,
        rating, rating_comment, \(DocumentCitationStore.idsColumn(.application, caseID: "applications.id"))
        """

    /// Submitted now, due `processingDays` calendar days later. The zone
    /// (Asia/Shanghai) keeps no daylight saving, so a calendar day there is
    /// 24 hours whatever the database session's time zone.
    static func insert(
        _ tx: Tx, id: UUID, serviceCode: String, applicant: UUID, department: String,
        form: [String: String], evidenceHashes: [String], processingDays: Int32
    ) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let formJSON = String(decoding: try encoder.encode(form), as: UTF8.self)
        try await tx.query(
            """
            INSERT INTO applications (id, service_code, applicant_id, department, status, form, evidence_hashes, due_at)
            VALUES (\(id), \(serviceCode), \(applicant), \(department),
              \(Int16(Nomad_Identity_V1_ApplicationStatus.submitted.rawValue)), \(formJSON)::jsonb, \(evidenceHashes),
              now() + make_interval(hours => \(processingDays) * 24))
            """)
    }

    static func find(_ tx: Tx, id: UUID, lock: RowLock = .none) async throws -> ApplicationRecord? {
        try await tx.query(
            "SELECT \(unescaped: columns) FROM applications WHERE id = \(id)\(unescaped: lock.sql)"
        ).collect().first.map(decode)
    }

    /// Up to `page.fetchLimit` applications matching `filter`, oldest first
    /// (the overdue view: longest past due first).
    static func list(
        _ tx: Tx, filter: ApplicationFilter, page: Page
    ) async throws -> [ApplicationRecord] {
        let order = filter.overdueOnly ? "due_at, id" : "submitted_at, id"
        let status = filter.status.map { Int16($0.rawValue) }
        let submitted = String(Nomad_Identity_V1_ApplicationStatus.submitted.rawValue)  // stays a literal in the SQL
        return try await tx.query(
            """
            SELECT \(unescaped: columns) FROM applications
            WHERE (\(filter.applicant)::uuid IS NULL OR applicant_id = \(filter.applicant))
              AND (\(filter.department)::text IS NULL OR department = \(filter.department))
              AND (\(status)::smallint IS NULL OR status = \(status))
              AND (NOT \(filter.overdueOnly)::boolean OR (status = \(unescaped: submitted) AND due_at < now()))
            ORDER BY \(unescaped: order) LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """
        ).collect().map(decode)
    }

    static func decide(
        _ tx: Tx, id: UUID, status: Nomad_Identity_V1_ApplicationStatus, reason: String
    ) async throws {
        try await tx.query(
            """
            UPDATE applications SET status = \(Int16(status.rawValue)), decision_reason = \(reason), decided_at = now()
            WHERE id = \(id)
            """)
    }

    static func rate(_ tx: Tx, id: UUID, stars: Int16, comment: String) async throws {
        try await tx.query(
            """
            UPDATE applications SET rating = \(stars), rating_comment = \(comment), rated_at = now()
            WHERE id = \(id)
            """)
    }

    private static func decode(_ row: PostgresRow) throws -> ApplicationRecord {
        let r = row.makeRandomAccess()
        let form = try JSONDecoder().decode([String: String].self, from: Data(try r["form"].decode(String.self).utf8))
        return ApplicationRecord(
            id: try r["id"].decode(UUID.self),
            serviceCode: try r["service_code"].decode(String.self),
            applicantID: try r["applicant_id"].decode(UUID.self),
            department: try r["department"].decode(String.self),
            status: .init(rawValue: Int(try r["status"].decode(Int16.self))) ?? .unspecified,
            form: form,
            evidenceHashes: try r["evidence_hashes"].decode([String].self),
            submittedAt: try r["submitted_at"].decode(Date.self),
            dueAt: try r["due_at"].decode(Date.self),
            decidedAt: try r["decided_at"].decode(Date?.self),
            decisionReason: try r["decision_reason"].decode(String.self),
            overdue: try r["overdue"].decode(Bool.self),
            rating: try r["rating"].decode(Int16?.self).map(Int.init),
            ratingComment: try r["rating_comment"].decode(String.self),
            documentIDs: try r["document_ids"].decode([UUID].self))
    }
}
