import Foundation
import GRPCCore
import Logging
@testable import Assets
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

/// The assets service with explicit bubble settings (tests never read the
/// environment): threshold 30 %, a moving-average window of 3 trades.
func withRegistry(
    bubble: BubbleSettings = BubbleSettings(thresholdPercent: 30, window: 3), _ body: (AssetsEnv) async throws -> Void
) async throws {
    try await withTestApp(AssetsDefinition.make(bubble: bubble)) { app in
        try await body(AssetsEnv(app: app, client: AssetsClient(wrapping: app.client)))
    }
}

func requestID() -> String { UUID().uuidString }

func cny(_ minor: Int64) -> Nomad_Common_V1_Money {
    .with {
        $0.currencyCode = "CNY"; $0.minorUnits = minor
    }
}

extension AssetsEnv {
    /// A fresh 64-digit hex string, shaped like a SHA-256 content hash.
    static func contentHash() -> String {
        (UUID().uuidString + UUID().uuidString).replacingOccurrences(of: "-", with: "").lowercased()
    }

    static func registration(
        units: Int64 = 100, pool: String = "vehicle_road_cloud", hash: String = contentHash()
    ) -> Nomad_Assets_V1_RegisterDataAssetRequest {
        .with {
            $0.requestID = requestID()
            $0.poolCode = pool
            $0.title = .with {
                $0.zhCn = "海南环岛车路云轨迹数据"; $0.en = "Hainan ring-road vehicle trajectories"
            }
            $0.description_p = .with {
                $0.zhCn = "2026 年第三季度脱敏轨迹"; $0.en = "Q3 2026 de-identified trajectories"
            }
            $0.contentHash = hash
            $0.licenceTerms = "非独占、仅限自贸港内使用 / non-exclusive, FTP use only"
            $0.totalUnits = units
        }
    }

    func registerDataAsset(
        by owner: Caller, units: Int64 = 100, pool: String = "vehicle_road_cloud"
    ) async throws -> Nomad_Assets_V1_DataAsset {
        try await client.registerDataAsset(Self.registration(units: units, pool: pool), metadata: owner.metadata)
    }

    @discardableResult
    func recordValuation(
        _ asset: Nomad_Assets_V1_DataAsset, minor: Int64, by officer: Caller, method: Nomad_Assets_V1_ValuationMethod = .cost
    ) async throws -> Nomad_Assets_V1_AssetValuation {
        try await client.recordValuation(
            .with {
                $0.requestID = requestID()
                $0.assetID = asset.assetID
                $0.method = method
                $0.value = cny(minor)
                $0.appraiser = "海南中和资产评估有限公司"
                $0.valuationDate = ZoneDay.today().message
            }, metadata: officer.metadata)
    }

    func listAssetForSale(
        _ asset: Nomad_Assets_V1_DataAsset, by seller: Caller, units: Int64, unitPrice: Int64
    ) async throws -> Nomad_Assets_V1_AssetListing {
        try await client.listAssetForSale(
            .with {
                $0.requestID = requestID()
                $0.assetID = asset.assetID
                $0.units = units
                $0.unitPrice = cny(unitPrice)
            }, metadata: seller.metadata)
    }

    func tradeDataAsset(_ listing: Nomad_Assets_V1_AssetListing, units: Int64, by buyer: Caller) async throws -> Nomad_Assets_V1_AssetTrade
    {
        try await client.tradeDataAsset(
            .with {
                $0.requestID = requestID()
                $0.listingID = listing.listingID
                $0.units = units
            }, metadata: buyer.metadata)
    }

    @discardableResult
    func addQflpInvestor(
        _ accountID: String, by officer: Caller, expires: ZoneDay = ZoneDay.today().adding(days: 365)
    ) async throws -> Nomad_Assets_V1_QflpInvestor {
        try await client.addQflpInvestor(
            .with {
                $0.requestID = requestID()
                $0.investor = .with {
                    $0.accountID = accountID
                    $0.name = "QFLP 投资者 \(accountID.prefix(8))"
                    $0.jurisdiction = "HK"
                    $0.expiresOn = expires.message
                }
            }, metadata: officer.metadata)
    }

    func tokenizeAsset(
        _ asset: Nomad_Assets_V1_DataAsset, by caller: Caller, units: Int64, maxHolders: Int32 = 0, maxShareBP: Int32 = 0
    ) async throws -> Nomad_Assets_V1_AssetToken {
        try await client.tokenizeAsset(
            .with {
                $0.requestID = requestID()
                $0.assetID = asset.assetID
                $0.units = units
                $0.maxHolders = maxHolders
                $0.maxHolderShareBp = maxShareBP
            }, metadata: caller.metadata)
    }

    @discardableResult
    func transferTokens(
        _ assetID: String, from sender: Caller, to receiver: String, units: Int64
    ) async throws -> Nomad_Assets_V1_TokenTransfer {
        try await client.transferTokens(
            .with {
                $0.requestID = requestID()
                $0.assetID = assetID
                $0.toID = receiver
                $0.units = units
            }, metadata: sender.metadata)
    }

    /// An enterprise owner, whitelisted, with a tokenized asset of `units` token units.
    func tokenizedAsset(
        officer: Caller, units: Int64 = 1000, maxHolders: Int32 = 0, maxShareBP: Int32 = 0
    ) async throws -> (owner: Caller, asset: Nomad_Assets_V1_DataAsset) {
        let owner = enterprise()
        let asset = try await registerDataAsset(by: owner)
        try await addQflpInvestor(owner.id, by: officer)
        _ = try await tokenizeAsset(asset, by: owner, units: units, maxHolders: maxHolders, maxShareBP: maxShareBP)
        return (owner, asset)
    }

    func listTokenHoldings(_ assetID: String, by caller: Caller) async throws -> [String: Nomad_Assets_V1_TokenHolding] {
        let answer = try await client.listTokenHoldings(.with { $0.assetID = assetID }, metadata: caller.metadata)
        return Dictionary(uniqueKeysWithValues: answer.holdings.map { ($0.holderID, $0) })
    }

    func verifyRegistry(by caller: Caller) async throws -> Nomad_Assets_V1_VerifyRegistryResponse {
        try await client.verifyRegistry(.init(), metadata: caller.metadata)
    }

    func count(_ sql: String) async throws -> Int {
        try await app.withSchemaConnection { tx in
            var count = 0
            for try await value in try await tx.query(PostgresQuery(unsafeSQL: sql))
                .decode(Int.self)
            { count = value }
            return count
        }
    }
}
