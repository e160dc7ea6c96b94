import Foundation
@testable import Assets
import NomadKit
import Testing

/// The registry's pure rules, without a server.
@Suite("registry rules")
struct RegistryRulesTests {
    @Test("token transfers: unfrozen units, share cap on the receiver, holder cap counting joins and leaves")
    func transferRules() throws {
        let caps = TokenRules.Caps(maxHolders: 2, maxHolderShareBP: 5_000)
        let sender = TokenRules.Holding(units: 600, frozen: 200)
        try TokenRules.checkTransfer(units: 400, sender: sender, receiver: nil, total: 1000, holders: 1, caps: caps, forced: false)
        #expect(throws: NomadError.self) {
            try TokenRules.checkTransfer(units: 401, sender: sender, receiver: nil, total: 1000, holders: 1, caps: caps, forced: false)
        }
        // Forced transfers may take frozen units.
        try TokenRules.checkTransfer(
            units: 500, sender: sender, receiver: nil, total: 1000, holders: 1, caps: caps, forced: true)
        // 5,000 bp is allowed, one unit more is not.
        try TokenRules.checkTransfer(
            units: 100, sender: sender, receiver: .init(units: 400, frozen: 0), total: 1000, holders: 2, caps: caps, forced: false)
        #expect(throws: NomadError.self) {
            try TokenRules.checkTransfer(
                units: 101, sender: sender, receiver: .init(units: 400, frozen: 0), total: 1000, holders: 2, caps: caps,
                forced: false)
        }
        // A third holder is refused, unless the sender leaves at the same time.
        #expect(throws: NomadError.self) {
            try TokenRules.checkTransfer(units: 10, sender: sender, receiver: nil, total: 1000, holders: 2, caps: caps, forced: false)
        }
        try TokenRules.checkTransfer(
            units: 400, sender: .init(units: 400, frozen: 0), receiver: nil, total: 1000, holders: 2, caps: caps, forced: false)
    }

    @Test("freezing and unfreezing arithmetic")
    func freezing() throws {
        let holding = TokenRules.Holding(units: 100, frozen: 30)
        #expect(try TokenRules.frozenAfterFreeze(holding, units: 0) == 100)
        #expect(try TokenRules.frozenAfterFreeze(holding, units: 70) == 100)
        #expect(throws: NomadError.self) { try TokenRules.frozenAfterFreeze(holding, units: 71) }
        #expect(try TokenRules.frozenAfterUnfreeze(holding, units: 0) == 0)
        #expect(try TokenRules.frozenAfterUnfreeze(holding, units: 10) == 20)
        #expect(throws: NomadError.self) { try TokenRules.frozenAfterUnfreeze(holding, units: 31) }
    }

    @Test("whitelist expiry includes its last day")
    func qualification() {
        let today = ZoneDay.today()
        #expect(TokenRules.qualified(expiresOn: today, today: today))
        #expect(!TokenRules.qualified(expiresOn: today.adding(days: -1), today: today))
        #expect(!TokenRules.qualified(expiresOn: nil, today: today))
    }

    @Test("bubble findings: beyond the threshold only, moving average only with a full window")
    func bubble() {
        let settings = BubbleSettings(thresholdPercent: 30, window: 3)
        #expect(BubbleRules.findings(price: 1_300, valuationUnitValue: 1_000, previous: [], settings: settings).isEmpty)
        #expect(BubbleRules.findings(price: 1_301, valuationUnitValue: 1_000, previous: [], settings: settings).map(\.kind) == [.valuation])
        #expect(BubbleRules.findings(price: 600, valuationUnitValue: 1_000, previous: [], settings: settings).first?.deviationBP == -4_000)
        #expect(BubbleRules.findings(price: 5_000, valuationUnitValue: nil, previous: [1_000, 1_000], settings: settings).isEmpty)
        let average = BubbleRules.findings(
            price: 5_000, valuationUnitValue: nil, previous: [1_000, 1_000, 1_000, 9_999], settings: settings)
        #expect(average == [.init(kind: .movingAverage, referenceUnitPrice: 1_000, deviationBP: 40_000)])
    }

    @Test("shares and parts round down and never overflow")
    func shares() {
        #expect(DataAssetRules.shareBP(1, of: 3) == 3_333)
        #expect(DataAssetRules.part(1_000_000_000_000_000, units: 999_999_999_999, total: 1_000_000_000_000) == 999_999_999_999_000)
        #expect(DataAssetRules.part(2_000_000, units: 30, total: 100) == 600_000)
    }

    @Test("the chain verifier names the first broken link")
    func verifier() {
        var links: [RegistryChain.Link] = []
        var prev = RegistryChain.genesis
        for seq in 1...4 {
            let payload = RegistryChain.canonicalPayload(["seq": "\(seq)", "b": "x", "a": "y"])
            let hash = RegistryChain.hash(prev: prev, payload: payload)
            links.append(.init(seq: Int64(seq), payload: payload, prevHash: prev, hash: hash))
            prev = hash
        }
        #expect(links[0].payload == #"{"a":"y","b":"x","seq":"1"}"#)
        var clean = RegistryChain.Verifier()
        #expect(links.compactMap { clean.check($0) }.isEmpty)
        #expect(clean.finish(headSeq: 4, headHash: prev) == nil)
        #expect(clean.finish(headSeq: 5, headHash: prev)?.seq == 5)

        var tampered = links
        tampered[2].payload = tampered[2].payload.replacingOccurrences(of: "x", with: "z")
        var verifier = RegistryChain.Verifier()
        var firstBreak: RegistryChain.Break?
        for link in tampered where firstBreak == nil { firstBreak = verifier.check(link) }
        #expect(firstBreak?.seq == 3)
        #expect(verifier.checked == 2)
    }
}
