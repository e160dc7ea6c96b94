import Foundation
import GRPCCore
@testable import Assets
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

@Suite("data assets: registration, versions, valuations")
struct DataAssetTests {
    @Test("an enterprise registers an asset: version 1, every unit held by it, a chain entry and an event")
    func register() async throws {
        try await withRegistry { env in
            let owner = env.enterprise()
            let asset = try await env.registerDataAsset(by: owner, units: 100)
            #expect(asset.ownerID == owner.id)
            #expect(asset.latestVersion == 1)
            #expect(asset.totalUnits == 100)
            #expect(!asset.tokenized)

            let fetched = try await env.client.getDataAsset(.with { $0.assetID = asset.assetID }, metadata: env.nomad().metadata)
            #expect(fetched == asset)
            let holdings = try await env.client.listAssetHoldings(.with { $0.assetID = asset.assetID }, metadata: owner.metadata)
            #expect(holdings.holdings.map(\.units) == [100])
            #expect(holdings.holdings.first?.shareBp == 10_000)

            #expect(try await env.app.outboxCount(type: "assets.asset.registered", subject: asset.assetID) == 1)
            let payload = try #require(try await env.app.outboxPayloadText(type: "assets.asset.registered", subject: asset.assetID))
            #expect(payload.contains("\"pool_code\": \"vehicle_road_cloud\""))
            #expect(payload.contains("\"version\": 1"))
            let entries = try await env.client.listRegistryEntries(.with { $0.subject = asset.assetID }, metadata: env.officer().metadata)
            #expect(entries.entries.map(\.kind) == ["asset.registered"])
        }
    }

    @Test("an officer registers on an enterprise's behalf; total units default to 1; filters list")
    func officerAndList() async throws {
        try await withRegistry { env in
            let officer = env.officer()
            let company = env.enterprise()
            var request = AssetsEnv.registration(pool: "culture_tourism_consumption")
            request.ownerID = company.id
            request.totalUnits = 0
            let asset = try await env.client.registerDataAsset(request, metadata: officer.metadata)
            #expect(asset.ownerID == company.id)
            #expect(asset.totalUnits == 1)
            _ = try await env.registerDataAsset(by: env.enterprise())

            let byPool = try await env.client.listDataAssets(
                .with { $0.poolCode = "culture_tourism_consumption" }, metadata: company.metadata)
            #expect(byPool.assets.map(\.assetID) == [asset.assetID])
            let all = try await env.client.listDataAssets(.with { $0.page.pageSize = 1 }, metadata: company.metadata)
            #expect(all.assets.count == 1)
            #expect(!all.page.nextPageToken.isEmpty)
            let byOwner = try await env.client.listDataAssets(.with { $0.ownerID = company.id }, metadata: company.metadata)
            #expect(byOwner.assets.count == 1)

            // An officer must name the owner; an enterprise may not register for another.
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.registerDataAsset(AssetsEnv.registration(), metadata: officer.metadata)
            }
            var forOther = AssetsEnv.registration()
            forOther.ownerID = company.id
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.registerDataAsset(forOther, metadata: env.enterprise().metadata)
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.registerDataAsset(AssetsEnv.registration(), metadata: env.nomad().metadata)
            }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.registerDataAsset(AssetsEnv.registration(), metadata: callMetadata())
            }
        }
    }

    @Test("bad registrations are refused in the caller's language and change nothing")
    func badInput() async throws {
        try await withRegistry { env in
            let owner = env.enterprise()
            var unknownPool = AssetsEnv.registration()
            unknownPool.poolCode = "moon_dust"
            let message = await expectRPCError(.invalidArgument) {
                _ = try await env.client.registerDataAsset(unknownPool, metadata: owner.metadata(language: "zh-CN"))
            }
            #expect(message?.contains("数据资源池") == true)
            var negative = AssetsEnv.registration()
            negative.totalUnits = -5
            await expectRPCError(.invalidArgument) { _ = try await env.client.registerDataAsset(negative, metadata: owner.metadata) }
            var badHash = AssetsEnv.registration()
            badHash.contentHash = "not-a-hash"
            await expectRPCError(.invalidArgument) { _ = try await env.client.registerDataAsset(badHash, metadata: owner.metadata) }
            var noTitle = AssetsEnv.registration()
            noTitle.title = .init()
            await expectRPCError(.invalidArgument) { _ = try await env.client.registerDataAsset(noTitle, metadata: owner.metadata) }

            let hash = AssetsEnv.contentHash()
            _ = try await env.client.registerDataAsset(AssetsEnv.registration(hash: hash), metadata: owner.metadata)
            await expectRPCError(.alreadyExists) {
                _ = try await env.client.registerDataAsset(AssetsEnv.registration(hash: hash.uppercased()), metadata: owner.metadata)
            }
            #expect(try await env.count("SELECT count(*)::int FROM data_assets") == 1)
            #expect(try await env.count("SELECT count(*)::int FROM registry_entries") == 1)
        }
    }

    @Test("a retried registration returns the first result and registers once")
    func retry() async throws {
        try await withRegistry { env in
            let owner = env.enterprise()
            let request = AssetsEnv.registration()
            let first = try await env.client.registerDataAsset(request, metadata: owner.metadata)
            let second = try await env.client.registerDataAsset(request, metadata: owner.metadata)
            #expect(first == second)
            #expect(try await env.count("SELECT count(*)::int FROM data_assets") == 1)
            #expect(try await env.app.outboxCount(type: "assets.asset.registered", subject: first.assetID) == 1)
        }
    }

    @Test("only the owner adds versions; numbers run 1, 2, 3; a known content hash is refused")
    func versions() async throws {
        try await withRegistry { env in
            let owner = env.enterprise()
            let asset = try await env.registerDataAsset(by: owner)
            func add(_ hash: String, by caller: AssetsEnv.Caller) async throws -> Nomad_Assets_V1_DataAssetVersion {
                try await env.client.addAssetVersion(
                    .with {
                        $0.requestID = requestID()
                        $0.assetID = asset.assetID
                        $0.contentHash = hash
                        $0.description_p = .with { $0.zhCn = "第四季度更新" }
                    }, metadata: caller.metadata)
            }
            let v2 = try await add(AssetsEnv.contentHash(), by: owner)
            let v3 = try await add(AssetsEnv.contentHash(), by: owner)
            #expect([v2.version, v3.version] == [2, 3])
            #expect(v2.description_p.en == "第四季度更新")

            await expectRPCError(.permissionDenied) { _ = try await add(AssetsEnv.contentHash(), by: env.enterprise()) }
            await expectRPCError(.permissionDenied) { _ = try await add(AssetsEnv.contentHash(), by: env.officer()) }
            await expectRPCError(.alreadyExists) { _ = try await add(asset.contentHash, by: owner) }
            await expectRPCError(.alreadyExists) { _ = try await add(v2.contentHash, by: owner) }
            await expectRPCError(.notFound) {
                _ = try await env.client.addAssetVersion(
                    .with {
                        $0.requestID = requestID()
                        $0.assetID = UUID().uuidString
                        $0.contentHash = AssetsEnv.contentHash()
                        $0.description_p = .with { $0.zhCn = "x" }
                    }, metadata: owner.metadata)
            }

            let listed = try await env.client.listAssetVersions(.with { $0.assetID = asset.assetID }, metadata: env.nomad().metadata)
            #expect(listed.versions.map(\.version) == [1, 2, 3])
            let latest = try await env.client.getDataAsset(.with { $0.assetID = asset.assetID }, metadata: owner.metadata)
            #expect(latest.latestVersion == 3)
            #expect(latest.contentHash == v3.contentHash)
        }
    }

    @Test("officers and admins record valuations naming a version; others are refused; bad values change nothing")
    func valuations() async throws {
        try await withRegistry { env in
            let owner = env.enterprise()
            let officer = env.officer()
            let asset = try await env.registerDataAsset(by: owner)
            let first = try await env.recordValuation(asset, minor: 1_000_000, by: officer, method: .income)
            #expect(first.version == 1)
            #expect(first.method == .income)
            #expect(first.value == cny(1_000_000))
            let second = try await env.recordValuation(asset, minor: 1_200_000, by: env.admin(), method: .market)
            #expect(second.recordedBy != officer.id)

            let listed = try await env.client.listValuations(.with { $0.assetID = asset.assetID }, metadata: owner.metadata)
            #expect(listed.valuations.count == 2)

            await expectRPCError(.permissionDenied) { _ = try await env.recordValuation(asset, minor: 5, by: owner) }
            await expectRPCError(.permissionDenied) { _ = try await env.recordValuation(asset, minor: 5, by: env.nomad()) }
            await expectRPCError(.invalidArgument) { _ = try await env.recordValuation(asset, minor: 0, by: officer) }
            await expectRPCError(.invalidArgument) { _ = try await env.recordValuation(asset, minor: -10, by: officer) }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.recordValuation(
                    .with {
                        $0.requestID = requestID()
                        $0.assetID = asset.assetID
                        $0.value = cny(100)
                        $0.appraiser = "x"
                        $0.valuationDate = ZoneDay.today().message
                    }, metadata: officer.metadata)
            }
            await expectRPCError(.notFound) {
                _ = try await env.client.recordValuation(
                    .with {
                        $0.requestID = requestID()
                        $0.assetID = asset.assetID
                        $0.version = 7
                        $0.method = .cost
                        $0.value = cny(100)
                        $0.appraiser = "x"
                        $0.valuationDate = ZoneDay.today().message
                    }, metadata: officer.metadata)
            }
            #expect(try await env.count("SELECT count(*)::int FROM asset_valuations") == 2)
            #expect(try await env.app.outboxCount(type: "assets.asset.valued", subject: asset.assetID) == 2)
            let payload = try #require(try await env.app.outboxPayloadText(type: "assets.asset.valued", subject: first.valuationID))
            #expect(payload.contains("\"value_minor\": 1000000"))
            #expect(payload.contains("\"method\": \"income\""))
        }
    }
}
