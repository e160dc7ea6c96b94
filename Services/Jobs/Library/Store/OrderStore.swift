import Foundation
import NomadKit
import NomadProtos
import PostgresNIO

/// An order row with its milestones. Status and contract kind hold the proto
/// enum numbers.
struct OrderRecord: Sendable {
    struct MilestoneRecord: Sendable {
        var title: String
        var due: Date
        var currency: String
        var amountMinor: Int64
        var status: Int16 = 1
        var deliveryNote = ""
        var evidenceHash = ""
    }

    struct RatingRecord: Sendable {
        var stars: Int16
        var comment: String
        var at: Date
    }

    var id: UUID
    var jobID: UUID
    var nomadID: UUID
    var enterpriseID: UUID
    var status: Int16
    var holdsSeat: Bool
    var coverNote = ""
    var contractKind: Int16?
    var contractStart: ZoneDay?
    var contractEnd: ZoneDay?
    var contractSignedAt: Date?
    var ratingByEnterprise: RatingRecord?
    var ratingByNomad: RatingRecord?
    var cancelReason: String?
    var rejectReason: String?
    var createdAt = Date()
    var updatedAt = Date()
    var completedAt: Date?
    var milestones: [MilestoneRecord] = []
    /// From the nomad's token when they applied: a foreign nomad, and the
    /// last day their work permit covered then.
    var nomadForeign = false
    var nomadPermitUntil: ZoneDay?
}

enum OrderStore {
    private static let columns = """
        id, job_id, nomad_id, enterprise_id, status, holds_seat, cover_note, contract_kind, \
        to_char(contract_start, 'YYYY-MM-DD') AS contract_start, to_char(contract_end, 'YYYY-MM-DD') AS contract_end, \
        contract_signed_at, enterprise_stars, enterprise_comment, enterprise_rated_at, nomad_stars, \
        nomad_comment, nomad_rated_at, cancel_reason, reject_reason, created_at, updated_at, completed_at, \
        nomad_foreign, to_char(nomad_permit_until, 'YYYY-MM-DD') AS nomad_permit_until
        """

    /// Inserts the order (not its milestones). A second live order of the same
    /// nomad on the same job is ALREADY_EXISTS.
    static func insert(_ tx: Tx, _ order: OrderRecord) async throws {
        do {
            try await tx.query(
                """
                INSERT INTO orders (id, job_id, nomad_id, enterprise_id, status, holds_seat, cover_note, contract_kind,
                  contract_start, contract_end, contract_signed_at, nomad_foreign, nomad_permit_until)
                VALUES (\(order.id), \(order.jobID), \(order.nomadID), \(order.enterpriseID), \(order.status),
                  \(order.holdsSeat), \(order.coverNote), \(order.contractKind), \(order.contractStart?.iso)::date,
                  \(order.contractEnd?.iso)::date, \(order.contractSignedAt), \(order.nomadForeign),
                  \(order.nomadPermitUntil?.iso)::date)
                """)
        } catch let error as PSQLError where error.isUniqueViolation {
            throw JobsErrors.alreadyOnJob
        }
    }

    static func find(_ tx: Tx, id: UUID, lock: RowLock = .none) async throws -> OrderRecord? {
        let rows = try await tx.query(
            "SELECT \(unescaped: columns) FROM orders WHERE id = \(id)\(unescaped: lock.sql)")
        var found: OrderRecord?
        for try await row in rows { found = try record(row) }
        guard var order = found else { return nil }
        order.milestones = try await milestones(tx, orderID: id)
        return order
    }

    static func milestones(_ tx: Tx, orderID: UUID) async throws -> [OrderRecord.MilestoneRecord] {
        let rows = try await tx.query(
            """
            SELECT title, due, amount_currency, amount_minor, status, delivery_note, evidence_hash
            FROM order_milestones WHERE order_id = \(orderID) ORDER BY position
            """)
        var result: [OrderRecord.MilestoneRecord] = []
        for try await (title, due, currency, amount, status, note, hash) in rows.decode(
            (String, Date, String, Int64, Int16, String, String).self)
        {
            result.append(
                .init(
                    title: title, due: due, currency: currency, amountMinor: amount, status: status,
                    deliveryNote: note, evidenceHash: hash))
        }
        return result
    }

    static func record(_ row: PostgresRow) throws -> OrderRecord {
        let r = row.makeRandomAccess()
        func rating(_ stars: String, _ comment: String, _ at: String) throws -> OrderRecord.RatingRecord? {
            guard let value = try r[stars].decode(Int16?.self) else { return nil }
            return .init(
                stars: value, comment: try r[comment].decode(String?.self) ?? "",
                at: try r[at].decode(Date?.self) ?? Date())
        }
        return OrderRecord(
            id: try r["id"].decode(UUID.self),
            jobID: try r["job_id"].decode(UUID.self),
            nomadID: try r["nomad_id"].decode(UUID.self),
            enterpriseID: try r["enterprise_id"].decode(UUID.self),
            status: try r["status"].decode(Int16.self),
            holdsSeat: try r["holds_seat"].decode(Bool.self),
            coverNote: try r["cover_note"].decode(String.self),
            contractKind: try r["contract_kind"].decode(Int16?.self),
            contractStart: try r["contract_start"].decode(String?.self).flatMap { ZoneDay(iso: $0) },
            contractEnd: try r["contract_end"].decode(String?.self).flatMap { ZoneDay(iso: $0) },
            contractSignedAt: try r["contract_signed_at"].decode(Date?.self),
            ratingByEnterprise: try rating("enterprise_stars", "enterprise_comment", "enterprise_rated_at"),
            ratingByNomad: try rating("nomad_stars", "nomad_comment", "nomad_rated_at"),
            cancelReason: try r["cancel_reason"].decode(String?.self),
            rejectReason: try r["reject_reason"].decode(String?.self),
            createdAt: try r["created_at"].decode(Date.self),
            updatedAt: try r["updated_at"].decode(Date.self),
            completedAt: try r["completed_at"].decode(Date?.self),
            nomadForeign: try r["nomad_foreign"].decode(Bool.self),
            nomadPermitUntil: try r["nomad_permit_until"].decode(String?.self).flatMap { ZoneDay(iso: $0) })
    }

    /// Writes back what the order's steps change (not its milestones).
    static func save(_ tx: Tx, _ order: OrderRecord) async throws {
        try await tx.query(
            """
            UPDATE orders SET status = \(order.status), holds_seat = \(order.holdsSeat),
              contract_kind = \(order.contractKind), contract_start = \(order.contractStart?.iso)::date,
              contract_end = \(order.contractEnd?.iso)::date, contract_signed_at = \(order.contractSignedAt),
              enterprise_stars = \(order.ratingByEnterprise?.stars), enterprise_comment = \(order.ratingByEnterprise?.comment),
              enterprise_rated_at = \(order.ratingByEnterprise?.at),
              nomad_stars = \(order.ratingByNomad?.stars), nomad_comment = \(order.ratingByNomad?.comment),
              nomad_rated_at = \(order.ratingByNomad?.at),
              cancel_reason = \(order.cancelReason), reject_reason = \(order.rejectReason),
              completed_at = \(order.completedAt), updated_at = \(order.updatedAt)
            WHERE id = \(order.id)
            """)
    }

    /// Replaces the order's milestones with `order.milestones`, in order.
    static func saveMilestones(_ tx: Tx, _ order: OrderRecord) async throws {
        try await tx.query("DELETE FROM order_milestones WHERE order_id = \(order.id)")
        for (position, milestone) in order.milestones.enumerated() {
            try await tx.query(
                """
                INSERT INTO order_milestones (order_id, position, title, due, amount_currency, amount_minor, status,
                  delivery_note, evidence_hash)
                VALUES (\(order.id), \(position), \(milestone.title), \(milestone.due), \(milestone.currency),
                  \(milestone.amountMinor), \(milestone.status), \(milestone.deliveryNote), \(milestone.evidenceHash))
                """)
        }
    }

    /// The delivery of an order without milestones: its note and evidence are
    /// kept on the order row (Migration0003Orders).
    static func recordWholeDelivery(_ tx: Tx, orderID: UUID, note: String, evidenceHash: String) async throws {
        try await tx.query(
            """
            UPDATE orders SET delivery_note = \(note), evidence_hash = \(evidenceHash) WHERE id = \(orderID)
            """)
    }

    /// Orders newest first. Nil filters match everything; callers narrow by
    /// who may see what.
    static func list(
        _ tx: Tx, nomadID: UUID?, enterpriseID: UUID?, jobID: UUID?, status: Int16?,
        page: Page
    ) async throws -> [OrderRecord] {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM orders
            WHERE (\(nomadID)::uuid IS NULL OR nomad_id = \(nomadID))
              AND (\(enterpriseID)::uuid IS NULL OR enterprise_id = \(enterpriseID))
              AND (\(jobID)::uuid IS NULL OR job_id = \(jobID))
              AND (\(status)::smallint IS NULL OR status = \(status))
            ORDER BY created_at DESC, id DESC LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        var orders: [OrderRecord] = []
        for try await row in rows { orders.append(try record(row)) }
        for index in orders.indices {
            orders[index].milestones = try await milestones(tx, orderID: orders[index].id)
        }
        return orders
    }

    /// What the order steps need to know of a job.
    struct JobTerms: Sendable {
        var id: UUID
        var enterpriseID: UUID
        var mode: Int16
        var status: Int16
        var seats: Int
        var seatsTaken: Int
        var beforeDeadline: Bool
        var budgetCurrency: String
        var budgetMinor: Int64
    }

    static func job(_ tx: Tx, id: UUID) async throws -> JobTerms? {
        let rows = try await tx.query(
            """
            SELECT enterprise_id, mode, status, seats, seats_taken, deadline > now(), budget_currency, budget_minor
            FROM jobs WHERE id = \(id)
            """)
        for try await (enterprise, mode, status, seats, taken, before, currency, budget) in rows.decode(
            (UUID, Int16, Int16, Int, Int, Bool, String, Int64).self)
        {
            return JobTerms(
                id: id, enterpriseID: enterprise, mode: mode, status: status, seats: seats, seatsTaken: taken,
                beforeDeadline: before, budgetCurrency: currency, budgetMinor: budget)
        }
        return nil
    }

    /// The job's required skills with their minimum levels, most important
    /// first (essential, then weight): the first is the job's main skill.
    static func jobSkills(_ tx: Tx, jobID: UUID) async throws -> [(code: String, minLevel: Int16)] {
        let rows = try await tx.query(
            """
            SELECT skill_code, min_level FROM job_skills WHERE job_id = \(jobID)
            ORDER BY essential DESC, weight DESC, skill_code
            """)
        var skills: [(code: String, minLevel: Int16)] = []
        for try await (code, level) in rows.decode((String, Int16).self) { skills.append((code, level)) }
        return skills
    }

    /// The nomad's orders as the career chain reads them, each with its job's
    /// main skill.
    static func careerOrders(_ tx: Tx, nomadID: UUID) async throws -> [CareerChain.Order] {
        let rows = try await tx.query(
            """
            SELECT o.id, o.status, o.contract_kind, to_char(o.contract_start, 'YYYY-MM-DD'),
              to_char(o.contract_end, 'YYYY-MM-DD'), o.contract_signed_at, o.completed_at,
              (SELECT s.skill_code FROM job_skills s WHERE s.job_id = o.job_id
               ORDER BY s.essential DESC, s.weight DESC, s.skill_code LIMIT 1)
            FROM orders o WHERE o.nomad_id = \(nomadID) ORDER BY o.created_at, o.id
            """)
        var orders: [CareerChain.Order] = []
        for try await (id, status, kind, start, end, signedAt, completedAt, skill) in rows.decode(
            (UUID, Int16, Int16?, String?, String?, Date?, Date?, String?).self)
        {
            orders.append(
                CareerChain.Order(
                    orderID: id, skillCode: skill ?? "",
                    cancelled: status == Int16(Nomad_Jobs_V1_OrderStatus.cancelled.rawValue),
                    flexible: kind == Int16(Nomad_Jobs_V1_ContractKind.flexible.rawValue),
                    longTerm: OrderRecord.isLongTerm(start: start.flatMap { ZoneDay(iso: $0) }, end: end.flatMap { ZoneDay(iso: $0) }),
                    signedAt: signedAt, completedAt: completedAt))
        }
        return orders
    }
}
