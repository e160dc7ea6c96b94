import Foundation
import NomadKit
import PostgresNIO

struct MerchantRecord: Sendable {
    var id: UUID
    var nameZh: String
    var nameEn: String
    var scene: String
    var pointsAccount: UUID
    var createdAt: Date
}

/// Merchants of the zone's consumption scenes. Each has a POINTS account
/// (opened with the merchant) and, if it sells data processing, a VOUCHER
/// account opened on the first voucher it receives.
enum MerchantStore {
    static func insert(
        _ tx: Tx, id: UUID, nameZh: String, nameEn: String, scene: String, by: UUID
    ) async throws -> MerchantRecord {
        guard
            let createdAt = try await tx.first(
                """
                INSERT INTO merchants (id, name_zh, name_en, scene, created_by)
                VALUES (\(id), \(nameZh), \(nameEn), \(scene), \(by))
                RETURNING created_at
                """, as: Date.self)
        else { throw NomadError.internalError }
        let account = try await LedgerStore.open(tx, owner: id, ownerKind: .merchant, kind: .merchant, unit: .points)
        return MerchantRecord(
            id: id, nameZh: nameZh, nameEn: nameEn, scene: scene, pointsAccount: account,
            createdAt: createdAt)
    }

    private static let select = """
        SELECT m.id, m.name_zh, m.name_en, m.scene, a.id, m.created_at FROM merchants m
        JOIN ledger_accounts a ON a.owner_id = m.id AND a.kind = 'merchant' AND a.unit = 'POINTS'
        """

    static func find(_ tx: Tx, id: UUID) async throws -> MerchantRecord? {
        try await records(try await tx.query("\(unescaped: select) WHERE m.id = \(id)")).first
    }

    static func list(_ tx: Tx, scene: String?, page: Page) async throws -> [MerchantRecord] {
        try await records(
            try await tx.query(
                """
                \(unescaped: select) WHERE (\(scene)::text IS NULL OR m.scene = \(scene))
                ORDER BY m.created_at, m.id LIMIT \(page.fetchLimit) OFFSET \(page.offset)
                """))
    }

    private static func records(_ rows: PostgresRowSequence) async throws -> [MerchantRecord] {
        var found: [MerchantRecord] = []
        for try await row in rows {
            let (id, zh, en, scene, account, at) = try row.decode((UUID, String, String, String, UUID, Date).self)
            found.append(MerchantRecord(id: id, nameZh: zh, nameEn: en, scene: scene, pointsAccount: account, createdAt: at))
        }
        return found
    }
}
