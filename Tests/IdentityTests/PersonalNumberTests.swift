import Foundation
import GRPCCore
@testable import Identity
import Logging
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

/// Passport, resident ID and card numbers at rest: only keyed hashes, sealed
/// copies and masked forms are stored, read back with SQL as an attacker
/// holding a backup would; lookups by number still work.
@Suite struct PersonalNumberTests {
    static let logger = Logger(label: "identity-tests.personal-numbers")

    /// Every row of `table` as text, bytea columns as PostgreSQL prints them (hex).
    static func dump(_ env: IdentityEnv, _ table: String) async throws -> String {
        try await env.app.withSchemaConnection { tx in
            var text = ""
            for try await row in try await tx.query(
                PostgresQuery(unsafeSQL: "SELECT row_to_json(t)::text FROM \(table) t")
            ).decode(String.self) { text += row + "\n" }
            return text
        }
    }

    /// The number as text and as the hex PostgreSQL would print its bytes in a bytea.
    static func leaks(_ number: String, in text: String) -> Bool {
        let hex = number.utf8.map { String(format: "%02x", $0) }.joined()
        return text.contains(number) || text.lowercased().contains(hex)
    }

    func certify(_ env: IdentityEnv, _ token: String) async throws {
        let application = try await env.client.applyCertification(
            .with {
                $0.requestID = UUID().uuidString
                $0.evidence = IdentityEnv.goodEvidence()
            }, metadata: callMetadata(token: token))
        _ = try await env.client.decideCertification(
            .with {
                $0.requestID = UUID().uuidString
                $0.id = application.id
                $0.decision = .approve
            }, metadata: callMetadata(token: env.officer("talent")))
    }

    @Test func documentAndCardNumbersAreStoredOnlyAsHashesAndSealedCopies() async throws {
        try await withIdentity { env in
            let passport = "E\(Int.random(in: 10_000_000...99_999_999))"
            let residentID = IdentityEnv.residentID()
            let foreign = try await env.registerNomad(documentNumber: passport)
            _ = try await env.registerNomad(nationality: "CN", documentType: .residentID, documentNumber: residentID)
            #expect(foreign.nomad.documentNumberMasked == Masking.documentNumber(passport))
            let token = TestKeys.token(for: Principal(accountID: UUID(uuidString: foreign.id)!, role: .nomad))
            try await certify(env, token)
            let card = try await env.client.getCard(.init(), metadata: callMetadata(token: token))
            #expect(CardNumber.isValid(card.number))

            // A stored idempotent response that holds the full number.
            let suspend = Nomad_Identity_V1_SetCardStatusRequest.with {
                $0.requestID = UUID().uuidString
                $0.cardNumber = card.number
                $0.status = .suspended
                $0.reason = "lost"
            }
            let talent = env.officer("talent")
            let suspended = try await env.client.setCardStatus(suspend, metadata: callMetadata(token: talent))
            #expect(suspended.number == card.number && suspended.status == .suspended)
            // The retry opens the sealed response and answers the same.
            #expect(try await env.client.setCardStatus(suspend, metadata: callMetadata(token: talent)) == suspended)

            let accounts = try await Self.dump(env, "accounts")
            let cards = try await Self.dump(env, "cards")
            let responses = try await Self.dump(env, "idempotency_keys")
            let audit = try await Self.dump(env, "audit_log")
            for number in [passport, residentID] {
                #expect(!Self.leaks(number, in: accounts) && !Self.leaks(number, in: responses))
            }
            #expect(accounts.contains("document_hash") && !cards.isEmpty)
            for text in [accounts, cards, responses, audit] { #expect(!Self.leaks(card.number, in: text)) }

            // Lookups by number go through the hash: the QR's card is found, the
            // officer's number finds the card.
            _ = try await env.client.setCardStatus(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.cardNumber = card.number
                    $0.status = .active
                    $0.reason = "found"
                }, metadata: callMetadata(token: talent))
            let qr = try await env.client.issueCardQr(.init(), metadata: callMetadata(token: token))
            let verified = try await env.client.verifyCard(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.qrPayload = qr.payload
                }, metadata: callMetadata(token: talent))
            #expect(verified.valid && verified.card.holderID == foreign.id)
        }
    }

    @Test func aDuplicatePassportIsRefusedWithoutNamingTheNumber() async throws {
        try await withIdentity { env in
            let passport = "G\(Int.random(in: 10_000_000...99_999_999))"
            _ = try await env.registerNomad(documentNumber: passport)
            for language in ["en", "zh-CN"] {
                do {
                    _ = try await env.registerNomad(documentNumber: passport, language: language)
                    Issue.record("a second registration with the same passport was accepted")
                } catch let error as RPCError {
                    #expect(error.code == .alreadyExists)
                    #expect(!error.message.contains(passport) && !error.message.isEmpty)
                }
            }
        }
    }

    @Test func plaintextRowsFromBeforeTheMigrationAreSealedAtStartUp() async throws {
        try await withIdentity { env in
            let account = try await env.registerNomad()
            let token = TestKeys.token(for: Principal(accountID: UUID(uuidString: account.id)!, role: .nomad))
            try await certify(env, token)
            let card = try await env.client.getCard(.init(), metadata: callMetadata(token: token))
            let passport = "K\(Int.random(in: 10_000_000...99_999_999))"
            // Put the rows back as release 2 wrote them (the checks refuse that now).
            try await env.app.withSchemaConnection { tx in
                try await tx.query("ALTER TABLE accounts DROP CONSTRAINT accounts_no_plain_document")
                try await tx.query("ALTER TABLE cards DROP CONSTRAINT cards_no_plain_number")
                try await tx.query(
                    """
                    UPDATE accounts SET document_number = \(passport), document_hash = NULL, document_sealed = NULL,
                      document_masked = NULL WHERE id = \(UUID(uuidString: account.id)!)
                    """)
                try await tx.query(
                    """
                    UPDATE cards SET number = \(card.number), number_hash = NULL, number_sealed = NULL
                    WHERE holder_id = \(UUID(uuidString: account.id)!)
                    """)
            }
            #expect(Self.leaks(passport, in: try await Self.dump(env, "accounts")))

            try await LegacyNumberStore.sealAll(env.app.app.database, protection: TestKeys.data, logger: TestApp.sqlLogger)

            #expect(!Self.leaks(passport, in: try await Self.dump(env, "accounts")))
            #expect(!Self.leaks(card.number, in: try await Self.dump(env, "cards")))
            #expect(try await env.client.getCard(.init(), metadata: callMetadata(token: token)).number == card.number)
            let profile = try await env.client.getAccount(.init(), metadata: callMetadata(token: token))
            #expect(profile.nomad.documentNumberMasked == Masking.documentNumber(passport))
            await expectRPCError(.alreadyExists) { _ = try await env.registerNomad(documentNumber: passport) }
        }
    }

    @Test func aNewDataKeyResealsOldCopiesSoTheOldKeyCanRetire() async throws {
        try await withIdentity { env in
            let account = try await env.registerNomad()
            let holder = UUID(uuidString: account.id)!
            let token = TestKeys.token(for: Principal(accountID: holder, role: .nomad))
            try await certify(env, token)
            let card = try await env.client.getCard(.init(), metadata: callMetadata(token: token))

            let newKey = DataKey.generate(id: "test-data-2")
            let rotating = try DataProtection(keys: [newKey, TestKeys.dataKey], hashKey: Base64URL.decode(TestKeys.dataHashKey)!)
            try await LegacyNumberStore.resealStale(env.app.app.database, protection: rotating, logger: TestApp.sqlLogger)

            let retired = try DataProtection(keys: [newKey], hashKey: Base64URL.decode(TestKeys.dataHashKey)!)
            let (document, number) = try await env.app.withSchemaConnection { tx in
                let document = try await tx.query(
                    "SELECT document_sealed FROM accounts WHERE id = \(holder)"
                ).collect().first!.decode(Data.self)
                let number = try await tx.query(
                    "SELECT number_sealed FROM cards WHERE holder_id = \(holder)"
                ).collect().first!.decode(Data.self)
                return (document, number)
            }
            #expect(DataProtection.keyID(of: document) == "test-data-2" && DataProtection.keyID(of: number) == "test-data-2")
            #expect(try retired.open(number, purpose: PersonalNumbers.cardPurpose) == card.number)
            #expect(throws: DataProtectionError.unknownKey("test-data-2")) {
                _ = try TestKeys.data.open(number, purpose: PersonalNumbers.cardPurpose)
            }
        }
    }

    @Test func officersSeeTheFullCardNumberOnlyInTheCardDepartments() async throws {
        try await withIdentity { env in
            let account = try await env.registerNomad()
            let token = TestKeys.token(for: Principal(accountID: UUID(uuidString: account.id)!, role: .nomad))
            try await certify(env, token)
            let own = try await env.client.getCard(.init(), metadata: callMetadata(token: token))
            #expect(CardNumber.isValid(own.number))
            let request = Nomad_Identity_V1_GetCardRequest.with { $0.holderID = account.id }
            for department in ["talent", "science_industry"] {
                let card = try await env.client.getCard(request, metadata: callMetadata(token: env.officer(department)))
                #expect(card.number == own.number)
            }
            for department in ["housing", "community", "exit_entry"] {
                let card = try await env.client.getCard(request, metadata: callMetadata(token: env.officer(department)))
                #expect(card.number == Masking.cardNumber(own.number) && card.number != own.number)
                #expect(card.number.hasPrefix("4604") && card.number.hasSuffix(String(own.number.suffix(4))))
                #expect(card.number.count == own.number.count && card.holderID == account.id && card.status == .active)
            }
            // A desk scanning the QR learns the card is valid, not its number.
            let qr = try await env.client.issueCardQr(.init(), metadata: callMetadata(token: token))
            let verified = try await env.client.verifyCard(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.qrPayload = qr.payload
                }, metadata: callMetadata(token: env.officer("community")))
            #expect(verified.valid && verified.card.number == Masking.cardNumber(own.number))
        }
    }
}
