import Foundation
import NomadKit
import PostgresNIO

/// Who holds a data asset's units. Units move only inside a trade, under the
/// asset's row lock; the CHECK (units >= 0) is the last guard.
enum HoldingStore {
    static func units(_ tx: Tx, assetID: UUID, holder: UUID) async throws -> Int64 {
        let rows = try await tx.query(
            "SELECT units FROM asset_holdings WHERE asset_id = \(assetID) AND holder_id = \(holder) FOR UPDATE")
        for try await units in rows.decode(Int64.self) { return units }
        return 0
    }

    static func move(
        _ tx: Tx, assetID: UUID, from seller: UUID, to buyer: UUID, units: Int64
    ) async throws {
        let taken = try await tx.query(
            """
            UPDATE asset_holdings SET units = units - \(units)
            WHERE asset_id = \(assetID) AND holder_id = \(seller) AND units >= \(units) RETURNING 1
            """
        ).collect()
        guard taken.count == 1 else { throw RegistryErrors.insufficientUnits(available: 0) }
        try await tx.query(
            """
            INSERT INTO asset_holdings (asset_id, holder_id, units) VALUES (\(assetID), \(buyer), \(units))
            ON CONFLICT (asset_id, holder_id) DO UPDATE SET units = asset_holdings.units + EXCLUDED.units
            """)
    }

    /// Holders with units, largest first.
    static func list(_ tx: Tx, assetID: UUID) async throws -> [(UUID, Int64)] {
        let rows = try await tx.query(
            """
            SELECT holder_id, units FROM asset_holdings WHERE asset_id = \(assetID) AND units > 0
            ORDER BY units DESC, holder_id
            """)
        var holdings: [(UUID, Int64)] = []
        for try await pair in rows.decode((UUID, Int64).self) { holdings.append(pair) }
        return holdings
    }
}
