import Foundation
import NomadKit
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
}

enum OrderStore {
    private static let columns = """
        id, job_id, nomad_id, enterprise_id, status, holds_seat, cover_note, contract_kind, \
        to_char(contract_start, 'YYYY-MM-DD') AS contract_start, to_char(contract_end, 'YYYY-MM-DD') AS contract_end, \
        contract_signed_at, enterprise_stars, enterprise_comment, enterprise_rated_at, nomad_stars, \
        nomad_comment, nomad_rated_at, cancel_reason, reject_reason, created_at, updated_at, completed_at
        """

    /// Inserts the order (not its milestones). A second live order of the same
    /// nomad on the same job is ALREADY_EXISTS.
    static func insert(_ connection: PostgresConnection, _ order: OrderRecord, logger: Logger) async throws {
        do {
            try await connection.query("""
                INSERT INTO orders (id, job_id, nomad_id, enterprise_id, status, holds_seat, cover_note, contract_kind,
                  contract_start, contract_end, contract_signed_at)
                VALUES (\(order.id), \(order.jobID), \(order.nomadID), \(order.enterpriseID), \(order.status),
                  \(order.holdsSeat), \(order.coverNote), \(order.contractKind), \(order.contractStart?.iso)::date,
                  \(order.contractEnd?.iso)::date, \(order.contractSignedAt))
                """, logger: logger)
        } catch let error as PSQLError where error.isUniqueViolation {
            throw JobsErrors.alreadyOnJob
        }
    }

    static func find(_ connection: PostgresConnection, id: UUID, forUpdate: Bool = false, logger: Logger) async throws -> OrderRecord? {
        let lock = forUpdate ? " FOR UPDATE" : ""
        let rows = try await connection.query(
            PostgresQuery(unsafeSQL: "SELECT \(columns) FROM orders WHERE id = $1\(lock)", binds: binds(id)), logger: logger)
        var found: OrderRecord?
        for try await row in rows { found = try record(row) }
        guard var order = found else { return nil }
        order.milestones = try await milestones(connection, orderID: id, logger: logger)
        return order
    }

    static func milestones(_ connection: PostgresConnection, orderID: UUID, logger: Logger) async throws -> [OrderRecord.MilestoneRecord] {
        let rows = try await connection.query("""
            SELECT title, due, amount_currency, amount_minor, status, delivery_note, evidence_hash
            FROM order_milestones WHERE order_id = \(orderID) ORDER BY position
            """, logger: logger)
        var result: [OrderRecord.MilestoneRecord] = []
        for try await (title, due, currency, amount, status, note, hash) in
            rows.decode((String, Date, String, Int64, Int16, String, String).self) {
            result.append(.init(title: title, due: due, currency: currency, amountMinor: amount, status: status,
                                deliveryNote: note, evidenceHash: hash))
        }
        return result
    }

    static func record(_ row: PostgresRow) throws -> OrderRecord {
        let r = row.makeRandomAccess()
        func rating(_ stars: String, _ comment: String, _ at: String) throws -> OrderRecord.RatingRecord? {
            guard let value = try r[stars].decode(Int16?.self) else { return nil }
            return .init(stars: value, comment: try r[comment].decode(String?.self) ?? "",
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
            completedAt: try r["completed_at"].decode(Date?.self))
    }

    private static func binds(_ id: UUID) -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(id)
        return binds
    }
}
