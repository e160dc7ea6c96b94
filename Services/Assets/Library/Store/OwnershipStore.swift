import Foundation
import NomadKit
import PostgresNIO

struct OwnershipChangeRecord: Sendable {
    var kind: String
    var assetID: UUID
    var fromID: UUID?
    var toID: UUID
    var units: Int64
    var tradeID: UUID? = nil
    var currency: String? = nil
    var unitPriceMinor: Int64? = nil
    var version: Int32
    var legalBasis: String? = nil
    var createdAt = Date()
}

/// The append-only history of every change of hands.
enum OwnershipStore {
    static func append(_ tx: Tx, _ change: OwnershipChangeRecord) async throws {
        try await tx.query(
            """
            INSERT INTO ownership_changes (asset_id, kind, from_id, to_id, units, trade_id, unit_price_currency,
              unit_price_minor, version, legal_basis)
            VALUES (\(change.assetID), \(change.kind), \(change.fromID), \(change.toID), \(change.units), \(change.tradeID),
              \(change.currency), \(change.unitPriceMinor), \(change.version), \(change.legalBasis))
            """)
    }

    /// Oldest first.
    static func list(_ tx: Tx, assetID: UUID, page: Page) async throws -> [OwnershipChangeRecord] {
        let rows = try await tx.query(
            """
            SELECT kind, asset_id, from_id, to_id, units, trade_id, unit_price_currency, unit_price_minor, version,
              legal_basis, created_at
            FROM ownership_changes WHERE asset_id = \(assetID)
            ORDER BY position LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        var changes: [OwnershipChangeRecord] = []
        for try await row in rows {
            let r = row.makeRandomAccess()
            changes.append(
                OwnershipChangeRecord(
                    kind: try r["kind"].decode(String.self), assetID: try r["asset_id"].decode(UUID.self),
                    fromID: try r["from_id"].decode(UUID?.self), toID: try r["to_id"].decode(UUID.self),
                    units: try r["units"].decode(Int64.self), tradeID: try r["trade_id"].decode(UUID?.self),
                    currency: try r["unit_price_currency"].decode(String?.self),
                    unitPriceMinor: try r["unit_price_minor"].decode(Int64?.self), version: try r["version"].decode(Int32.self),
                    legalBasis: try r["legal_basis"].decode(String?.self), createdAt: try r["created_at"].decode(Date.self)))
        }
        return changes
    }
}
