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

struct TokenRecord: Sendable {
    var assetID: UUID
    var totalUnits: Int64
    var caps: TokenRules.Caps
    var issuedTo: UUID
    var issuedBy: UUID
    var createdAt: Date
}

/// The QFLP whitelist.
enum InvestorStore {
    private static let columns = "account_id, name, jurisdiction, expires_on::text, added_by, updated_at"

    static func upsert(
        _ tx: Tx, accountID: UUID, name: String, jurisdiction: String, expiresOn: ZoneDay,
        by: UUID
    ) async throws {
        try await tx.query("""
            INSERT INTO qflp_investors (account_id, name, jurisdiction, expires_on, added_by)
            VALUES (\(accountID), \(name), \(jurisdiction), \(expiresOn.iso)::date, \(by))
            ON CONFLICT (account_id) DO UPDATE SET name = EXCLUDED.name, jurisdiction = EXCLUDED.jurisdiction,
              expires_on = EXCLUDED.expires_on, added_by = EXCLUDED.added_by, updated_at = now()
            """)
    }

    static func remove(_ tx: Tx, accountID: UUID) async throws -> Bool {
        try await tx.query(
            "DELETE FROM qflp_investors WHERE account_id = \(accountID) RETURNING 1"
        ).collect().count == 1
    }

    /// `lock` takes a share lock so the entry cannot be removed while a transfer to it commits.
    static func find(_ tx: Tx, accountID: UUID, lock: Bool = false) async throws -> InvestorRecord? {
        let rows = try await tx.query("""
            SELECT \(unescaped: columns) FROM qflp_investors WHERE account_id = \(accountID)
            \(unescaped: lock ? "FOR SHARE" : "")
            """)
        for try await row in rows { return try record(row) }
        return nil
    }

    static func list(_ tx: Tx, page: Page) async throws -> [InvestorRecord] {
        let rows = try await tx.query("""
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

/// RWA tokens and their holdings. Every change to a token's holdings holds the
/// token row's lock, so concurrent transfers of one asset run one at a time
/// and the caps are checked against the holdings as they are.
enum TokenStore {
    private static let columns = "asset_id, total_units, max_holders, max_holder_share_bp, issued_to, issued_by, created_at"

    static func insert(
        _ tx: Tx, assetID: UUID, units: Int64, caps: TokenRules.Caps, holder: UUID, by: UUID
    ) async throws {
        try await tx.query("""
            INSERT INTO asset_tokens (asset_id, total_units, max_holders, max_holder_share_bp, issued_to, issued_by)
            VALUES (\(assetID), \(units), \(caps.maxHolders), \(caps.maxHolderShareBP), \(holder), \(by))
            """)
        try await tx.query("""
            INSERT INTO token_holdings (asset_id, holder_id, units) VALUES (\(assetID), \(holder), \(units))
            """)
    }

    static func find(_ tx: Tx, assetID: UUID, lock: Bool = false) async throws -> TokenRecord? {
        let rows = try await tx.query("""
            SELECT \(unescaped: columns) FROM asset_tokens WHERE asset_id = \(assetID) \(unescaped: lock ? "FOR UPDATE" : "")
            """)
        for try await row in rows {
            let r = row.makeRandomAccess()
            return TokenRecord(
                assetID: try r["asset_id"].decode(UUID.self), totalUnits: try r["total_units"].decode(Int64.self),
                caps: TokenRules.Caps(
                    maxHolders: try r["max_holders"].decode(Int32.self),
                    maxHolderShareBP: try r["max_holder_share_bp"].decode(Int32.self)),
                issuedTo: try r["issued_to"].decode(UUID.self), issuedBy: try r["issued_by"].decode(UUID.self),
                createdAt: try r["created_at"].decode(Date.self))
        }
        return nil
    }

    static func holding(_ tx: Tx, assetID: UUID, holder: UUID) async throws -> TokenRules.Holding? {
        let rows = try await tx.query("""
            SELECT units, frozen_units FROM token_holdings WHERE asset_id = \(assetID) AND holder_id = \(holder)
            """)
        for try await (units, frozen) in rows.decode((Int64, Int64).self) {
            return TokenRules.Holding(units: units, frozen: frozen)
        }
        return nil
    }

    static func holderCount(_ tx: Tx, assetID: UUID) async throws -> Int {
        let rows = try await tx.query(
            "SELECT count(*)::int FROM token_holdings WHERE asset_id = \(assetID) AND units > 0")
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// Moves units; frozen units follow the sender's remaining units down, so
    /// a forced transfer out of a frozen holding leaves the rest frozen.
    static func move(
        _ tx: Tx, assetID: UUID, from: UUID, to: UUID, units: Int64
    ) async throws {
        try await tx.query("""
            UPDATE token_holdings SET units = units - \(units), frozen_units = least(frozen_units, units - \(units))
            WHERE asset_id = \(assetID) AND holder_id = \(from)
            """)
        try await tx.query("""
            INSERT INTO token_holdings (asset_id, holder_id, units) VALUES (\(assetID), \(to), \(units))
            ON CONFLICT (asset_id, holder_id) DO UPDATE SET units = token_holdings.units + EXCLUDED.units
            """)
    }

    static func setFrozen(
        _ tx: Tx, assetID: UUID, holder: UUID, frozen: Int64
    ) async throws {
        try await tx.query("""
            UPDATE token_holdings SET frozen_units = \(frozen) WHERE asset_id = \(assetID) AND holder_id = \(holder)
            """)
    }

    /// Holders with units, largest first; `holder` narrows to one.
    static func holdings(
        _ tx: Tx, assetID: UUID, holder: UUID? = nil
    ) async throws -> [(UUID, TokenRules.Holding)] {
        let rows = try await tx.query("""
            SELECT holder_id, units, frozen_units FROM token_holdings
            WHERE asset_id = \(assetID) AND units > 0 AND (\(holder)::uuid IS NULL OR holder_id = \(holder))
            ORDER BY units DESC, holder_id
            """)
        var holdings: [(UUID, TokenRules.Holding)] = []
        for try await (id, units, frozen) in rows.decode((UUID, Int64, Int64).self) {
            holdings.append((id, TokenRules.Holding(units: units, frozen: frozen)))
        }
        return holdings
    }
}
