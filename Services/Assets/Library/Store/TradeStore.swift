import Foundation
import NomadKit
import PostgresNIO

struct ListingRecord: Sendable {
    enum Status: Int16, Sendable { case open = 1, filled = 2, cancelled = 3 }

    var id: UUID
    var assetID: UUID
    var sellerID: UUID
    var units: Int64
    var remainingUnits: Int64
    var currency: String
    var unitPriceMinor: Int64
    var status: Int16
    var createdAt: Date
}

struct TradeRecord: Sendable {
    var id: UUID
    var assetID: UUID
    var version: Int32
    var poolCode: String
    var listingID: UUID
    var buyerID: UUID
    var sellerID: UUID
    var units: Int64
    var currency: String
    var unitPriceMinor: Int64
    var createdAt: Date
}

/// Listings and trades. A trade holds the asset's row lock, then the listing's,
/// so two buyers of the same listing are served one after the other.
enum TradeStore {
    private static let listingColumns = """
        id, asset_id, seller_id, units, remaining_units, unit_price_currency, unit_price_minor, status, created_at
        """

    static func insertListing(
        _ tx: Tx, id: UUID, assetID: UUID, seller: UUID, units: Int64, currency: String,
        unitPriceMinor: Int64
    ) async throws -> ListingRecord {
        try await tx.query(
            """
            INSERT INTO asset_listings (id, asset_id, seller_id, units, remaining_units, unit_price_currency, unit_price_minor)
            VALUES (\(id), \(assetID), \(seller), \(units), \(units), \(currency), \(unitPriceMinor))
            RETURNING \(unescaped: listingColumns)
            """
        ).collect().map(listing).returnedRow()
    }

    /// Units the seller has already offered in open listings of the asset.
    static func listedUnits(_ tx: Tx, assetID: UUID, seller: UUID) async throws -> Int64 {
        let rows = try await tx.query(
            """
            SELECT coalesce(sum(remaining_units), 0)::bigint FROM asset_listings
            WHERE asset_id = \(assetID) AND seller_id = \(seller) AND status = \(literal: ListingRecord.Status.open)
            """)
        for try await units in rows.decode(Int64.self) { return units }
        return 0
    }

    static func openListings(_ tx: Tx, assetID: UUID) async throws -> Int {
        let rows = try await tx.query(
            "SELECT count(*)::int FROM asset_listings WHERE asset_id = \(assetID) AND status = \(literal: ListingRecord.Status.open)")
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    static func findListing(_ tx: Tx, id: UUID, lock: RowLock = .none) async throws -> ListingRecord? {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: listingColumns) FROM asset_listings WHERE id = \(id)\(unescaped: lock.sql)
            """)
        for try await row in rows { return try listing(row) }
        return nil
    }

    static func listings(
        _ tx: Tx, assetID: UUID?, status: Int16, page: Page
    ) async throws -> [ListingRecord] {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: listingColumns) FROM asset_listings
            WHERE status = \(status) AND (\(assetID)::uuid IS NULL OR asset_id = \(assetID))
            ORDER BY created_at DESC, id DESC LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        var listings: [ListingRecord] = []
        for try await row in rows { listings.append(try listing(row)) }
        return listings
    }

    /// Takes `units` off the listing; it is filled when none remain.
    static func take(_ tx: Tx, listingID: UUID, units: Int64) async throws {
        try await tx.query(
            """
            UPDATE asset_listings SET remaining_units = remaining_units - \(units),
              status = CASE WHEN remaining_units = \(units) THEN \(literal: ListingRecord.Status.filled) ELSE status END
            WHERE id = \(listingID)
            """)
    }

    static func cancel(_ tx: Tx, listingID: UUID) async throws -> ListingRecord {
        try await tx.query(
            "UPDATE asset_listings SET status = \(literal: ListingRecord.Status.cancelled) WHERE id = \(listingID) RETURNING \(unescaped: listingColumns)"
        ).collect().map(listing).returnedRow()
    }

    static func insertTrade(_ tx: Tx, _ trade: TradeRecord) async throws {
        try await tx.query(
            """
            INSERT INTO asset_trades (id, asset_id, version, pool_code, listing_id, buyer_id, seller_id, units,
              unit_price_currency, unit_price_minor, trade_day)
            VALUES (\(trade.id), \(trade.assetID), \(trade.version), \(trade.poolCode), \(trade.listingID), \(trade.buyerID),
              \(trade.sellerID), \(trade.units), \(trade.currency), \(trade.unitPriceMinor),
              (now() AT TIME ZONE 'Asia/Shanghai')::date)
            """)
    }

    static func setRegistrySeq(_ tx: Tx, tradeID: UUID, seq: Int64) async throws {
        try await tx.query(
            "UPDATE asset_trades SET registry_seq = \(seq) WHERE id = \(tradeID)")
    }

    /// The unit prices of the class's trades before `excluding`, latest in
    /// registry (commit) order first.
    static func recentUnitPrices(
        _ tx: Tx, poolCode: String, currency: String, excluding: UUID, limit: Int
    ) async throws -> [Int64] {
        let rows = try await tx.query(
            """
            SELECT unit_price_minor FROM asset_trades
            WHERE pool_code = \(poolCode) AND unit_price_currency = \(currency) AND id <> \(excluding)
            ORDER BY registry_seq DESC LIMIT \(limit)
            """)
        var prices: [Int64] = []
        for try await price in rows.decode(Int64.self) { prices.append(price) }
        return prices
    }

    struct IndexPoint: Sendable {
        var day: ZoneDay
        var trades: Int32
        var units: Int64
        var unitPriceMinor: Int64
    }

    /// Per zone day: volume-weighted mean unit price (sum of totals / sum of units).
    static func priceIndex(
        _ tx: Tx, poolCode: String, currency: String, from: ZoneDay?, to: ZoneDay?
    ) async throws -> [IndexPoint] {
        let rows = try await tx.query(
            """
            SELECT trade_day::text, count(*)::int, sum(units)::bigint,
              floor(sum(units::numeric * unit_price_minor) / sum(units))::bigint
            FROM asset_trades
            WHERE pool_code = \(poolCode) AND unit_price_currency = \(currency)
              AND (\(from?.iso)::date IS NULL OR trade_day >= \(from?.iso)::date)
              AND (\(to?.iso)::date IS NULL OR trade_day <= \(to?.iso)::date)
            GROUP BY trade_day ORDER BY trade_day
            """)
        var points: [IndexPoint] = []
        for try await (day, trades, units, price) in rows.decode((String, Int32, Int64, Int64).self) {
            guard let day = ZoneDay(iso: day) else { continue }
            points.append(IndexPoint(day: day, trades: trades, units: units, unitPriceMinor: price))
        }
        return points
    }

    private static func listing(_ row: PostgresRow) throws -> ListingRecord {
        let r = row.makeRandomAccess()
        return ListingRecord(
            id: try r["id"].decode(UUID.self), assetID: try r["asset_id"].decode(UUID.self),
            sellerID: try r["seller_id"].decode(UUID.self), units: try r["units"].decode(Int64.self),
            remainingUnits: try r["remaining_units"].decode(Int64.self),
            currency: try r["unit_price_currency"].decode(String.self),
            unitPriceMinor: try r["unit_price_minor"].decode(Int64.self), status: try r["status"].decode(Int16.self),
            createdAt: try r["created_at"].decode(Date.self))
    }
}
