import Foundation
import NomadKit
import NomadProtos
import PostgresNIO

/// A permit row. `storedStatus` is PENDING, APPROVED or REJECTED; EXPIRED is
/// never stored but derived from `validUntil` when the permit is read.
struct PermitRecord: Sendable {
    var id: UUID
    var applicantID: UUID
    var months: Int
    var activities: [Nomad_Identity_V1_PermitActivity]
    var storedStatus: Nomad_Identity_V1_PermitStatus
    var decisionReason: String
    var startDate: ZoneDay
    var validFrom: ZoneDay?
    var validUntil: ZoneDay?
    var createdAt: Date
    var decidedAt: Date?
    /// The documents the application cites, in the order given.
    var documentIDs: [UUID] = []
    /// A renewal's predecessor.
    var renews: UUID?
    var revokedAt: Date?
    var revocationReason = ""

    /// The days it is meant to cover: the validity once approved, the asked
    /// period while pending.
    var period: (from: ZoneDay, until: ZoneDay) {
        if let validFrom, let validUntil { return (validFrom, validUntil) }
        return PermitRules.validity(start: startDate, months: months)
    }

    /// An approved permit whose last valid day is before `today` has expired.
    func status(on today: ZoneDay) -> Nomad_Identity_V1_PermitStatus {
        if storedStatus == .approved, let validUntil, validUntil < today { return .expired }
        return storedStatus
    }
}

/// Which permits a list returns, in terms of stored columns. Built by
/// `PermitRules.filter`, which resolves the derived statuses.
struct PermitFilter: Sendable {
    var applicant: UUID?
    var storedStatus: Nomad_Identity_V1_PermitStatus?
    /// Inclusive bounds on valid_until.
    var validUntilFrom: ZoneDay?
    var validUntilTo: ZoneDay?
    /// Soonest end first (the expiring-permits view) instead of oldest application first.
    var orderByValidUntil = false
}

enum PermitStore {
    private static let columns = """
        id, applicant_id, months, activities, status, decision_reason,
        to_char(start_date, 'YYYY-MM-DD') AS start_date,
        to_char(valid_from, 'YYYY-MM-DD') AS valid_from,
        to_char(valid_until, 'YYYY-MM-DD') AS valid_until,
        created_at, decided_at, renews, revoked_at, revocation_reason,
        \(DocumentCitationStore.idsColumn(.permit, caseID: "permits.id"))
        """

    static func insert(_ tx: Tx, _ record: PermitRecord) async throws {
        let activities = record.activities.map { Int16($0.rawValue) }
        try await tx.query(
            """
            INSERT INTO permits (id, applicant_id, months, activities, status, start_date, renews)
            VALUES (\(record.id), \(record.applicantID), \(Int16(record.months)), \(activities),
              \(Int16(record.storedStatus.rawValue)), \(record.startDate.iso)::date, \(record.renews))
            """)
    }

    static func find(_ tx: Tx, id: UUID, lock: RowLock = .none) async throws -> PermitRecord? {
        try await tx.query(
            "SELECT \(unescaped: columns) FROM permits WHERE id = \(id)\(unescaped: lock.sql)"
        ).collect().first.map(decode)
    }

    /// Up to `page.fetchLimit` permits matching `filter`.
    static func list(_ tx: Tx, filter: PermitFilter, page: Page) async throws -> [PermitRecord] {
        let order = filter.orderByValidUntil ? "valid_until, created_at, id" : "created_at, id"
        let status = filter.storedStatus.map { Int16($0.rawValue) }
        let from = filter.validUntilFrom?.iso, to = filter.validUntilTo?.iso
        return try await tx.query(
            """
            SELECT \(unescaped: columns) FROM permits
            WHERE (\(filter.applicant)::uuid IS NULL OR applicant_id = \(filter.applicant))
              AND (\(status)::smallint IS NULL OR status = \(status))
              AND (\(from)::date IS NULL OR valid_until >= \(from)::date) AND (\(to)::date IS NULL OR valid_until <= \(to)::date)
            ORDER BY \(unescaped: order) LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """
        ).collect().map(decode)
    }

    /// The applicant's pending and approved (not revoked, not rejected)
    /// permits: what a new period must not overlap.
    static func standing(_ tx: Tx, applicant: UUID) async throws -> [PermitRecord] {
        let pending = Int16(Nomad_Identity_V1_PermitStatus.pending.rawValue)
        let approved = Int16(Nomad_Identity_V1_PermitStatus.approved.rawValue)
        return try await tx.query(
            """
            SELECT \(unescaped: columns) FROM permits WHERE applicant_id = \(applicant) AND status IN (\(pending), \(approved))
            ORDER BY created_at, id
            """
        ).collect().map(decode)
    }

    static func revoke(_ tx: Tx, id: UUID, reason: String) async throws {
        try await tx.query(
            """
            UPDATE permits SET status = \(Int16(Nomad_Identity_V1_PermitStatus.revoked.rawValue)), revoked_at = now(),
              revocation_reason = \(reason)
            WHERE id = \(id)
            """)
    }

    /// Records the decision; the validity dates only when approving.
    static func decide(
        _ tx: Tx, id: UUID, status: Nomad_Identity_V1_PermitStatus, reason: String,
        validFrom: ZoneDay?, validUntil: ZoneDay?
    ) async throws {
        try await tx.query(
            """
            UPDATE permits SET status = \(Int16(status.rawValue)), decision_reason = \(reason),
              valid_from = \(validFrom?.iso)::date, valid_until = \(validUntil?.iso)::date, decided_at = now()
            WHERE id = \(id)
            """)
    }

    private static func decode(_ row: PostgresRow) throws -> PermitRecord {
        let r = row.makeRandomAccess()
        let startText = try r["start_date"].decode(String.self)
        guard let start = ZoneDay(iso: startText) else { throw PermitStoreError.badDate(startText) }
        return PermitRecord(
            id: try r["id"].decode(UUID.self),
            applicantID: try r["applicant_id"].decode(UUID.self),
            months: Int(try r["months"].decode(Int16.self)),
            activities: try r["activities"].decode([Int16].self).map { .init(rawValue: Int($0)) ?? .unspecified },
            storedStatus: .init(rawValue: Int(try r["status"].decode(Int16.self))) ?? .unspecified,
            decisionReason: try r["decision_reason"].decode(String.self),
            startDate: start,
            validFrom: try r["valid_from"].decode(String?.self).flatMap(ZoneDay.init(iso:)),
            validUntil: try r["valid_until"].decode(String?.self).flatMap(ZoneDay.init(iso:)),
            createdAt: try r["created_at"].decode(Date.self),
            decidedAt: try r["decided_at"].decode(Date?.self),
            documentIDs: try r["document_ids"].decode([UUID].self),
            renews: try r["renews"].decode(UUID?.self),
            revokedAt: try r["revoked_at"].decode(Date?.self),
            revocationReason: try r["revocation_reason"].decode(String.self))
    }
}

/// A stored date the service cannot read back: a bug, reported as INTERNAL.
enum PermitStoreError: Error {
    case badDate(String)
}
