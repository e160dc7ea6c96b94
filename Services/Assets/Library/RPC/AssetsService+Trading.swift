import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// Listings, trades, holdings, ownership history and the balance sheet
/// (数据资产入表). A trade locks the asset's row, then the listing's, then
/// moves units between holdings, so units are never created or lost and two
/// buyers of one listing never both get its last unit.
extension AssetsService {
    func listAssetForSale(
        request: Nomad_Assets_V1_ListAssetForSaleRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_AssetListing {
        let seller = try caller
        let id = try Validate.uuid(request.assetID, "asset_id")
        let units = try DataAssetRules.units(request.units, "units")
        let price = try DataAssetRules.money(request.unitPrice, "unit_price")
        // Every trade from the listing is at most units x price: bound it once here.
        guard !units.multipliedReportingOverflow(by: price.minor).overflow else {
            throw NomadError.invalid("unit_price", zh: "挂牌总价过大", en: "units x unit price is too large")
        }
        return try await mutation(request) { tx in
            let asset = try await requireAsset(tx, id: id, lock: true)
            guard !asset.tokenized else { throw RegistryErrors.tokenized }
            let held = try await HoldingStore.units(tx, assetID: id, holder: seller.accountID)
            guard held > 0 else { throw NomadError.permissionDenied }
            let listed = try await TradeStore.listedUnits(tx, assetID: id, seller: seller.accountID)
            guard units <= held - listed else { throw RegistryErrors.insufficientUnits(available: held - listed) }
            let listingID = UUID()
            return try await TradeStore.insertListing(
                tx, id: listingID, assetID: id, seller: seller.accountID, units: units, currency: price.currency,
                unitPriceMinor: price.minor
            ).message
        }
    }

    func cancelAssetListing(
        request: Nomad_Assets_V1_CancelAssetListingRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_AssetListing {
        let seller = try caller
        let id = try Validate.uuid(request.listingID, "listing_id")
        return try await mutation(request) { tx in
            let listing = try await TradeStore.findListing(tx, id: id, lock: .update).orNotFound("listing \(id.text)")
            guard listing.sellerID == seller.accountID else { throw NomadError.permissionDenied }
            guard listing.status == ListingRecord.Status.open.rawValue else {
                throw NomadError.wrongState("挂牌已成交或已撤销", "the listing is already filled or cancelled")
            }
            return try await TradeStore.cancel(tx, listingID: id).message
        }
    }

    func listAssetListings(
        request: Nomad_Assets_V1_ListAssetListingsRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_ListAssetListingsResponse {
        _ = try caller
        let page = try Page(request.page)
        let assetID = request.assetID.isEmpty ? nil : try Validate.uuid(request.assetID, "asset_id")
        let status: Int16
        switch request.status {
        case .unspecified: status = ListingRecord.Status.open.rawValue
        case .open, .filled, .cancelled: status = Int16(request.status.rawValue)
        default: throw NomadError.unknownEnum("status")
        }
        let listings = try await database.read { tx in
            try await TradeStore.listings(tx, assetID: assetID, status: status, page: page)
        }
        return .listing(\.listings, listings.map(\.message), page)
    }

    func tradeDataAsset(
        request: Nomad_Assets_V1_TradeDataAssetRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_AssetTrade {
        let buyer = try caller
        let listingID = try Validate.uuid(request.listingID, "listing_id")
        let units = try DataAssetRules.units(request.units, "units")
        guard request.version >= 0 else {
            throw NomadError.invalid("version", zh: "不能为负数", en: "must not be negative")
        }
        return try await mutation(request) { tx in
            let seen = try await TradeStore.findListing(tx, id: listingID).orNotFound("listing \(listingID.text)")
            // Asset first, then listing: the order every trade and listing takes.
            let asset = try await requireAsset(tx, id: seen.assetID, lock: true)
            let listing = try await TradeStore.findListing(tx, id: listingID, lock: .update).orNotFound("listing \(listingID.text)")
            guard !asset.tokenized else { throw RegistryErrors.tokenized }
            guard listing.sellerID != buyer.accountID else {
                throw NomadError.wrongState("不能购买自己挂牌的资产", "you cannot buy from your own listing")
            }
            guard listing.status == ListingRecord.Status.open.rawValue else {
                throw NomadError.wrongState("挂牌已成交或已撤销", "the listing is already filled or cancelled")
            }
            guard units <= listing.remainingUnits else {
                throw NomadError.wrongState(
                    "挂牌剩余 \(listing.remainingUnits) 份", "the listing has \(listing.remainingUnits) units left")
            }
            let version = try Self.version(request.version == 0 ? nil : request.version, of: asset)
            let trade = TradeRecord(
                id: UUID(), assetID: asset.id, version: version, poolCode: asset.poolCode, listingID: listingID,
                buyerID: buyer.accountID, sellerID: listing.sellerID, units: units, currency: listing.currency,
                unitPriceMinor: listing.unitPriceMinor, createdAt: Date())
            try await HoldingStore.move(
                tx, assetID: asset.id, from: listing.sellerID, to: buyer.accountID, units: units)
            try await TradeStore.take(tx, listingID: listingID, units: units)
            try await TradeStore.insertTrade(tx, trade)
            try await OwnershipStore.append(
                tx,
                OwnershipChangeRecord(
                    kind: "traded", assetID: asset.id, fromID: listing.sellerID, toID: buyer.accountID, units: units,
                    tradeID: trade.id, currency: trade.currency, unitPriceMinor: trade.unitPriceMinor, version: version))
            // The chain head lock also orders trades for the moving average
            // below: every earlier trade has committed once we hold it, and
            // the entry's seq records that order on the trade.
            let seq = try await RegistryChainStore.append(
                tx, kind: "asset.traded", subject: asset.id,
                fields: [
                    "trade_id": trade.id.text, "version": "\(version)", "buyer_id": buyer.accountID.text,
                    "seller_id": listing.sellerID.text, "units": "\(units)",
                    "unit_price_minor": "\(trade.unitPriceMinor)", "currency": trade.currency,
                ])
            try await TradeStore.setRegistrySeq(tx, tradeID: trade.id, seq: seq)
            try await Outbox.append(
                tx,
                AssetsEvents.AssetTraded(
                    subjects: .init(
                        assetID: asset.id.text, tradeID: trade.id.text, buyerID: buyer.accountID.text,
                        sellerID: listing.sellerID.text),
                    payload: .init(
                        assetID: asset.id.text, version: version, tradeID: trade.id.text, buyerID: buyer.accountID.text,
                        sellerID: listing.sellerID.text, units: units, unitPriceMinor: trade.unitPriceMinor,
                        currency: trade.currency)))
            let alerts = try await raiseBubbleAlerts(tx, trade: trade, asset: asset)
            return trade.message(alertIDs: alerts)
        }
    }

    func listAssetHoldings(
        request: Nomad_Assets_V1_ListAssetHoldingsRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_ListAssetHoldingsResponse {
        _ = try caller
        let id = try Validate.uuid(request.assetID, "asset_id")
        let (asset, holdings) = try await database.read { tx in
            let asset = try await requireAsset(tx, id: id)
            return (asset, try await HoldingStore.list(tx, assetID: id))
        }
        return .with {
            $0.totalUnits = asset.totalUnits
            $0.holdings = holdings.map { holder, units in
                .with {
                    $0.assetID = id.text
                    $0.holderID = holder.text
                    $0.units = units
                    $0.shareBp = DataAssetRules.shareBP(units, of: asset.totalUnits)
                }
            }
        }
    }

    func listOwnershipHistory(
        request: Nomad_Assets_V1_ListOwnershipHistoryRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_ListOwnershipHistoryResponse {
        _ = try caller
        let id = try Validate.uuid(request.assetID, "asset_id")
        let page = try Page(request.page)
        let changes = try await database.read { tx in
            _ = try await requireAsset(tx, id: id)
            return try await OwnershipStore.list(tx, assetID: id, page: page)
        }
        return .listing(\.changes, changes.map(\.message), page)
    }

    /// 数据资产入表: each asset the enterprise holds, at its latest valuation
    /// times the enterprise's share.
    func getBalanceSheet(
        request: Nomad_Assets_V1_GetBalanceSheetRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_BalanceSheet {
        let principal = try caller
        let enterprise: UUID
        if principal.role == .enterprise {
            enterprise = request.enterpriseID.isEmpty ? principal.accountID : try Validate.uuid(request.enterpriseID, "enterprise_id")
            guard enterprise == principal.accountID else { throw NomadError.permissionDenied }
        } else {
            enterprise = try Validate.uuid(request.enterpriseID, "enterprise_id")
        }
        let lines = try await database.read { tx in
            var lines: [(BalanceSheetHolding, ValuationRecord?)] = []
            for holding in try await BalanceSheetStore.holdings(tx, holder: enterprise) {
                lines.append((holding, try await ValuationStore.latest(tx, assetID: holding.assetID)))
            }
            return lines
        }
        var totals: [String: Int64] = [:]
        let messages = lines.map { holding, valuation in
            Nomad_Assets_V1_BalanceSheetLine.with {
                $0.assetID = holding.assetID.text
                $0.poolCode = holding.poolCode
                $0.title = localized(holding.titleZh, holding.titleEn)
                $0.holdingKind = holding.kind
                $0.units = holding.units
                $0.totalUnits = holding.totalUnits
                $0.shareBp = DataAssetRules.shareBP(holding.units, of: holding.totalUnits)
                if let valuation {
                    let part = DataAssetRules.part(valuation.valueMinor, units: holding.units, total: holding.totalUnits)
                    totals[valuation.currency, default: 0] += part
                    $0.valued = true
                    $0.assetValue = money(valuation.currency, valuation.valueMinor)
                    $0.holdingValue = money(valuation.currency, part)
                    $0.method = Nomad_Assets_V1_ValuationMethod(rawValue: Int(valuation.method)) ?? .unspecified
                    $0.valuationDate = valuation.date.message
                    $0.valuedVersion = valuation.version
                }
            }
        }
        return .with {
            $0.enterpriseID = enterprise.text
            $0.lines = messages
            $0.totals = totals.keys.sorted().map { money($0, totals[$0]!) }
        }
    }
}
