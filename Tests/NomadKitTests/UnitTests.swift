import Foundation
import GRPCCore
@testable import NomadKit
import Testing

@Suite struct LanguageTests {
    // "de" changed deliberately from zh-CN to en: a caller asking only for
    // languages the services lack now gets English (issue 16); no header at
    // all still gets the reference language, zh-CN.
    @Test(arguments: [
        ("zh-CN", Language.zhCN), ("en", .en), ("en-US,en;q=0.9", .en), ("zh-TW", .zhCN),
        ("fr-FR, en;q=0.5", .en), ("en;q=0.2, zh;q=0.8", .zhCN), ("", .zhCN), ("de", .en),
        ("ru", .en), ("ar", .en), ("ru-RU,ru;q=0.9", .en), ("ar-EG, de;q=0.5", .en), ("ru, zh;q=0.1", .zhCN),
        ("zh;q=0", .en), ("*", .zhCN), ("de, *;q=0.5", .en), ("  ", .zhCN),
    ])
    func negotiates(header: String, expected: Language) {
        #expect(Language.negotiate(header) == expected)
    }

    @Test func noHeaderAtAllIsTheReferenceLanguage() {
        #expect(Language.negotiate(nil) == .zhCN)
    }
}

@Suite struct AnonymousRateLimiterTests {
    @Test func aBucketAllowsItsBurstThenRefillsAtItsRate() {
        let limiter = AnonymousRateLimiter(.init(ratePerSecond: 2, burst: 4))
        let start = ContinuousClock.now
        #expect((0..<6).map { _ in limiter.admit("a", now: start) } == [true, true, true, true, false, false])
        // Another address has its own bucket.
        #expect(limiter.admit("b", now: start))
        // Half a second refills one call; two seconds refill the burst, no more.
        #expect(limiter.admit("a", now: start + .milliseconds(500)))
        #expect(!limiter.admit("a", now: start + .milliseconds(500)))
        let later = start + .seconds(60)
        #expect((0..<5).map { _ in limiter.admit("a", now: later) } == [true, true, true, true, false])
    }

    @Test func zeroRateTurnsTheLimitOff() {
        let limiter = AnonymousRateLimiter(.init(ratePerSecond: 0, burst: 1))
        #expect(!limiter.isEnabled)
        #expect((0..<1000).allSatisfy { _ in limiter.admit("a") })
    }

    @Test func manyAddressesDoNotGrowItWithoutEnd() {
        let limiter = AnonymousRateLimiter(.init(ratePerSecond: 1, burst: 1), capacity: 100)
        let start = ContinuousClock.now
        for index in 0..<1000 { _ = limiter.admit("10.0.\(index / 256).\(index % 256)", now: start) }
        #expect(limiter.trackedAddresses <= 100)
    }

    @Test func keysAreThePeersAddressOrATrustedForwardersClient() {
        let plain = AnonymousRateLimiter(.defaults)
        var forwarded: Metadata = [:]
        forwarded.addString("198.51.100.4, 192.0.2.1", forKey: "x-forwarded-for")
        #expect(plain.key(remotePeer: "ipv4:127.0.0.1:50123", metadata: [:]) == "127.0.0.1")
        #expect(plain.key(remotePeer: "ipv6:[::1]:50123", metadata: [:]) == "::1")
        #expect(plain.key(remotePeer: "unix:/tmp/s", metadata: [:]) == "unix:/tmp/s")
        // An untrusted peer's header is ignored.
        #expect(plain.key(remotePeer: "ipv4:127.0.0.1:50123", metadata: forwarded) == "127.0.0.1")
        let behindPortal = AnonymousRateLimiter(.init(trustedForwarders: ["10.0.0.5"]))
        #expect(behindPortal.key(remotePeer: "ipv4:10.0.0.5:40000", metadata: forwarded) == "192.0.2.1")
        #expect(behindPortal.key(remotePeer: "ipv4:10.0.0.6:40000", metadata: forwarded) == "10.0.0.6")
        var junk: Metadata = [:]
        junk.addString("<script>", forKey: "x-forwarded-for")
        #expect(behindPortal.key(remotePeer: "ipv4:10.0.0.5:40000", metadata: junk) == "10.0.0.5")
        // A network: the portal's container or pod gets a new address on every start.
        let behindNetwork = AnonymousRateLimiter(.init(trustedForwarders: ["10.89.0.0/24", "fd00::/8"]))
        #expect(behindNetwork.key(remotePeer: "ipv4:10.89.0.17:40000", metadata: forwarded) == "192.0.2.1")
        #expect(behindNetwork.key(remotePeer: "ipv4:10.89.1.17:40000", metadata: forwarded) == "10.89.1.17")
        #expect(behindNetwork.key(remotePeer: "ipv6:[fd12::5]:40000", metadata: forwarded) == "192.0.2.1")
        #expect(behindNetwork.key(remotePeer: "ipv6:[fe80::5]:40000", metadata: forwarded) == "fe80::5")
    }

    @Test func addressRangesMatchByPrefix() {
        let network = AddressRange("10.89.0.0/16")
        #expect(network?.contains("10.89.255.1") == true)
        #expect(network?.contains("10.90.0.1") == false)
        #expect(network?.contains("::ffff:10.89.0.1") == false)
        #expect(AddressRange("10.89.3.7/16") == network)
        #expect(AddressRange("0.0.0.0/0")?.contains("203.0.113.9") == true)
        #expect(AddressRange("::1")?.contains("::1") == true)
        #expect(AddressRange("::1")?.contains("127.0.0.1") == false)
        #expect(AddressRange("2001:db8::/33")?.contains("2001:db8:7fff::1") == true)
        #expect(AddressRange("2001:db8::/33")?.contains("2001:db8:8000::1") == false)
        for bad in ["portal", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/8/8", "10.0.0.0/-1", "10.0.0.0/+8", "", "/8"] {
            #expect(AddressRange(bad) == nil, "\(bad)")
        }
    }

    @Test func settingsComeFromTheEnvironment() throws {
        let defaults = try NomadConfig.anonymousRate(Environment([:]))
        #expect(defaults == .init(ratePerSecond: 50, burst: 100, trustedForwarders: []))
        let set = try NomadConfig.anonymousRate(
            Environment([
                "NOMAD_ANONYMOUS_RATE_PER_SECOND": "200", "NOMAD_TRUSTED_FORWARDERS": "10.0.0.5, ::1",
            ]))
        #expect(set == .init(ratePerSecond: 200, burst: 400, trustedForwarders: ["10.0.0.5", "::1"]))
        #expect(throws: ConfigError.self) { try NomadConfig.anonymousRate(Environment(["NOMAD_TRUSTED_FORWARDERS": "portal"])) }
        #expect(throws: ConfigError.self) { try NomadConfig.anonymousRate(Environment(["NOMAD_TRUSTED_FORWARDERS": "10.0.0.0/40"])) }
        let network = try NomadConfig.anonymousRate(Environment(["NOMAD_TRUSTED_FORWARDERS": "10.89.0.0/24"]))
        #expect(network.trustedForwarders == ["10.89.0.0/24"])
        #expect(throws: ConfigError.self) { try NomadConfig.anonymousRate(Environment(["NOMAD_ANONYMOUS_RATE_PER_SECOND": "-1"])) }
    }
}

@Suite struct PageTests {
    @Test func tokensRoundTripAndForgedOnesAreRefused() throws {
        let first = try Page(size: 10, token: "")
        #expect(first.limit == 10 && first.offset == 0)
        let next = first.nextToken(fetched: 11)
        #expect(try Page(size: 10, token: next).offset == 10)
        #expect(first.nextToken(fetched: 10).isEmpty)
        #expect(try Page(size: 500, token: "").limit == Page.maxSize)
        #expect(throws: NomadError.self) { try Page(size: -1, token: "") }
        #expect(throws: NomadError.self) { try Page(size: 10, token: "bogus!") }
        #expect(throws: NomadError.self) { try Page(size: 10, token: Base64URL.encode(Data("o:-5".utf8))) }
    }
}

@Suite struct TokenTests {
    let key = SigningKey.generate(keyID: "k1")

    @Test func signingKeyEncodingRoundTrips() throws {
        let decoded = try SigningKey(encoded: key.encoded)
        #expect(decoded.keyID == "k1")
        #expect(decoded.verificationKey.rawPublicKey == key.verificationKey.rawPublicKey)
        #expect(try VerificationKey(encoded: key.verificationKey.encoded).rawPublicKey == key.verificationKey.rawPublicKey)
        #expect(throws: ConfigError.self) { try SigningKey(encoded: "k1:short") }
    }

    @Test func verifiesWithThePublicKeyAloneAndChecksType() throws {
        let tokens = AccessTokens(issuer: "i", audience: "a", keys: KeyRing(signingKey: key, verificationKeys: []))
        let officer = Principal(accountID: UUID(), role: .officer, department: "talent")
        let token = try tokens.issue(for: officer, lifetime: 60).token
        let verifier = AccessTokens(issuer: "i", audience: "a", keys: KeyRing(signingKey: nil, verificationKeys: [key.verificationKey]))
        #expect(try verifier.verify(token) == officer)
        #expect(throws: TokenError.wrongIssuer) {
            try AccessTokens(issuer: "x", audience: "a", keys: verifier.keys).verify(token)
        }
        // A card QR payload is signed by the same key but is not an access token.
        let qr = try CardQR.sign(CardQRClaims(card: "1", sub: "s", iat: 0, exp: Int64(Date().timeIntervalSince1970) + 60), with: key)
        #expect(throws: TokenError.wrongType) { try verifier.verify(qr) }
        #expect(try CardQR.verify(qr, keys: verifier.keys).card == "1")
    }

    /// Other services learn a nomad's standing from the token alone; only
    /// nomads carry one.
    @Test func aNomadsStandingTravelsInTheTokenAndNobodyElseHasOne() throws {
        let tokens = AccessTokens(issuer: "i", audience: "a", keys: KeyRing(signingKey: key, verificationKeys: []))
        for standing in NomadStanding.allCases {
            let nomad = Principal(accountID: UUID(), role: .nomad, standing: standing)
            #expect(try tokens.verify(try tokens.issue(for: nomad, lifetime: 60).token).standing == standing)
        }
        let enterprise = Principal(accountID: UUID(), role: .enterprise, standing: .settled)
        #expect(enterprise.standing == nil)
        #expect(try tokens.verify(try tokens.issue(for: enterprise, lifetime: 60).token).standing == nil)
    }

    /// Jobs learns a foreign nomad's permit cover from the token; only
    /// foreign nomads carry one.
    @Test func aForeignNomadsPermitCoverTravelsInTheToken() throws {
        let tokens = AccessTokens(issuer: "i", audience: "a", keys: KeyRing(signingKey: key, verificationKeys: []))
        let until = ZoneDay.today().adding(months: 6)
        for cover in [until, nil] {
            let nomad = Principal(accountID: UUID(), role: .nomad, standing: .certified, foreign: true, workPermitUntil: cover)
            let verified = try tokens.verify(try tokens.issue(for: nomad, lifetime: 60).token)
            #expect(verified.foreign && verified.workPermitUntil == cover)
        }
        let domestic = try tokens.verify(try tokens.issue(for: Principal(accountID: UUID(), role: .nomad), lifetime: 60).token)
        #expect(!domestic.foreign && domestic.workPermitUntil == nil)
        let enterprise = Principal(accountID: UUID(), role: .enterprise, foreign: true, workPermitUntil: until)
        #expect(!enterprise.foreign && enterprise.workPermitUntil == nil)
    }
}

@Suite struct StatusNameTests {
    @Test func codesAreNamedAsGRPCSpellsThem() {
        #expect(RPCError.Code.invalidArgument.statusName == "INVALID_ARGUMENT")
        #expect(RPCError.Code.failedPrecondition.statusName == "FAILED_PRECONDITION")
        #expect(RPCError.Code.internalError.statusName == "INTERNAL")
        #expect(RPCError.Code.unavailable.statusName == "UNAVAILABLE")
    }
}

@Suite struct JSONLogTests {
    @Test func linesAreJSONWithTheRequestID() throws {
        let sink = LineSink()
        let handler = JSONLogHandler(label: "t", service: "svc", level: .info, output: { sink.append($0) })
        var logger = Logging.Logger(label: "t", factory: { _ in handler })
        logger.logLevel = .info
        RequestContext.$current.withValue(RequestContext(correlationID: "req-42", language: .en)) {
            logger.info("hello", metadata: ["method": "X"])
        }
        logger.debug("hidden")
        let lines = sink.lines
        #expect(lines.count == 1)
        let object = try JSONSerialization.jsonObject(with: lines[0]) as? [String: Any]
        #expect(object?["correlation_id"] as? String == "req-42")
        #expect(object?["msg"] as? String == "hello")
        #expect(object?["service"] as? String == "svc")
        #expect(object?["method"] as? String == "X")
    }
}

import Logging
import Synchronization

final class LineSink: Sendable {
    private let storage = Mutex<[Data]>([])
    func append(_ data: Data) { storage.withLock { $0.append(data) } }
    var lines: [Data] { storage.withLock { $0 } }
}

@Suite struct Base64URLTests {
    @Test func roundTripsEveryLengthAndRefusesWhatIsNotBase64URL() {
        for length in 0..<40 {
            let bytes = Data((0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
            let text = Base64URL.encode(bytes)
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
            #expect(
                text
                    == Data(bytes).base64EncodedString()
                    .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                    .replacingOccurrences(of: "=", with: ""))
            #expect(Base64URL.decode(text) == bytes)
        }
        #expect(Base64URL.decode("ab+/") == nil)
        #expect(Base64URL.decode("abc=") == nil)
        #expect(Base64URL.decode("a") == nil)
        #expect(Base64URL.decode("ab c") == nil)
        // Non-zero leftover bits would let two texts stand for one value.
        #expect(Base64URL.decode("QQ") == Data("A".utf8))
        #expect(Base64URL.decode("QR") == nil)
    }
}

@Suite struct VerifiedTokensTests {
    @Test func forgetsATokenOnceItExpires() {
        let cache = VerifiedTokens()
        let principal = Principal(accountID: UUID(), role: .nomad)
        let now = Date()
        cache.store("t1", VerifiedToken(principal: principal, issuedAt: now, until: now.addingTimeInterval(10), grant: nil))
        #expect(cache.lookup("t1", now: now)?.principal == principal)
        #expect(cache.lookup("t1", now: now.addingTimeInterval(11)) == nil)
        #expect(cache.lookup("t1", now: now) == nil)
        #expect(cache.lookup("t2", now: now) == nil)
    }
}
