import Crypto
import Foundation
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import Testing

@Suite struct DataProtectionTests {
    static let hashKey = Data(repeating: 7, count: 32)

    @Test func sealedNumbersOpenOnlyWithTheirKeyAndPurpose() throws {
        let old = DataKey.generate(id: "k1"), new = DataKey.generate(id: "k2")
        let before = try DataProtection(keys: [old], hashKey: Self.hashKey)
        let rotating = try DataProtection(keys: [new, old], hashKey: Self.hashKey)
        let sealed = try before.seal("E12345678", purpose: "accounts.document")
        #expect(DataProtection.keyID(of: sealed) == "k1" && sealed.range(of: Data("E12345678".utf8)) == nil)
        // Two seals of one number differ (random nonce); both open.
        #expect(try before.seal("E12345678", purpose: "accounts.document") != sealed)
        // During a rotation the old key still opens; the new one seals.
        #expect(try rotating.open(sealed, purpose: "accounts.document") == "E12345678")
        #expect(try !rotating.isCurrent(sealed) && rotating.isCurrent(rotating.seal("x", purpose: "p")))
        // Another column's purpose, an altered byte, a retired key: refused, never garbage.
        #expect(throws: DataProtectionError.corrupt) { _ = try before.open(sealed, purpose: "cards.number") }
        var altered = sealed
        altered[altered.count - 1] ^= 1
        #expect(throws: DataProtectionError.corrupt) { _ = try before.open(altered, purpose: "accounts.document") }
        let retired = try DataProtection(keys: [new], hashKey: Self.hashKey)
        #expect(throws: DataProtectionError.unknownKey("k1")) { _ = try retired.open(sealed, purpose: "accounts.document") }
        #expect(throws: DataProtectionError.corrupt) { _ = try before.open(Data([1, 2]), purpose: "p") }
    }

    @Test func hashesAreKeyedAndSeparatedByPurpose() throws {
        let a = try DataProtection(keys: [.generate(id: "a")], hashKey: Self.hashKey)
        let b = try DataProtection(keys: [.generate(id: "b")], hashKey: Data(repeating: 8, count: 32))
        #expect(a.hash("4604", purpose: "card") == a.hash("4604", purpose: "card"))
        #expect(a.hash("4604", purpose: "card") != a.hash("4604", purpose: "document"))
        #expect(a.hash("4604", purpose: "card") != b.hash("4604", purpose: "card"))
        #expect(a.hash("4604", purpose: "card") != Data(SHA256.hash(data: Data("4604".utf8))))
    }

    @Test func keysComeFromTheEnvironmentNewestFirst() throws {
        let k1 = DataKey.generate(id: "k1"), k2 = DataKey.generate(id: "k2")
        let hash = DataProtection.generateHashKey()
        let protection = try #require(
            try DataProtection.fromEnvironment(
                Environment([
                    "NOMAD_DATA_KEYS": "\(k2.encoded), \(k1.encoded)", "NOMAD_DATA_HASH_KEY": hash,
                ])))
        #expect(protection.keys.map(\.id) == ["k2", "k1"] && protection.currentKeyID == "k2")
        #expect(try DataProtection.fromEnvironment(Environment([:])) == nil)
        // Standard base64 (openssl rand -base64 32) is accepted as well.
        let standard = Data(repeating: 0xfb, count: 32).base64EncodedString()
        #expect(
            try DataProtection.fromEnvironment(
                Environment([
                    "NOMAD_DATA_KEYS": "ops-1:\(standard)", "NOMAD_DATA_HASH_KEY": standard,
                ]))?.currentKeyID == "ops-1")
        for bad in [
            ["NOMAD_DATA_KEYS": k1.encoded],
            ["NOMAD_DATA_HASH_KEY": hash],
            ["NOMAD_DATA_KEYS": "k1:short", "NOMAD_DATA_HASH_KEY": hash],
            ["NOMAD_DATA_KEYS": "\(k1.encoded),\(k1.encoded)", "NOMAD_DATA_HASH_KEY": hash],
            ["NOMAD_DATA_KEYS": k1.encoded, "NOMAD_DATA_HASH_KEY": "c2hvcnQ"],
            ["NOMAD_DATA_KEYS": "no key id", "NOMAD_DATA_HASH_KEY": hash],
        ] {
            #expect(throws: ConfigError.self) { _ = try DataProtection.fromEnvironment(Environment(bad)) }
        }
    }
}

@Suite struct SealedIdempotencyTests {
    @Test func storedResponsesAreSealedAndARetryStillGetsTheFirstAnswer() async throws {
        try await withTestApp(EchoTestService.definition) { app in
            let client = EchoClient(wrapping: app.client)
            let token = TestKeys.token(for: Principal(accountID: UUID(), role: .nomad))
            let requestID = UUID().uuidString
            let first = try await echo(client, "4604000000000018", token: token, requestID: requestID)
            let stored = try await app.app.database.read { tx in
                try await tx.query(
                    "SELECT response FROM idempotency_keys WHERE request_id = \(requestID)"
                ).collect().first!.decode(Data.self)
            }
            #expect(DataProtection.keyID(of: stored) == TestKeys.dataKey.id)
            #expect(stored.range(of: Data("4604000000000018".utf8)) == nil)
            #expect(try await echo(client, "4604000000000018", token: token, requestID: requestID) == first)
        }
    }
}
