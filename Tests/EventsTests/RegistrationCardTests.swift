import Foundation
import GRPCCore
@testable import Events
import Logging
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

/// RegisterForEvent binds a ticket to a card only when the caller shows their
/// own card's QR, and the card number is kept only as a keyed hash.
@Suite struct RegistrationCardTests {
    static let logger = Logger(label: "events-tests.registration-card")

    static func dump(_ env: EventsEnv, _ table: String) async throws -> String {
        try await env.app.withSchemaConnection { tx in
            var text = ""
            for try await row in try await tx.query(
                PostgresQuery(unsafeSQL: "SELECT row_to_json(t)::text FROM \(table) t")
            ).decode(String.self) { text += row + "\n" }
            return text
        }
    }

    static func leaks(_ number: String, in text: String) -> Bool {
        let hex = number.utf8.map { String(format: "%02x", $0) }.joined()
        return text.contains(number) || text.lowercased().contains(hex)
    }

    @Test func registeringWithAnotherNomadsCardOrABareNumberIsRefused() async throws {
        try await withEvents { env in
            let event = try await env.publishedEvent(by: env.enterprise())
            let nomad = env.nomad(), other = env.nomad()
            // Another nomad's QR: PERMISSION_DENIED, in both languages.
            let theirs = EventsEnv.cardQR(for: other, card: "4604000000000018")
            await expectRPCError(.permissionDenied) { _ = try await env.registerForEvent(nomad, for: event, cardQR: theirs) }
            // A typed number proves nothing about whose card it is.
            await expectRPCError(.invalidArgument) { _ = try await env.registerForEvent(nomad, for: event, cardNumber: "4604000000000018") }
            // Expired (as for an expired card: identity never signs past the card's expiry) and forged QRs.
            await expectRPCError(.invalidArgument) {
                _ = try await env.registerForEvent(nomad, for: event, cardQR: EventsEnv.cardQR(for: nomad, lifetime: -60))
            }
            let forged = try CardQR.sign(
                CardQRClaims(card: "4604000000000026", sub: nomad.id, iat: 0, exp: Int64(Date().timeIntervalSince1970 + 60)),
                with: SigningKey.generate(keyID: TestKeys.signing.keyID))
            await expectRPCError(.invalidArgument) { _ = try await env.registerForEvent(nomad, for: event, cardQR: forged) }
            await expectRPCError(.invalidArgument) { _ = try await env.registerForEvent(nomad, for: event, cardQR: "garbage") }
            // Nothing was registered by the refusals; the nomad's own card succeeds.
            let registration = try await env.registerForEvent(nomad, for: event, card: "4604000000000026")
            #expect(registration.withCard && registration.status == .confirmed && registration.attendeeID == nomad.id)
            // Without a card is still fine.
            #expect(!(try await env.registerForEvent(other, for: event)).withCard)
        }
    }

    @Test func theRefusalOfAnotherNomadsCardSpeaksTheCallersLanguage() async throws {
        try await withEvents { env in
            let event = try await env.publishedEvent(by: env.enterprise())
            let nomad = env.nomad(), other = env.nomad()
            let request = Nomad_Events_V1_RegisterForEventRequest.with {
                $0.requestID = UUID().uuidString
                $0.eventID = event.eventID
                $0.cardQr = EventsEnv.cardQR(for: other, card: "4604000000000034")
            }
            for (language, text) in [("en", "own one-card"), ("zh-CN", "本人的一卡通")] {
                do {
                    _ = try await env.client.registerForEvent(request, metadata: callMetadata(token: nomad.token, language: language))
                    Issue.record("another nomad's card was accepted")
                } catch let error as RPCError {
                    #expect(error.code == .permissionDenied && error.message.contains(text) && !error.message.contains("4604000000000034"))
                }
            }
        }
    }

    @Test func cardNumbersAreKeptOnlyAsKeyedHashesAndTheGateStillMatchesTheCard() async throws {
        try await withEvents { env in
            let owner = env.enterprise()
            let event = try await env.publishedEvent(by: owner)
            let nomad = env.nomad()
            let number = "4604000000000042"
            let registration = try await env.registerForEvent(nomad, for: event, card: number)
            let ticket = try await env.getTicket(registration, by: nomad)
            for table in ["registrations", "tickets", "idempotency_keys", "outbox"] {
                #expect(!Self.leaks(number, in: try await Self.dump(env, table)), "\(table)")
            }
            // The gate matches the card by its hash: another card of the same holder is refused, this one admitted.
            await expectRPCError(.failedPrecondition) {
                _ = try await env.checkIn(event, cardQR: EventsEnv.cardQR(for: nomad, card: "4604000000000059"), by: owner)
            }
            let record = try await env.checkIn(event, cardQR: EventsEnv.cardQR(for: nomad, card: number), by: owner)
            #expect(record.withCard && record.attendeeID == nomad.id)
            #expect(try await env.client.verifyTicket(.with { $0.token = ticket.token }, metadata: owner.metadata).checkedIn)
        }
    }

    @Test func plaintextCardNumbersFromBeforeTheMigrationAreHashedAndTheirTicketsResigned() async throws {
        try await withEvents { env in
            let owner = env.enterprise()
            let event = try await env.publishedEvent(by: owner)
            let nomad = env.nomad()
            let number = "4604000000000067"
            let registration = try await env.registerForEvent(nomad, for: event)
            let id = UUID(uuidString: registration.registrationID)!
            // As release 13 wrote it: the number in the row and in the ticket's claims.
            let old = try await env.getTicket(registration, by: nomad)
            var claims: TicketClaims = try JWS.verify(old.token, type: TicketSigner.type, keys: TicketSigner(key: EventsEnv.ticketKey).ring)
            let legacyToken = try JWS.sign(LegacyClaims(claims: claims, card: number), type: TicketSigner.type, with: EventsEnv.ticketKey)
            try await env.app.withSchemaConnection { tx in
                try await tx.query("ALTER TABLE registrations DROP CONSTRAINT registrations_no_plain_card")
                try await tx.query("UPDATE registrations SET card_number = \(number) WHERE id = \(id)")
                try await tx.query("UPDATE tickets SET token = \(legacyToken) WHERE registration_id = \(id)")
            }
            #expect(Self.leaks(number, in: try await Self.dump(env, "registrations")))

            try await LegacyCardStore.sealAll(
                env.app.app.database, signer: TicketSigner(key: EventsEnv.ticketKey), protection: TestKeys.data,
                logger: TestApp.sqlLogger)

            #expect(!Self.leaks(number, in: try await Self.dump(env, "registrations")))
            let resigned = try await env.getTicket(registration, by: nomad)
            #expect(resigned.ticketID == old.ticketID && resigned.token != legacyToken)
            claims = try JWS.verify(resigned.token, type: TicketSigner.type, keys: TicketSigner(key: EventsEnv.ticketKey).ring)
            #expect(claims.cdh == Base64URL.encode(RegistrationRules.cardHash(number, TestKeys.data)))
            #expect(!Self.leaks(number, in: try await Self.dump(env, "tickets")))
            // The ticket the attendee already held still admits, and so does the card.
            _ = try await env.checkIn(event, cardQR: EventsEnv.cardQR(for: nomad, card: number), by: owner)
        }
    }
}

/// The ticket claims as release 13 signed them, with the number.
private struct LegacyClaims: Codable {
    var tid: String
    var evt: String
    var reg: String
    var sub: String
    var card: String
    var iat: Int64
    var exp: Int64

    init(claims: TicketClaims, card: String) {
        tid = claims.tid
        evt = claims.evt
        reg = claims.reg
        sub = claims.sub
        self.card = card
        iat = claims.iat
        exp = claims.exp
    }
}
