import Foundation
import NomadKit
import PostgresNIO

struct TokenRecord: Sendable {
    var assetID: UUID
    var totalUnits: Int64
    var caps: TokenRules.Caps
    var issuedTo: UUID
    var issuedBy: UUID
    var createdAt: Date
}

/// RWA tokens and their holdings. Every change to a token's holdings holds the
/// token row's lock, so concurrent transfers of one asset run one at a time
/// and the caps are checked against the holdings as they are.
enum TokenStore {
    private static let columns = "asset_id, total_units, max_holders, max_holder_share_bp, issued_to, issued_by, created_at"

    static func insert(
        _ tx: Tx, assetID: UUID, units: Int64, caps: TokenRules.Caps, holder: UUID, by: UUID
    ) async throws {
        try await tx.query(
            """
            INSERT INTO asset_tokens (asset_id, total_units, max_holders, max_holder_share_bp, issued_to, issued_by)
            VALUES (\(assetID), \(units), \(caps.maxHolders), \(caps.maxHolderShareBP), \(holder), \(by))
            """)
        try await tx.query(
            """
            INSERT INTO token_holdings (asset_id, holder_id, units) VALUES (\(assetID), \(holder), \(units))
            """)
    }

    static func find(_ tx: Tx, assetID: UUID, lock: Bool = false) async throws -> TokenRecord? {
        let rows = try await tx.query(
            """
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
        let rows = try await tx.query(
            """
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
        try await tx.query(
            """
            UPDATE token_holdings SET units = units - \(units), frozen_units = least(frozen_units, units - \(units))
            WHERE asset_id = \(assetID) AND holder_id = \(from)
            """)
        try await tx.query(
            """
            INSERT INTO token_holdings (asset_id, holder_id, units) VALUES (\(assetID), \(to), \(units))
            ON CONFLICT (asset_id, holder_id) DO UPDATE SET units = token_holdings.units + EXCLUDED.units
            """)
    }

    static func setFrozen(
        _ tx: Tx, assetID: UUID, holder: UUID, frozen: Int64
    ) async throws {
        try await tx.query(
            """
            UPDATE token_holdings SET frozen_units = \(frozen) WHERE asset_id = \(assetID) AND holder_id = \(holder)
            """)
    }

    /// Holders with units, largest first; `holder` narrows to one.
    static func holdings(
        _ tx: Tx, assetID: UUID, holder: UUID? = nil
    ) async throws -> [(UUID, TokenRules.Holding)] {
        let rows = try await tx.query(
            """
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
