import Foundation
import GRPCCore
@testable import Assets
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

@Suite("data asset listings, trades, holdings and the balance sheet")
struct TradingTests {
    @Test("a trade moves units from seller to buyer at the asking price and is recorded everywhere")
    func trade() async throws {
        try await withRegistry { env in
            let seller = env.enterprise(), buyer = env.enterprise(), officer = env.officer()
            let asset = try await env.registerDataAsset(by: seller, units: 100)
            let listing = try await env.listAssetForSale(asset, by: seller, units: 40, unitPrice: 1_000)
            #expect(listing.status == .open)
            #expect(listing.remainingUnits == 40)

            let trade = try await env.tradeDataAsset(listing, units: 25, by: buyer)
            #expect(trade.sellerID == seller.id)
            #expect(trade.buyerID == buyer.id)
            #expect(trade.version == 1)
            #expect(trade.total == cny(25_000))

            let holdings = try await env.client.listAssetHoldings(.with { $0.assetID = asset.assetID }, metadata: officer.metadata)
            let units = Dictionary(uniqueKeysWithValues: holdings.holdings.map { ($0.holderID, $0.units) })
            #expect(units == [seller.id: 75, buyer.id: 25])

            // The rest of the listing, then it is filled and leaves the open list.
            _ = try await env.tradeDataAsset(listing, units: 15, by: env.enterprise())
            let open = try await env.client.listAssetListings(.with { $0.assetID = asset.assetID }, metadata: buyer.metadata)
            #expect(open.listings.isEmpty)
            let filled = try await env.client.listAssetListings(
                .with {
                    $0.assetID = asset.assetID
                    $0.status = .filled
                }, metadata: buyer.metadata)
            #expect(filled.listings.map(\.remainingUnits) == [0])

            let history = try await env.client.listOwnershipHistory(.with { $0.assetID = asset.assetID }, metadata: officer.metadata)
            #expect(history.changes.map(\.kind) == ["registered", "traded", "traded"])
            #expect(history.changes[1].tradeID == trade.tradeID)
            #expect(history.changes[1].unitPrice == cny(1_000))

            #expect(try await env.app.outboxCount(type: "assets.asset.traded", subject: asset.assetID) == 2)
            let payload = try #require(try await env.app.outboxPayloadText(type: "assets.asset.traded", subject: trade.tradeID))
            #expect(payload.contains("\"unit_price_minor\": 1000"))
            #expect(payload.contains("\"units\": 25"))
            #expect(payload.contains("\"buyer_id\": \"\(buyer.id)\""))
            #expect(try await env.count("SELECT sum(units)::int FROM asset_holdings") == 100)
        }
    }

    @Test("a trade names a version: the latest by default, an earlier one on request, an unknown one refused")
    func tradeVersions() async throws {
        try await withRegistry { env in
            let seller = env.enterprise(), buyer = env.enterprise()
            let asset = try await env.registerDataAsset(by: seller, units: 10)
            _ = try await env.client.addAssetVersion(
                .with {
                    $0.requestID = requestID()
                    $0.assetID = asset.assetID
                    $0.contentHash = AssetsEnv.contentHash()
                    $0.description_p = .with { $0.zhCn = "v2" }
                }, metadata: seller.metadata)
            let listing = try await env.listAssetForSale(asset, by: seller, units: 10, unitPrice: 500)
            let latest = try await env.tradeDataAsset(listing, units: 1, by: buyer)
            #expect(latest.version == 2)
            let older = try await env.client.tradeDataAsset(
                .with {
                    $0.requestID = requestID()
                    $0.listingID = listing.listingID
                    $0.units = 1
                    $0.version = 1
                }, metadata: buyer.metadata)
            #expect(older.version == 1)
            await expectRPCError(.notFound) {
                _ = try await env.client.tradeDataAsset(
                    .with {
                        $0.requestID = requestID()
                        $0.listingID = listing.listingID
                        $0.units = 1
                        $0.version = 9
                    }, metadata: buyer.metadata)
            }
        }
    }

    @Test("refusals: zero or negative units and prices, overselling, own listing, strangers, cancelled listings")
    func refusals() async throws {
        try await withRegistry { env in
            let seller = env.enterprise(), buyer = env.enterprise()
            let asset = try await env.registerDataAsset(by: seller, units: 10)
            await expectRPCError(.invalidArgument) { _ = try await env.listAssetForSale(asset, by: seller, units: 0, unitPrice: 100) }
            await expectRPCError(.invalidArgument) { _ = try await env.listAssetForSale(asset, by: seller, units: -1, unitPrice: 100) }
            await expectRPCError(.invalidArgument) { _ = try await env.listAssetForSale(asset, by: seller, units: 1, unitPrice: 0) }
            await expectRPCError(.invalidArgument) { _ = try await env.listAssetForSale(asset, by: seller, units: 1, unitPrice: -100) }
            // 100,000 units at 10^15 each would overflow a trade's total.
            let large = try await env.registerDataAsset(by: seller, units: 100_000)
            await expectRPCError(.invalidArgument) {
                _ = try await env.listAssetForSale(large, by: seller, units: 100_000, unitPrice: 1_000_000_000_000_000)
            }
            // A holder cannot list more than it holds, counting its open listings.
            let listing = try await env.listAssetForSale(asset, by: seller, units: 6, unitPrice: 100)
            let oversold = await expectRPCError(.failedPrecondition) {
                _ = try await env.listAssetForSale(asset, by: seller, units: 5, unitPrice: 100)
            }
            #expect(oversold?.contains("4") == true)
            await expectRPCError(.permissionDenied) { _ = try await env.listAssetForSale(asset, by: buyer, units: 1, unitPrice: 100) }
            await expectRPCError(.permissionDenied) { _ = try await env.listAssetForSale(asset, by: env.nomad(), units: 1, unitPrice: 100) }

            await expectRPCError(.invalidArgument) { _ = try await env.tradeDataAsset(listing, units: 0, by: buyer) }
            await expectRPCError(.failedPrecondition) { _ = try await env.tradeDataAsset(listing, units: 7, by: buyer) }
            await expectRPCError(.failedPrecondition) { _ = try await env.tradeDataAsset(listing, units: 1, by: seller) }
            await expectRPCError(.permissionDenied) { _ = try await env.tradeDataAsset(listing, units: 1, by: env.nomad()) }
            await expectRPCError(.permissionDenied) { _ = try await env.tradeDataAsset(listing, units: 1, by: env.officer()) }

            // Only the seller cancels; a cancelled listing sells nothing.
            let cancel = Nomad_Assets_V1_CancelAssetListingRequest.with {
                $0.requestID = requestID()
                $0.listingID = listing.listingID
            }
            await expectRPCError(.permissionDenied) { _ = try await env.client.cancelAssetListing(cancel, metadata: buyer.metadata) }
            let cancelled = try await env.client.cancelAssetListing(cancel, metadata: seller.metadata)
            #expect(cancelled.status == .cancelled)
            await expectRPCError(.failedPrecondition) { _ = try await env.tradeDataAsset(listing, units: 1, by: buyer) }
            await expectRPCError(.failedPrecondition) {
                _ = try await env.client.cancelAssetListing(
                    .with {
                        $0.requestID = requestID()
                        $0.listingID = listing.listingID
                    }, metadata: seller.metadata)
            }

            #expect(try await env.count("SELECT count(*)::int FROM asset_trades") == 0)
            #expect(try await env.count("SELECT count(*)::int FROM asset_listings WHERE status = 1") == 0)
            #expect(try await env.count("SELECT units::int FROM asset_holdings WHERE asset_id = '\(asset.assetID)'") == 10)
        }
    }

    @Test("a retried trade returns the first result and moves units once")
    func retry() async throws {
        try await withRegistry { env in
            let seller = env.enterprise(), buyer = env.enterprise()
            let asset = try await env.registerDataAsset(by: seller, units: 10)
            let listing = try await env.listAssetForSale(asset, by: seller, units: 10, unitPrice: 100)
            let request = Nomad_Assets_V1_TradeDataAssetRequest.with {
                $0.requestID = requestID()
                $0.listingID = listing.listingID
                $0.units = 3
            }
            let first = try await env.client.tradeDataAsset(request, metadata: buyer.metadata)
            let second = try await env.client.tradeDataAsset(request, metadata: buyer.metadata)
            #expect(first == second)
            #expect(try await env.count("SELECT count(*)::int FROM asset_trades") == 1)
        }
    }

    @Test("the balance sheet values each holding at the latest valuation times its share; only its enterprise or staff read it")
    func balanceSheet() async throws {
        try await withRegistry(bubble: BubbleSettings(thresholdPercent: 1000, window: 100)) { env in
            let seller = env.enterprise(), buyer = env.enterprise(), officer = env.officer()
            let asset = try await env.registerDataAsset(by: seller, units: 100)
            let unvalued = try await env.registerDataAsset(by: buyer, units: 1)
            try await env.recordValuation(asset, minor: 1_000_000, by: officer, method: .cost)
            try await env.recordValuation(asset, minor: 2_000_000, by: officer, method: .market)
            let listing = try await env.listAssetForSale(asset, by: seller, units: 30, unitPrice: 20_000)
            _ = try await env.tradeDataAsset(listing, units: 30, by: buyer)

            let sheet = try await env.client.getBalanceSheet(.init(), metadata: buyer.metadata)
            #expect(sheet.enterpriseID == buyer.id)
            let line = try #require(sheet.lines.first { $0.assetID == asset.assetID })
            #expect(line.units == 30)
            #expect(line.shareBp == 3_000)
            #expect(line.valued)
            #expect(line.assetValue == cny(2_000_000))
            #expect(line.holdingValue == cny(600_000))
            #expect(line.method == .market)
            #expect(line.valuedVersion == 1)
            let bare = try #require(sheet.lines.first { $0.assetID == unvalued.assetID })
            #expect(!bare.valued)
            #expect(sheet.totals == [cny(600_000)])

            let sellerSheet = try await env.client.getBalanceSheet(.with { $0.enterpriseID = seller.id }, metadata: officer.metadata)
            #expect(sellerSheet.lines.first?.holdingValue == cny(1_400_000))
            _ = try await env.client.getBalanceSheet(.with { $0.enterpriseID = seller.id }, metadata: env.admin().metadata)

            await expectRPCError(.permissionDenied) {
                _ = try await env.client.getBalanceSheet(.with { $0.enterpriseID = seller.id }, metadata: buyer.metadata)
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.getBalanceSheet(.init(), metadata: env.nomad().metadata)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.getBalanceSheet(.init(), metadata: officer.metadata)
            }
        }
    }

    @Test("many buyers at once on one listing: it never sells more than listed and units are conserved")
    func concurrentTrades() async throws {
        try await withRegistry { env in
            let seller = env.enterprise()
            let asset = try await env.registerDataAsset(by: seller, units: 1_000)
            let listing = try await env.listAssetForSale(asset, by: seller, units: 50, unitPrice: 100)
            let buyers = (0..<12).map { _ in env.enterprise() }
            // 12 buyers x 5 attempts of 1 unit = 60 attempts on 50 units.
            let outcomes = await concurrentOutcomes(
                buyers.flatMap { buyer in
                    (0..<5).map { _ -> @Sendable () async throws -> Void in
                        { _ = try await env.tradeDataAsset(listing, units: 1, by: buyer) }
                    }
                })
            #expect(outcomes.filter { $0 == nil }.count == 50)
            #expect(outcomes.compactMap { $0 }.allSatisfy { $0 == .failedPrecondition })
            #expect(try await env.count("SELECT sum(units)::int FROM asset_holdings") == 1_000)
            #expect(try await env.count("SELECT count(*)::int FROM asset_holdings WHERE units < 0") == 0)
            #expect(try await env.count("SELECT units::int FROM asset_holdings WHERE holder_id = '\(seller.id)'") == 950)
            #expect(try await env.count("SELECT remaining_units::int FROM asset_listings") == 0)
            let verified = try await env.verifyRegistry(by: env.officer())
            #expect(verified.ok)
            #expect(verified.entriesChecked == 51)
        }
    }
}
