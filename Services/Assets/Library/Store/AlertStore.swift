import Foundation
import NomadKit
import NomadProtos
import PostgresNIO

struct AlertRecord: Sendable {
    var id: UUID
    var kind: Int16
    var assetID: UUID
    var tradeID: UUID
    var poolCode: String
    var currency: String
    var unitPriceMinor: Int64
    var referenceUnitPriceMinor: Int64
    var deviationBP: Int32
    var thresholdBP: Int32
    var status: Int16
    var note: String?
    var closedBy: UUID?
    var closedAt: Date?
    var createdAt: Date
}

/// Bubble alerts: raised by trades, closed by officers, never deleted.
enum AlertStore {
    private static let columns = """
        id, kind, asset_id, trade_id, pool_code, currency, unit_price_minor, reference_unit_price_minor, deviation_bp, \
        threshold_bp, status, note, closed_by, closed_at, created_at
        """

    static func insert(
        _ tx: Tx, id: UUID, trade: TradeRecord, finding: BubbleRules.Finding, thresholdBP: Int32
    ) async throws {
        try await tx.query(
            """
            INSERT INTO bubble_alerts (id, kind, asset_id, trade_id, pool_code, currency, unit_price_minor,
              reference_unit_price_minor, deviation_bp, threshold_bp)
            VALUES (\(id), \(finding.kind.rawValue), \(trade.assetID), \(trade.id), \(trade.poolCode), \(trade.currency),
              \(trade.unitPriceMinor), \(finding.referenceUnitPrice), \(finding.deviationBP), \(thresholdBP))
            """)
    }

    static func find(_ tx: Tx, id: UUID, lock: RowLock = .none) async throws -> AlertRecord? {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM bubble_alerts WHERE id = \(id)\(unescaped: lock.sql)
            """)
        for try await row in rows { return try record(row) }
        return nil
    }

    static func list(
        _ tx: Tx, status: Int16, poolCode: String?, page: Page
    ) async throws -> [AlertRecord] {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM bubble_alerts
            WHERE status = \(status) AND (\(poolCode)::text IS NULL OR pool_code = \(poolCode))
            ORDER BY created_at DESC, id DESC LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        var alerts: [AlertRecord] = []
        for try await row in rows { alerts.append(try record(row)) }
        return alerts
    }

    static func close(_ tx: Tx, id: UUID, note: String, by: UUID) async throws -> AlertRecord {
        try await tx.query(
            """
            UPDATE bubble_alerts SET status = \(literal: Nomad_Assets_V1_BubbleAlertStatus.closed), note = \(note), closed_by = \(by), closed_at = now() WHERE id = \(id)
            RETURNING \(unescaped: columns)
            """
        ).collect().map(record).returnedRow()
    }

    private static func record(_ row: PostgresRow) throws -> AlertRecord {
        let r = row.makeRandomAccess()
        return AlertRecord(
            id: try r["id"].decode(UUID.self), kind: try r["kind"].decode(Int16.self),
            assetID: try r["asset_id"].decode(UUID.self), tradeID: try r["trade_id"].decode(UUID.self),
            poolCode: try r["pool_code"].decode(String.self), currency: try r["currency"].decode(String.self),
            unitPriceMinor: try r["unit_price_minor"].decode(Int64.self),
            referenceUnitPriceMinor: try r["reference_unit_price_minor"].decode(Int64.self),
            deviationBP: try r["deviation_bp"].decode(Int32.self), thresholdBP: try r["threshold_bp"].decode(Int32.self),
            status: try r["status"].decode(Int16.self), note: try r["note"].decode(String?.self),
            closedBy: try r["closed_by"].decode(UUID?.self), closedAt: try r["closed_at"].decode(Date?.self),
            createdAt: try r["created_at"].decode(Date.self))
    }
}
