import Foundation
import NomadKit
import PostgresNIO

struct ValuationRecord: Sendable {
    var id: UUID
    var assetID: UUID
    var version: Int32
    var method: Int16
    var currency: String
    var valueMinor: Int64
    var appraiser: String
    var date: ZoneDay
    var recordedBy: UUID
    var createdAt: Date
}

enum ValuationStore {
    private static let columns = """
        id, asset_id, version, method, value_currency, value_minor, appraiser, valuation_date::text, recorded_by, created_at
        """

    static func insert(
        _ tx: Tx, id: UUID, assetID: UUID, version: Int32, _ valuation: DataAssetRules.Valuation,
        recordedBy: UUID
    ) async throws {
        try await tx.query(
            """
            INSERT INTO asset_valuations (id, asset_id, version, method, value_currency, value_minor, appraiser,
              valuation_date, recorded_by)
            VALUES (\(id), \(assetID), \(version), \(valuation.method.rawValue), \(valuation.currency),
              \(valuation.valueMinor), \(valuation.appraiser), \(valuation.date.iso)::date, \(recordedBy))
            """)
    }

    static func find(_ tx: Tx, id: UUID) async throws -> ValuationRecord? {
        let rows = try await tx.query(
            "SELECT \(unescaped: columns) FROM asset_valuations WHERE id = \(id)")
        for try await row in rows { return try record(row) }
        return nil
    }

    /// Newest valuation date first; the latest valuation is the first one.
    static func list(
        _ tx: Tx, assetID: UUID, limit: Int, offset: Int = 0
    ) async throws -> [ValuationRecord] {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM asset_valuations WHERE asset_id = \(assetID)
            ORDER BY valuation_date DESC, created_at DESC, id DESC LIMIT \(limit) OFFSET \(offset)
            """)
        var valuations: [ValuationRecord] = []
        for try await row in rows { valuations.append(try record(row)) }
        return valuations
    }

    static func latest(_ tx: Tx, assetID: UUID) async throws -> ValuationRecord? {
        try await list(tx, assetID: assetID, limit: 1).first
    }

    private static func record(_ row: PostgresRow) throws -> ValuationRecord {
        let r = row.makeRandomAccess()
        let dateText = try r["valuation_date"].decode(String.self)
        return ValuationRecord(
            id: try r["id"].decode(UUID.self), assetID: try r["asset_id"].decode(UUID.self),
            version: try r["version"].decode(Int32.self), method: try r["method"].decode(Int16.self),
            currency: try r["value_currency"].decode(String.self), valueMinor: try r["value_minor"].decode(Int64.self),
            appraiser: try r["appraiser"].decode(String.self), date: ZoneDay(iso: dateText) ?? ZoneDay.today(),
            recordedBy: try r["recorded_by"].decode(UUID.self), createdAt: try r["created_at"].decode(Date.self))
    }
}
