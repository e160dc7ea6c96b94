import Foundation
import NomadKit
import PostgresNIO

/// One line of an enterprise's balance sheet before valuation: what it holds
/// of an asset. A tokenized asset is held in token units, any other in the
/// asset's own units.
struct BalanceSheetHolding: Sendable {
    var assetID: UUID
    var poolCode: String
    var titleZh: String
    var titleEn: String
    var kind: String
    var units: Int64
    var totalUnits: Int64
}

enum BalanceSheetStore {
    static func holdings(_ tx: Tx, holder: UUID) async throws -> [BalanceSheetHolding] {
        let rows = try await tx.query(
            """
            SELECT a.id, a.pool_code, a.title_zh, a.title_en, 'units', h.units, a.total_units
            FROM asset_holdings h JOIN data_assets a ON a.id = h.asset_id
            WHERE h.holder_id = \(holder) AND h.units > 0 AND NOT a.tokenized
            UNION ALL
            SELECT a.id, a.pool_code, a.title_zh, a.title_en, 'tokens', th.units, t.total_units
            FROM token_holdings th JOIN asset_tokens t ON t.asset_id = th.asset_id JOIN data_assets a ON a.id = th.asset_id
            WHERE th.holder_id = \(holder) AND th.units > 0
            ORDER BY 1
            """)
        var lines: [BalanceSheetHolding] = []
        for try await (id, pool, zh, en, kind, units, total) in rows.decode(
            (UUID, String, String, String, String, Int64, Int64).self
        ) {
            lines.append(
                BalanceSheetHolding(
                    assetID: id, poolCode: pool, titleZh: zh, titleEn: en, kind: kind, units: units, totalUnits: total))
        }
        return lines
    }
}
