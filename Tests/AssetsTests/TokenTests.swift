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

@Suite("RWA tokens and the QFLP whitelist")
struct TokenTests {
    @Test("officers manage the whitelist; nobody else may")
    func whitelist() async throws {
        try await withRegistry { env in
            let officer = env.financeOfficer()
            let investor = env.nomad()
            let added = try await env.addQflpInvestor(investor.id, by: officer)
            #expect(added.jurisdiction == "HK")
            #expect(added.addedBy == officer.id)
            let updated = try await env.addQflpInvestor(investor.id, by: officer, expires: ZoneDay.today().adding(days: 10))
            #expect(updated.expiresOn == ZoneDay.today().adding(days: 10).message)
            let listed = try await env.client.listQflpInvestors(.init(), metadata: env.admin().metadata)
            #expect(listed.investors.map(\.accountID) == [investor.id])

            await expectRPCError(.permissionDenied) { _ = try await env.addQflpInvestor(UUID().text, by: env.admin()) }
            await expectRPCError(.permissionDenied) { _ = try await env.addQflpInvestor(investor.id, by: env.enterprise()) }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.listQflpInvestors(.init(), metadata: env.enterprise().metadata)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.addQflpInvestor(UUID().text, by: officer, expires: ZoneDay.today().adding(days: -1))
            }
            let remove = Nomad_Assets_V1_RemoveQflpInvestorRequest.with {
                $0.requestID = requestID()
                $0.accountID = investor.id
            }
            await expectRPCError(.permissionDenied) { _ = try await env.client.removeQflpInvestor(remove, metadata: env.admin().metadata) }
            _ = try await env.client.removeQflpInvestor(remove, metadata: officer.metadata)
            await expectRPCError(.notFound) {
                _ = try await env.client.removeQflpInvestor(
                    .with {
                        $0.requestID = requestID()
                        $0.accountID = investor.id
                    }, metadata: officer.metadata)
            }
            #expect(try await env.client.listQflpInvestors(.init(), metadata: officer.metadata).investors.isEmpty)
        }
    }

    @Test("the whitelisted owner tokenizes its asset once; the units are issued to it and trading by units stops")
    func tokenize() async throws {
        try await withRegistry { env in
            let officer = env.financeOfficer()
            let owner = env.enterprise()
            let asset = try await env.registerDataAsset(by: owner)
            await expectRPCError(.failedPrecondition) { _ = try await env.tokenizeAsset(asset, by: owner, units: 1000) }
            try await env.addQflpInvestor(owner.id, by: officer)
            await expectRPCError(.permissionDenied) { _ = try await env.tokenizeAsset(asset, by: env.enterprise(), units: 1000) }
            await expectRPCError(.invalidArgument) { _ = try await env.tokenizeAsset(asset, by: owner, units: 0) }
            await expectRPCError(.invalidArgument) { _ = try await env.tokenizeAsset(asset, by: owner, units: 10, maxShareBP: 20_000) }

            let token = try await env.tokenizeAsset(asset, by: owner, units: 1000, maxHolders: 5, maxShareBP: 6_000)
            #expect(token.totalUnits == 1000)
            #expect(token.issuedTo == owner.id)
            #expect(token.holders == 1)
            await expectRPCError(.alreadyExists) { _ = try await env.tokenizeAsset(asset, by: owner, units: 1000) }
            let fetched = try await env.client.getAssetToken(.with { $0.assetID = asset.assetID }, metadata: env.nomad().metadata)
            #expect(fetched.maxHolderShareBp == 6_000)
            await expectRPCError(.notFound) {
                _ = try await env.client.getAssetToken(.with { $0.assetID = UUID().text }, metadata: owner.metadata)
            }
            await expectRPCError(.failedPrecondition) { _ = try await env.listAssetForSale(asset, by: owner, units: 1, unitPrice: 5) }
            #expect(try await env.app.outboxCount(type: "assets.token.issued", subject: asset.assetID) == 1)

            // An officer may tokenize on the owner's behalf, with the same checks.
            let other = try await env.registerDataAsset(by: owner)
            let byOfficer = try await env.tokenizeAsset(other, by: officer, units: 10)
            #expect(byOfficer.issuedBy == officer.id)
            #expect(byOfficer.issuedTo == owner.id)
        }
    }

    @Test("transfers need both sides whitelisted and unexpired and enough unfrozen units; units are conserved")
    func transfers() async throws {
        try await withRegistry { env in
            let officer = env.financeOfficer()
            let (owner, asset) = try await env.tokenizedAsset(officer: officer, units: 1000)
            let investor = env.nomad(), stranger = env.nomad(), lapsed = env.enterprise()
            try await env.addQflpInvestor(investor.id, by: officer)
            try await env.addQflpInvestor(lapsed.id, by: officer)
            // An expired qualification: written behind the service, as time would.
            _ = try await env.app.withSchemaConnection { tx in
                try await tx.query(
                    "UPDATE qflp_investors SET expires_on = current_date - 2 WHERE account_id = \(UUID(uuidString: lapsed.id)!)")
            }

            let sent = try await env.transferTokens(asset.assetID, from: owner, to: investor.id, units: 300)
            #expect(sent.fromHolding.units == 700)
            #expect(sent.toHolding.units == 300)
            #expect(sent.toHolding.shareBp == 3_000)
            #expect(!sent.forced)

            let notListed = await expectRPCError(.failedPrecondition) {
                try await env.transferTokens(asset.assetID, from: owner, to: stranger.id, units: 1)
            }
            #expect(notListed?.contains("receiver") == true)
            await expectRPCError(.failedPrecondition) { try await env.transferTokens(asset.assetID, from: owner, to: lapsed.id, units: 1) }
            await expectRPCError(.failedPrecondition) {
                try await env.transferTokens(asset.assetID, from: stranger, to: owner.id, units: 1)
            }
            await expectRPCError(.failedPrecondition) {
                try await env.transferTokens(asset.assetID, from: investor, to: owner.id, units: 301)
            }
            await expectRPCError(.invalidArgument) { try await env.transferTokens(asset.assetID, from: investor, to: owner.id, units: 0) }
            await expectRPCError(.invalidArgument) { try await env.transferTokens(asset.assetID, from: investor, to: owner.id, units: -3) }
            await expectRPCError(.invalidArgument) {
                try await env.transferTokens(asset.assetID, from: investor, to: investor.id, units: 1)
            }
            await expectRPCError(.permissionDenied) { try await env.transferTokens(asset.assetID, from: officer, to: owner.id, units: 1) }

            let holdings = try await env.listTokenHoldings(asset.assetID, by: officer)
            #expect(holdings.mapValues(\.units) == [owner.id: 700, investor.id: 300])
            // Another holder sees only its own line; the issuer sees all.
            #expect(try await env.listTokenHoldings(asset.assetID, by: investor).keys.sorted() == [investor.id])
            #expect(try await env.listTokenHoldings(asset.assetID, by: owner).count == 2)
            #expect(try await env.listTokenHoldings(asset.assetID, by: stranger).isEmpty)

            let payload = try #require(try await env.app.outboxPayloadText(type: "assets.token.transferred", subject: investor.id))
            #expect(payload.contains("\"forced\": false"))
            #expect(payload.contains("\"units\": 300"))

            // A retry returns the first answer and moves nothing more.
            let retried = Nomad_Assets_V1_TransferTokensRequest.with {
                $0.requestID = requestID()
                $0.assetID = asset.assetID
                $0.toID = investor.id
                $0.units = 5
            }
            let first = try await env.client.transferTokens(retried, metadata: owner.metadata)
            let again = try await env.client.transferTokens(retried, metadata: owner.metadata)
            #expect(first == again)
            #expect(try await env.listTokenHoldings(asset.assetID, by: officer)[investor.id]?.units == 305)

            // Removed from the whitelist: it can neither receive nor send, in either language.
            _ = try await env.client.removeQflpInvestor(
                .with {
                    $0.requestID = requestID()
                    $0.accountID = investor.id
                }, metadata: officer.metadata)
            let chinese = await expectRPCError(.failedPrecondition) {
                _ = try await env.client.transferTokens(
                    .with {
                        $0.requestID = requestID()
                        $0.assetID = asset.assetID
                        $0.toID = investor.id
                        $0.units = 1
                    }, metadata: owner.metadata(language: "zh-CN"))
            }
            #expect(chinese?.contains("白名单") == true)
            await expectRPCError(.failedPrecondition) {
                try await env.transferTokens(asset.assetID, from: investor, to: owner.id, units: 1)
            }
            #expect(try await env.count("SELECT sum(units)::int FROM token_holdings") == 1000)
        }
    }

    @Test("caps: no more holders than allowed and no holder above its share cap")
    func caps() async throws {
        try await withRegistry { env in
            let officer = env.financeOfficer()
            let (owner, asset) = try await env.tokenizedAsset(officer: officer, units: 1000, maxHolders: 3, maxShareBP: 4_000)
            let a = env.nomad(), b = env.nomad(), c = env.nomad()
            for investor in [a, b, c] { try await env.addQflpInvestor(investor.id, by: officer) }
            try await env.transferTokens(asset.assetID, from: owner, to: a.id, units: 400)
            let share = await expectRPCError(.failedPrecondition) {
                try await env.transferTokens(asset.assetID, from: owner, to: a.id, units: 1)
            }
            #expect(share?.contains("4000") == true)
            try await env.transferTokens(asset.assetID, from: owner, to: b.id, units: 100)
            let holders = await expectRPCError(.failedPrecondition) {
                try await env.transferTokens(asset.assetID, from: owner, to: c.id, units: 1)
            }
            #expect(holders?.contains("3") == true)
            // A holder leaving makes room for another.
            try await env.transferTokens(asset.assetID, from: b, to: c.id, units: 100)
            try await env.transferTokens(asset.assetID, from: owner, to: c.id, units: 50)
            let token = try await env.client.getAssetToken(.with { $0.assetID = asset.assetID }, metadata: officer.metadata)
            #expect(token.holders == 3)
            #expect(try await env.count("SELECT sum(units)::int FROM token_holdings") == 1000)
        }
    }

    @Test("officers freeze and unfreeze all or part of a holding; frozen units do not move")
    func freeze() async throws {
        try await withRegistry { env in
            let officer = env.financeOfficer()
            let (owner, asset) = try await env.tokenizedAsset(officer: officer, units: 1000)
            let investor = env.enterprise()
            try await env.addQflpInvestor(investor.id, by: officer)
            func freeze(_ units: Int64, by caller: AssetsEnv.Caller = officer) async throws -> Nomad_Assets_V1_TokenHolding {
                try await env.client.freezeTokenHolder(
                    .with {
                        $0.requestID = requestID()
                        $0.assetID = asset.assetID
                        $0.holderID = owner.id
                        $0.units = units
                        $0.reason = "监管问询"
                    }, metadata: caller.metadata)
            }
            func unfreeze(_ units: Int64, by caller: AssetsEnv.Caller = officer) async throws -> Nomad_Assets_V1_TokenHolding {
                try await env.client.unfreezeTokenHolder(
                    .with {
                        $0.requestID = requestID()
                        $0.assetID = asset.assetID
                        $0.holderID = owner.id
                        $0.units = units
                    }, metadata: caller.metadata)
            }
            #expect(try await freeze(600).frozenUnits == 600)
            await expectRPCError(.failedPrecondition) {
                try await env.transferTokens(asset.assetID, from: owner, to: investor.id, units: 401)
            }
            try await env.transferTokens(asset.assetID, from: owner, to: investor.id, units: 400)
            #expect(try await freeze(0).frozenUnits == 600)
            await expectRPCError(.failedPrecondition) {
                try await env.transferTokens(asset.assetID, from: owner, to: investor.id, units: 1)
            }
            #expect(try await unfreeze(100).frozenUnits == 500)
            await expectRPCError(.failedPrecondition) { _ = try await unfreeze(501) }
            await expectRPCError(.failedPrecondition) { _ = try await freeze(101) }
            #expect(try await unfreeze(0).frozenUnits == 0)
            #expect(try await freeze(0).frozenUnits == 600)

            await expectRPCError(.permissionDenied) { _ = try await freeze(1, by: env.admin()) }
            await expectRPCError(.permissionDenied) { _ = try await unfreeze(1, by: owner) }
            await expectRPCError(.invalidArgument) { _ = try await freeze(-1) }
            await expectRPCError(.notFound) {
                _ = try await env.client.freezeTokenHolder(
                    .with {
                        $0.requestID = requestID()
                        $0.assetID = asset.assetID
                        $0.holderID = UUID().text
                    }, metadata: officer.metadata)
            }
        }
    }

    @Test("a forced transfer needs a legal basis, takes frozen units, and still needs a whitelisted receiver")
    func forcedTransfer() async throws {
        try await withRegistry { env in
            let officer = env.financeOfficer()
            let (owner, asset) = try await env.tokenizedAsset(officer: officer, units: 1000)
            let receiver = env.enterprise(), stranger = env.enterprise()
            try await env.addQflpInvestor(receiver.id, by: officer)
            _ = try await env.client.freezeTokenHolder(
                .with {
                    $0.requestID = requestID()
                    $0.assetID = asset.assetID
                    $0.holderID = owner.id
                }, metadata: officer.metadata)
            func force(
                to: String, units: Int64, basis: String, by caller: AssetsEnv.Caller = officer
            ) async throws -> Nomad_Assets_V1_TokenTransfer {
                try await env.client.forceTransferTokens(
                    .with {
                        $0.requestID = requestID()
                        $0.assetID = asset.assetID
                        $0.fromID = owner.id
                        $0.toID = to
                        $0.units = units
                        $0.legalBasis = basis
                    }, metadata: caller.metadata)
            }
            await expectRPCError(.invalidArgument) { _ = try await force(to: receiver.id, units: 10, basis: "  ") }
            await expectRPCError(.failedPrecondition) { _ = try await force(to: stranger.id, units: 10, basis: "(2026)琼 97 民初 1 号") }
            await expectRPCError(.permissionDenied) { _ = try await force(to: receiver.id, units: 10, basis: "x", by: env.admin()) }
            await expectRPCError(.failedPrecondition) { _ = try await force(to: receiver.id, units: 1001, basis: "x") }

            let moved = try await force(to: receiver.id, units: 250, basis: "(2026)琼 97 民初 1 号判决")
            #expect(moved.forced)
            #expect(moved.fromHolding.units == 750)
            #expect(moved.fromHolding.frozenUnits == 750)
            #expect(moved.toHolding.units == 250)

            let history = try await env.client.listOwnershipHistory(.with { $0.assetID = asset.assetID }, metadata: officer.metadata)
            let last = try #require(history.changes.last)
            #expect(last.kind == "token_forced_transfer")
            #expect(last.legalBasis == "(2026)琼 97 民初 1 号判决")
            let entries = try await env.client.listRegistryEntries(.with { $0.subject = asset.assetID }, metadata: officer.metadata)
            #expect(entries.entries.map(\.kind) == ["asset.registered", "token.issued", "token.frozen", "token.forced_transfer"])
            #expect(entries.entries.last?.payload.contains("民初") == true)
            let payload = try #require(try await env.app.outboxPayloadText(type: "assets.token.transferred", subject: receiver.id))
            #expect(payload.contains("\"forced\": true"))
            #expect(try await env.count("SELECT sum(units)::int FROM token_holdings") == 1000)
        }
    }

    @Test("many transfers at once among a handful of holders: units conserved, none negative, the chain one line")
    func concurrentTransfers() async throws {
        try await withRegistry { env in
            let officer = env.financeOfficer()
            let (owner, asset) = try await env.tokenizedAsset(officer: officer, units: 10_000)
            let holders = [owner] + (0..<5).map { _ in env.nomad() }
            for holder in holders.dropFirst() {
                try await env.addQflpInvestor(holder.id, by: officer)
                try await env.transferTokens(asset.assetID, from: owner, to: holder.id, units: 1_000)
            }
            let before = try await env.count("SELECT count(*)::int FROM registry_entries")
            // 150 transfers of 1 to 400 units between random pairs; some overdraw and are refused.
            let outcomes = await concurrentOutcomes(
                (0..<150).compactMap { index in
                    let from = holders[index % holders.count]
                    let to = holders[(index * 7 + 1) % holders.count]
                    guard from.id != to.id else { return nil }
                    let units = Int64(1 + (index * 37) % 400)
                    return { try await env.transferTokens(asset.assetID, from: from, to: to.id, units: units) }
                })
            let succeeded = outcomes.filter { $0 == nil }.count
            #expect(succeeded > 0)
            #expect(outcomes.compactMap { $0 }.allSatisfy { $0 == .failedPrecondition })
            #expect(try await env.count("SELECT sum(units)::int FROM token_holdings") == 10_000)
            #expect(try await env.count("SELECT count(*)::int FROM token_holdings WHERE units < 0 OR frozen_units > units") == 0)
            #expect(try await env.count("SELECT count(*)::int FROM registry_entries") == before + succeeded)
            #expect(try await env.count("SELECT count(*)::int FROM ownership_changes WHERE kind = 'token_transferred'") == 5 + succeeded)
            let verified = try await env.verifyRegistry(by: officer)
            #expect(verified.ok, "\(verified.reason)")
        }
    }
}
