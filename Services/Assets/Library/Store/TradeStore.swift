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
        _ connection: PostgresConnection, id: UUID, assetID: UUID, seller: UUID, units: Int64, currency: String,
        unitPriceMinor: Int64, logger: Logger
    ) async throws {
        try await connection.query("""
            INSERT INTO asset_listings (id, asset_id, seller_id, units, remaining_units, unit_price_currency, unit_price_minor)
            VALUES (\(id), \(assetID), \(seller), \(units), \(units), \(currency), \(unitPriceMinor))
            """, logger: logger)
    }

    /// Units the seller has already offered in open listings of the asset.
    static func listedUnits(_ connection: PostgresConnection, assetID: UUID, seller: UUID, logger: Logger) async throws -> Int64 {
        let rows = try await connection.query("""
            SELECT coalesce(sum(remaining_units), 0)::bigint FROM asset_listings
            WHERE asset_id = \(assetID) AND seller_id = \(seller) AND status = 1
            """, logger: logger)
        for try await units in rows.decode(Int64.self) { return units }
        return 0
    }

    static func openListings(_ connection: PostgresConnection, assetID: UUID, logger: Logger) async throws -> Int {
        let rows = try await connection.query(
            "SELECT count(*)::int FROM asset_listings WHERE asset_id = \(assetID) AND status = 1", logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    static func findListing(_ connection: PostgresConnection, id: UUID, lock: Bool = false, logger: Logger) async throws -> ListingRecord? {
        let rows = try await connection.query("""
            SELECT \(unescaped: listingColumns) FROM asset_listings WHERE id = \(id) \(unescaped: lock ? "FOR UPDATE" : "")
            """, logger: logger)
        for try await row in rows { return try listing(row) }
        return nil
    }

    static func listings(
        _ connection: PostgresConnection, assetID: UUID?, status: Int16, page: Page, logger: Logger
    ) async throws -> [ListingRecord] {
        let rows = try await connection.query("""
            SELECT \(unescaped: listingColumns) FROM asset_listings
            WHERE status = \(status) AND (\(assetID)::uuid IS NULL OR asset_id = \(assetID))
            ORDER BY created_at DESC, id DESC LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """, logger: logger)
        var listings: [ListingRecord] = []
        for try await row in rows { listings.append(try listing(row)) }
        return listings
    }

    /// Takes `units` off the listing; it is filled when none remain.
    static func take(_ connection: PostgresConnection, listingID: UUID, units: Int64, logger: Logger) async throws {
        try await connection.query("""
            UPDATE asset_listings SET remaining_units = remaining_units - \(units),
              status = CASE WHEN remaining_units = \(units) THEN 2 ELSE status END
            WHERE id = \(listingID)
            """, logger: logger)
    }

    static func cancel(_ connection: PostgresConnection, listingID: UUID, logger: Logger) async throws {
        try await connection.query("UPDATE asset_listings SET status = 3 WHERE id = \(listingID)", logger: logger)
    }

    static func insertTrade(_ connection: PostgresConnection, _ trade: TradeRecord, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO asset_trades (id, asset_id, version, pool_code, listing_id, buyer_id, seller_id, units,
              unit_price_currency, unit_price_minor, trade_day)
            VALUES (\(trade.id), \(trade.assetID), \(trade.version), \(trade.poolCode), \(trade.listingID), \(trade.buyerID),
              \(trade.sellerID), \(trade.units), \(trade.currency), \(trade.unitPriceMinor),
              (now() AT TIME ZONE 'Asia/Shanghai')::date)
            """, logger: logger)
    }

    static func setRegistrySeq(_ connection: PostgresConnection, tradeID: UUID, seq: Int64, logger: Logger) async throws {
        try await connection.query(
            "UPDATE asset_trades SET registry_seq = \(seq) WHERE id = \(tradeID)", logger: logger)
    }

    /// The unit prices of the class's trades before `excluding`, latest in
    /// registry (commit) order first.
    static func recentUnitPrices(
        _ connection: PostgresConnection, poolCode: String, currency: String, excluding: UUID, limit: Int, logger: Logger
    ) async throws -> [Int64] {
        let rows = try await connection.query("""
            SELECT unit_price_minor FROM asset_trades
            WHERE pool_code = \(poolCode) AND unit_price_currency = \(currency) AND id <> \(excluding)
            ORDER BY registry_seq DESC LIMIT \(limit)
            """, logger: logger)
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
        _ connection: PostgresConnection, poolCode: String, currency: String, from: ZoneDay?, to: ZoneDay?, logger: Logger
    ) async throws -> [IndexPoint] {
        let rows = try await connection.query("""
            SELECT trade_day::text, count(*)::int, sum(units)::bigint,
              floor(sum(units::numeric * unit_price_minor) / sum(units))::bigint
            FROM asset_trades
            WHERE pool_code = \(poolCode) AND unit_price_currency = \(currency)
              AND (\(from?.iso)::date IS NULL OR trade_day >= \(from?.iso)::date)
              AND (\(to?.iso)::date IS NULL OR trade_day <= \(to?.iso)::date)
            GROUP BY trade_day ORDER BY trade_day
            """, logger: logger)
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
    static func append(_ connection: PostgresConnection, _ change: OwnershipChangeRecord, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO ownership_changes (asset_id, kind, from_id, to_id, units, trade_id, unit_price_currency,
              unit_price_minor, version, legal_basis)
            VALUES (\(change.assetID), \(change.kind), \(change.fromID), \(change.toID), \(change.units), \(change.tradeID),
              \(change.currency), \(change.unitPriceMinor), \(change.version), \(change.legalBasis))
            """, logger: logger)
    }

    /// Oldest first.
    static func list(_ connection: PostgresConnection, assetID: UUID, page: Page, logger: Logger) async throws -> [OwnershipChangeRecord] {
        let rows = try await connection.query("""
            SELECT kind, asset_id, from_id, to_id, units, trade_id, unit_price_currency, unit_price_minor, version,
              legal_basis, created_at
            FROM ownership_changes WHERE asset_id = \(assetID)
            ORDER BY position LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """, logger: logger)
        var changes: [OwnershipChangeRecord] = []
        for try await row in rows {
            let r = row.makeRandomAccess()
            changes.append(OwnershipChangeRecord(
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
