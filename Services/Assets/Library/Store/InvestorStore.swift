import Foundation
import NomadKit
import PostgresNIO

struct InvestorRecord: Sendable {
    var accountID: UUID
    var name: String
    var jurisdiction: String
    var expiresOn: ZoneDay
    var addedBy: UUID
    var updatedAt: Date
}

/// The QFLP whitelist.
enum InvestorStore {
    private static let columns = "account_id, name, jurisdiction, expires_on::text, added_by, updated_at"

    static func upsert(
        _ tx: Tx, accountID: UUID, name: String, jurisdiction: String, expiresOn: ZoneDay,
        by: UUID
    ) async throws -> InvestorRecord {
        try await tx.query(
            """
            INSERT INTO qflp_investors (account_id, name, jurisdiction, expires_on, added_by)
            VALUES (\(accountID), \(name), \(jurisdiction), \(expiresOn.iso)::date, \(by))
            ON CONFLICT (account_id) DO UPDATE SET name = EXCLUDED.name, jurisdiction = EXCLUDED.jurisdiction,
              expires_on = EXCLUDED.expires_on, added_by = EXCLUDED.added_by, updated_at = now()
            RETURNING \(unescaped: columns)
            """
        ).collect().map(record).returnedRow()
    }

    static func remove(_ tx: Tx, accountID: UUID) async throws -> Bool {
        try await tx.query(
            "DELETE FROM qflp_investors WHERE account_id = \(accountID) RETURNING 1"
        ).collect().count == 1
    }

    /// `lock` takes a share lock so the entry cannot be removed while a transfer to it commits.
    static func find(_ tx: Tx, accountID: UUID, lock: Bool = false) async throws -> InvestorRecord? {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM qflp_investors WHERE account_id = \(accountID)
            \(unescaped: lock ? "FOR SHARE" : "")
            """)
        for try await row in rows { return try record(row) }
        return nil
    }

    static func list(_ tx: Tx, page: Page) async throws -> [InvestorRecord] {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM qflp_investors ORDER BY name, account_id
            LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        var investors: [InvestorRecord] = []
        for try await row in rows { investors.append(try record(row)) }
        return investors
    }

    private static func record(_ row: PostgresRow) throws -> InvestorRecord {
        let r = row.makeRandomAccess()
        return InvestorRecord(
            accountID: try r["account_id"].decode(UUID.self), name: try r["name"].decode(String.self),
            jurisdiction: try r["jurisdiction"].decode(String.self),
            expiresOn: ZoneDay(iso: try r["expires_on"].decode(String.self)) ?? ZoneDay.today(),
            addedBy: try r["added_by"].decode(UUID.self), updatedAt: try r["updated_at"].decode(Date.self))
    }
}
