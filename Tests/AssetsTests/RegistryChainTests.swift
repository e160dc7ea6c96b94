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

@Suite("the tamper-evident registry chain")
struct RegistryChainTests {
    /// Registrations, a version, a valuation, a trade: five entries.
    func history(_ env: AssetsEnv) async throws -> Nomad_Assets_V1_DataAsset {
        let seller = env.enterprise(), buyer = env.enterprise()
        let asset = try await env.registerDataAsset(by: seller, units: 10)
        _ = try await env.registerDataAsset(by: buyer, units: 10)
        _ = try await env.client.addAssetVersion(
            .with {
                $0.requestID = requestID()
                $0.assetID = asset.assetID
                $0.contentHash = AssetsEnv.contentHash()
                $0.description_p = .with { $0.zhCn = "v2" }
            }, metadata: seller.metadata)
        try await env.recordValuation(asset, minor: 10_000, by: env.officer())
        let listing = try await env.listAssetForSale(asset, by: seller, units: 2, unitPrice: 1_000)
        _ = try await env.tradeDataAsset(listing, units: 2, by: buyer)
        return asset
    }

    @Test("each entry links to the one before; the chain verifies; staff only")
    func linksAndVerify() async throws {
        try await withRegistry { env in
            let officer = env.officer()
            let empty = try await env.verifyRegistry(by: officer)
            #expect(empty.ok)
            #expect(empty.entriesChecked == 0)

            let asset = try await history(env)
            let all = try await env.client.listRegistryEntries(.init(), metadata: officer.metadata)
            #expect(all.entries.map(\.seq) == [1, 2, 3, 4, 5])
            #expect(all.entries.map(\.kind) == ["asset.registered", "asset.registered", "asset.versioned", "asset.valued", "asset.traded"])
            #expect(all.entries.first?.prevHash == String(repeating: "0", count: 64))
            for (earlier, later) in zip(all.entries, all.entries.dropFirst()) {
                #expect(later.prevHash == earlier.hash)
            }
            // The hash is SHA-256(prev_hash || payload), recomputable by anyone.
            let first = all.entries[0]
            let prev = [UInt8](repeating: 0, count: 32)
            #expect(RegistryChain.hash(prev: prev, payload: first.payload).hex == first.hash)

            let mine = try await env.client.listRegistryEntries(.with { $0.subject = asset.assetID }, metadata: env.admin().metadata)
            #expect(mine.entries.count == 4)
            let paged = try await env.client.listRegistryEntries(.with { $0.page.pageSize = 2 }, metadata: officer.metadata)
            #expect(paged.entries.map(\.seq) == [1, 2])
            let next = try await env.client.listRegistryEntries(
                .with {
                    $0.page.pageSize = 2
                    $0.page.pageToken = paged.page.nextPageToken
                }, metadata: officer.metadata)
            #expect(next.entries.map(\.seq) == [3, 4])

            let verified = try await env.verifyRegistry(by: env.admin())
            #expect(verified.ok)
            #expect(verified.entriesChecked == 5)
            #expect(verified.headHash == all.entries.last?.hash)

            await expectRPCError(.permissionDenied) { _ = try await env.verifyRegistry(by: env.enterprise()) }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.listRegistryEntries(.init(), metadata: env.nomad().metadata)
            }
        }
    }

    @Test("a payload edited behind the service's back fails verification at exactly that entry")
    func tamperedPayload() async throws {
        try await withRegistry { env in
            _ = try await history(env)
            _ = try await env.app.withSchemaConnection { tx in
                try await tx.query(
                    """
                    UPDATE registry_entries SET payload = replace(payload, '"units":"2"', '"units":"1"') WHERE seq = 5
                    """)
                try await tx.query(
                    """
                    UPDATE registry_entries SET payload = replace(payload, '"value_minor":"10000"', '"value_minor":"99999"')
                    WHERE seq = 4
                    """)
            }
            let verified = try await env.verifyRegistry(by: env.officer())
            #expect(!verified.ok)
            #expect(verified.brokenSeq == 4)
            #expect(verified.entriesChecked == 3)
            #expect(verified.reason.contains("hash"))
        }
    }

    @Test("a rewritten entry with a recomputed hash breaks the next link; a deleted entry is a gap")
    func rewrittenAndDeleted() async throws {
        try await withRegistry { env in
            _ = try await history(env)
            // A forger who recomputes entry 2's hash still breaks entry 3's prev_hash.
            _ = try await env.app.withSchemaConnection { tx in
                try await tx.query(
                    """
                    UPDATE registry_entries SET payload = payload || ' ',
                      hash = sha256(prev_hash || convert_to(payload || ' ', 'UTF8')) WHERE seq = 2
                    """)
            }
            let rewritten = try await env.verifyRegistry(by: env.officer())
            #expect(!rewritten.ok)
            #expect(rewritten.brokenSeq == 3)
            #expect(rewritten.reason.contains("prev_hash"))

            _ = try await env.app.withSchemaConnection { tx in
                try await tx.query("DELETE FROM registry_entries WHERE seq = 1")
            }
            let deleted = try await env.verifyRegistry(by: env.officer())
            #expect(deleted.brokenSeq == 1)
        }
    }

    @Test("a chain longer than one verification page is walked page by page")
    func longChain() async throws {
        try await withRegistry { env in
            let officer = env.financeOfficer()
            let (owner, asset) = try await env.tokenizedAsset(officer: officer, units: 100_000)
            let investor = env.enterprise()
            try await env.addQflpInvestor(investor.id, by: officer)
            // Entries written directly would not be real history; transfers are, and cheap.
            for _ in 0..<(RegistryChainStore.pageSize / 50) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<50 {
                        group.addTask { try await env.transferTokens(asset.assetID, from: owner, to: investor.id, units: 1) }
                    }
                    try await group.waitForAll()
                }
            }
            try await env.transferTokens(asset.assetID, from: owner, to: investor.id, units: 1)
            let verified = try await env.verifyRegistry(by: officer)
            #expect(verified.ok, "\(verified.reason)")
            #expect(verified.entriesChecked == Int64(RegistryChainStore.pageSize) + 3)
        }
    }

    @Test("trades, valuations and token transfers on different assets at once still make one unbroken line")
    func concurrentAppends() async throws {
        try await withRegistry { env in
            let officer = env.officer(), finance = env.financeOfficer()
            let (owner, token) = try await env.tokenizedAsset(officer: finance, units: 1_000)
            let investor = env.nomad()
            try await env.addQflpInvestor(investor.id, by: finance)
            let sellers = (0..<3).map { _ in env.enterprise() }
            var listings: [Nomad_Assets_V1_AssetListing] = []
            var assets: [Nomad_Assets_V1_DataAsset] = []
            for seller in sellers {
                let asset = try await env.registerDataAsset(by: seller, units: 100)
                assets.append(asset)
                listings.append(try await env.listAssetForSale(asset, by: seller, units: 100, unitPrice: 1_000))
            }
            let before = try await env.count("SELECT count(*)::int FROM registry_entries")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<60 {
                    switch index % 3 {
                    case 0:
                        let listing = listings[index % listings.count]
                        group.addTask { _ = try await env.tradeDataAsset(listing, units: 1, by: env.enterprise()) }
                    case 1:
                        group.addTask { try await env.transferTokens(token.assetID, from: owner, to: investor.id, units: 1) }
                    default:
                        let asset = assets[index % assets.count]
                        group.addTask { try await env.recordValuation(asset, minor: 100_000, by: officer) }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await env.count("SELECT count(*)::int FROM registry_entries") == before + 60)
            #expect(try await env.count("SELECT max(seq)::int FROM registry_entries") == before + 60)
            let verified = try await env.verifyRegistry(by: officer)
            #expect(verified.ok, "\(verified.reason)")
            #expect(verified.entriesChecked == Int64(before + 60))
        }
    }
}
