import Foundation
import GRPCCore
@testable import Events
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

@Suite struct TicketTests {
    @Test func aConfirmedAttendeeGetsASignedTicketThatVerifiesOfflineWithThePublishedKeys() async throws {
        try await withEvents { env in
            let event = try await env.publishedEvent(by: env.enterprise(), EventsEnv.eventDraft(capacity: 1))
            let nomad = env.nomad()
            let registration = try await env.registerForEvent(nomad, for: event, card: "HN4600001")
            #expect(registration.withCard)
            let ticket = try await env.getTicket(registration, by: nomad)
            #expect(ticket.eventID == event.eventID && ticket.attendeeID == nomad.id)
            #expect(ticket.expireTime.date > event.endTime.date)

            // Offline: the public keys come without a token.
            let keys = try await env.client.getTicketKeys(.init(), metadata: callMetadata())
            #expect(keys.keys.count == 1 && keys.keys[0].algorithm == "EdDSA")
            let ring = KeyRing(
                signingKey: nil,
                verificationKeys: try keys.keys.map {
                    try VerificationKey(keyID: $0.keyID, rawPublicKey: Base64URL.decode($0.publicKey)!)
                })
            let claims: TicketClaims = try JWS.verify(ticket.token, type: "event-ticket", keys: ring)
            #expect(claims.evt == event.eventID && claims.reg == registration.registrationID && claims.sub == nomad.id)
            // Bound to the card by its keyed hash; the number is nowhere in the token.
            #expect(claims.tid == ticket.ticketID && claims.cdh == Base64URL.encode(RegistrationRules.cardHash("HN4600001", TestKeys.data)))
            #expect(
                !ticket.token.contains("HN4600001")
                    && !String(decoding: Base64URL.decode(ticket.token.split(separator: ".")[1])!, as: UTF8.self).contains("HN4600001"))
            #expect(Double(claims.exp) > event.endTime.date.timeIntervalSince1970)
            // A token signed by anyone else does not verify.
            let forged = try JWS.sign(claims, type: "event-ticket", with: SigningKey.generate(keyID: keys.keys[0].keyID))
            #expect(throws: TokenError.badSignature) { let _: TicketClaims = try JWS.verify(forged, type: "event-ticket", keys: ring) }

            // Only the attendee (or an admin) reads the ticket.
            await expectRPCError(.permissionDenied) { _ = try await env.getTicket(registration, by: env.nomad()) }
            await expectRPCError(.permissionDenied) { _ = try await env.getTicket(registration, by: env.enterprise()) }
            let byAdmin = try await env.getTicket(registration, by: env.admin())
            #expect(byAdmin == ticket)
            // A waitlisted registration has no ticket yet.
            let other = env.nomad()
            let waiting = try await env.registerForEvent(other, for: event)
            await expectRPCError(.failedPrecondition) { _ = try await env.getTicket(waiting, by: other) }
            // No one-card number in any event payload.
            let payload = try await env.app.outboxPayloadText(type: "events.registration.confirmed", subject: registration.registrationID)
            #expect(payload != nil && payload?.contains("HN4600001") == false)
        }
    }

    @Test func verifyTicketOnlineChecksSignatureRegistrationAndCheckIn() async throws {
        try await withEvents { env in
            let owner = env.enterprise()
            let event = try await env.publishedEvent(by: owner)
            let nomad = env.nomad()
            let registration = try await env.registerForEvent(nomad, for: event)
            let ticket = try await env.getTicket(registration, by: nomad)

            let fresh = try await env.client.verifyTicket(.with { $0.token = ticket.token }, metadata: owner.metadata)
            #expect(fresh.valid && fresh.registrationID == registration.registrationID && fresh.attendeeID == nomad.id)
            #expect(fresh.registrationStatus == .confirmed && !fresh.checkedIn)

            let garbage = try await env.client.verifyTicket(.with { $0.token = "a.b.c" }, metadata: env.officer().metadata)
            #expect(!garbage.valid && !garbage.reason.isEmpty)
            // Another enterprise is not this event's gate; attendees are no gate at all.
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.verifyTicket(.with { $0.token = ticket.token }, metadata: env.enterprise().metadata)
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.verifyTicket(.with { $0.token = ticket.token }, metadata: nomad.metadata)
            }

            _ = try await env.checkIn(event, ticket: ticket.token, by: owner)
            let used = try await env.client.verifyTicket(.with { $0.token = ticket.token }, metadata: env.admin().metadata)
            #expect(!used.valid && used.checkedIn)

            let other = env.nomad()
            let second = try await env.registerForEvent(other, for: event)
            let secondTicket = try await env.getTicket(second, by: other)
            _ = try await env.cancelRegistration(second, by: other)
            let cancelled = try await env.client.verifyTicket(.with { $0.token = secondTicket.token }, metadata: owner.metadata)
            #expect(!cancelled.valid && cancelled.registrationStatus == .cancelled)
        }
    }

    @Test func aTicketChecksInOnceAndSessionsCheckInAndOutOnceEach() async throws {
        try await withEvents { env in
            let owner = env.officer("commerce")
            let event = try await env.publishedEvent(by: owner)
            let nomad = env.nomad()
            let registration = try await env.registerForEvent(nomad, for: event)
            let ticket = try await env.getTicket(registration, by: nomad).token
            let gate = env.officer("events")

            let requestID = UUID().uuidString
            let record = try await env.checkIn(event, ticket: ticket, by: gate, requestID: requestID)
            #expect(record.attendeeID == nomad.id && record.sessionID.isEmpty && record.direction == .in && !record.withCard)
            #expect(try await env.checkIn(event, ticket: ticket, by: gate, requestID: requestID) == record)
            let twice = await expectRPCError(.alreadyExists) { _ = try await env.checkIn(event, ticket: ticket, by: gate) }
            #expect(twice?.contains("already") == true)
            // A checked-in seat cannot be handed back.
            await expectRPCError(.failedPrecondition) { _ = try await env.cancelRegistration(registration, by: nomad) }

            let keynote = event.sessions[0].sessionID, panel = event.sessions[1].sessionID
            await expectRPCError(.failedPrecondition) { _ = try await env.checkOut(event, ticket: ticket, session: keynote, by: gate) }
            let inRoom = try await env.checkIn(event, ticket: ticket, session: keynote, by: gate)
            #expect(inRoom.sessionID == keynote)
            await expectRPCError(.alreadyExists) { _ = try await env.checkIn(event, ticket: ticket, session: keynote, by: gate) }
            let out = try await env.checkOut(event, ticket: ticket, session: keynote, by: gate)
            #expect(out.direction == .out)
            await expectRPCError(.alreadyExists) { _ = try await env.checkOut(event, ticket: ticket, session: keynote, by: gate) }
            _ = try await env.checkIn(event, ticket: ticket, session: panel, by: gate)
            await expectRPCError(.notFound) { _ = try await env.checkIn(event, ticket: ticket, session: UUID().uuidString, by: gate) }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.checkOut(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.eventID = event.eventID
                        $0.credential.ticketToken = ticket
                    }, metadata: gate.metadata)
            }

            // Gate rights: not another enterprise, not an attendee.
            await expectRPCError(.permissionDenied) {
                _ = try await env.checkIn(event, ticket: ticket, session: panel, by: env.enterprise())
            }
            await expectRPCError(.permissionDenied) { _ = try await env.checkIn(event, ticket: ticket, by: nomad) }
            // Bad credentials.
            await expectRPCError(.invalidArgument) { _ = try await env.checkIn(event, ticket: "x.y.z", by: gate) }
            await expectRPCError(.invalidArgument) { _ = try await env.checkIn(event, by: gate) }
            let elsewhere = try await env.publishedEvent(by: owner)
            await expectRPCError(.failedPrecondition) { _ = try await env.checkIn(elsewhere, ticket: ticket, by: gate) }

            #expect(try await env.app.outboxCount(type: "events.checkin.recorded", subject: event.eventID) == 3)
            let payload = try #require(try await env.app.outboxPayloadText(type: "events.checkin.recorded", subject: panel))
            #expect(payload.contains("\"session_id\": \"\(panel)\"") && payload.contains("\"event_kind\": \"forum\""))
            #expect(payload.contains("\"area\": \"core\"") && payload.contains("\"with_card\": false"))
            #expect(payload.contains("\"visit_day\": \"\(ZoneDay.today().iso)\""))

            let attendance = try await env.client.getAttendance(.with { $0.eventID = event.eventID }, metadata: owner.metadata)
            #expect(attendance.registered == 1 && attendance.confirmed == 1 && attendance.checkedIn == 1)
            #expect(attendance.sessions.map(\.checkedIn) == [1, 1] && attendance.sessions.map(\.checkedOut) == [1, 0])
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.getAttendance(.with { $0.eventID = event.eventID }, metadata: env.enterprise().metadata)
            }
        }
    }

    /// Analytics counts nomads' visits from check-ins: each says who passed.
    @Test func aCheckInSaysTheAttendeesRoleAsRegistered() async throws {
        try await withEvents { env in
            let owner = env.enterprise()
            let event = try await env.publishedEvent(by: owner)
            let gate = env.officer("events")
            for (attendee, role) in [(env.nomad(), "nomad"), (env.enterprise(), "enterprise"), (env.officer("commerce"), "officer")] {
                let registration = try await env.registerForEvent(attendee, for: event)
                let ticket = try await env.getTicket(registration, by: attendee).token
                _ = try await env.checkIn(event, ticket: ticket, by: gate)
                let payload = try #require(try await env.app.outboxPayloadText(type: "events.checkin.recorded", subject: attendee.id))
                #expect(payload.contains("\"attendee_role\": \"\(role)\""))
            }
            #expect(try await env.app.outboxCount(type: "events.checkin.recorded", subject: event.eventID) == 3)
        }
    }

    @Test func theOneCardQRChecksInItsHolderAndMustMatchTheCardGiven() async throws {
        try await withEvents { env in
            let owner = env.enterprise()
            let event = try await env.publishedEvent(by: owner, EventsEnv.eventDraft(online: true))
            let holder = env.nomad(), stranger = env.nomad(), bound = env.nomad()
            _ = try await env.registerForEvent(holder, for: event)
            _ = try await env.registerForEvent(bound, for: event, card: "HN4600777")

            let record = try await env.checkIn(event, cardQR: EventsEnv.cardQR(for: holder), by: owner)
            #expect(record.withCard && record.attendeeID == holder.id)
            let payload = try #require(try await env.app.outboxPayloadText(type: "events.checkin.recorded", subject: holder.id))
            #expect(payload.contains("\"with_card\": true") && payload.contains("\"area\": \"\"") && !payload.contains("HN4600001"))
            await expectRPCError(.alreadyExists) { _ = try await env.checkIn(event, cardQR: EventsEnv.cardQR(for: holder), by: owner) }

            await expectRPCError(.failedPrecondition) {
                _ = try await env.checkIn(event, cardQR: EventsEnv.cardQR(for: stranger), by: owner)
            }
            await expectRPCError(.failedPrecondition) {
                _ = try await env.checkIn(event, cardQR: EventsEnv.cardQR(for: bound, card: "HN4600999"), by: owner)
            }
            _ = try await env.checkIn(event, cardQR: EventsEnv.cardQR(for: bound, card: "HN4600777"), by: owner)
            // A QR not signed by identity, or expired, is refused.
            let forged = try CardQR.sign(
                CardQRClaims(card: "X1", sub: stranger.id, iat: 0, exp: Int64(Date().timeIntervalSince1970 + 60)),
                with: SigningKey.generate(keyID: TestKeys.signing.keyID))
            await expectRPCError(.invalidArgument) { _ = try await env.checkIn(event, cardQR: forged, by: owner) }
            await expectRPCError(.invalidArgument) {
                _ = try await env.checkIn(event, cardQR: EventsEnv.cardQR(for: holder, lifetime: -60), by: owner)
            }
            let attendance = try await env.client.getAttendance(.with { $0.eventID = event.eventID }, metadata: owner.metadata)
            #expect(attendance.checkedIn == 2)
        }
    }

    /// During a key rotation the earlier key is published and its tickets still admit.
    @Test func ticketsSignedWithAPreviousKeyStillVerifyDuringARotation() async throws {
        let previous = SigningKey.generate(keyID: "test-ticket-0")
        try await withEvents(previousTicketKeys: [previous.verificationKey]) { env in
            let keys = try await env.client.getTicketKeys(.init())
            #expect(keys.keys.map(\.keyID) == [EventsEnv.ticketKey.keyID, "test-ticket-0"])
            let owner = env.enterprise()
            let event = try await env.publishedEvent(by: owner)
            let nomad = env.nomad()
            let current = try await env.getTicket(try await env.registerForEvent(nomad, for: event), by: nomad)
            let claims = try TicketSigner(key: EventsEnv.ticketKey).verify(current.token)
            let oldToken = try TicketSigner(key: previous).sign(claims)
            let verdict = try await env.client.verifyTicket(.with { $0.token = oldToken }, metadata: owner.metadata)
            #expect(verdict.valid)
            _ = try await env.checkIn(event, ticket: oldToken, by: owner)
            // A key nobody configured is not accepted.
            let stranger = try TicketSigner(key: SigningKey.generate(keyID: "test-ticket-9")).sign(claims)
            await expectRPCError(.invalidArgument) {
                _ = try await env.checkIn(event, ticket: stranger, session: event.sessions[0].sessionID, by: owner)
            }
        }
    }

    /// Two gates scan the same ticket at the same moment: one passage is recorded.
    @Test func concurrentScansOfOneTicketRecordOnePassage() async throws {
        try await withEvents { env in
            let owner = env.enterprise()
            let event = try await env.publishedEvent(by: owner)
            let nomad = env.nomad()
            let ticket = try await env.getTicket(try await env.registerForEvent(nomad, for: event), by: nomad).token
            let codes = await concurrentOutcomes(
                (0..<20).map { _ in
                    { _ = try await env.checkIn(event, ticket: ticket, by: env.officer()) }
                })
            #expect(codes.filter { $0 == nil }.count == 1)
            #expect(codes.compactMap { $0 }.allSatisfy { $0 == .alreadyExists })
            #expect(try await env.app.outboxCount(type: "events.checkin.recorded", subject: nomad.id) == 1)
        }
    }
}

/// CheckIn in one statement (`check_in`): retries and requests from before
/// the upgrade.
extension TicketTests {
    @Test func aRetriedCheckInGetsTheSameAnswerAndChangesNothing() async throws {
        try await withEvents { env in
            let owner = env.officer("commerce")
            let event = try await env.publishedEvent(by: owner, EventsEnv.eventDraft(capacity: 1))
            let nomad = env.nomad(), waiting = env.nomad()
            let ticket = try await env.getTicket(try await env.registerForEvent(nomad, for: event, card: "HN4600011"), by: nomad).token
            _ = try await env.registerForEvent(waiting, for: event)
            let gate = env.officer("events")
            let requestID = UUID().uuidString
            let qr = EventsEnv.cardQR(for: nomad, card: "HN4600011")
            let record = try await env.checkIn(event, cardQR: qr, by: gate, requestID: requestID)
            #expect(record.withCard && record.attendeeID == nomad.id)
            for _ in 0..<3 {
                #expect(try await env.checkIn(event, cardQR: qr, by: gate, requestID: requestID) == record)
            }
            await expectRPCError(.alreadyExists) { _ = try await env.checkIn(event, ticket: ticket, by: gate) }
            let attendance = try await env.client.getAttendance(.with { $0.eventID = event.eventID }, metadata: owner.metadata)
            #expect(attendance.checkedIn == 1)
            #expect(try await env.app.outboxCount(type: "events.checkin.recorded", subject: event.eventID) == 1)
            let payload = try #require(try await env.app.outboxPayloadText(type: "events.checkin.recorded", subject: nomad.id))
            #expect(payload.contains("\"with_card\": true") && payload.contains("\"session_id\": \"\""))
            // A waitlisted attendee is refused with nothing kept: the same id is judged again.
            let refusedID = UUID().uuidString
            for _ in 0..<2 {
                await expectRPCError(.failedPrecondition) {
                    _ = try await env.checkIn(event, cardQR: EventsEnv.cardQR(for: waiting), by: gate, requestID: refusedID)
                }
            }
        }
    }

    @Test func aCheckInAnsweredBeforeTheUpgradeGetsTheStoredResponseAfterIt() async throws {
        try await withEvents { env in
            let owner = env.officer("commerce")
            let event = try await env.publishedEvent(by: owner)
            let nomad = env.nomad()
            let ticket = try await env.getTicket(try await env.registerForEvent(nomad, for: event), by: nomad).token
            let gate = env.officer("events")
            let request = Nomad_Events_V1_CheckInRequest.with {
                $0.requestID = UUID().uuidString
                $0.eventID = event.eventID
                $0.credential.ticketToken = ticket
            }
            let earlier = Nomad_Events_V1_CheckInRecord.with {
                $0.checkID = UUID().uuidString.lowercased()
                $0.eventID = event.eventID
                $0.attendeeID = nomad.id
                $0.direction = .in
            }
            try await env.app.storeEarlierResponse(
                earlier, method: "CheckIn", requestID: request.requestID, request: request, callerID: gate.id)
            #expect(try await env.client.checkIn(request, metadata: gate.metadata) == earlier)
            let attendance = try await env.client.getAttendance(.with { $0.eventID = event.eventID }, metadata: owner.metadata)
            #expect(attendance.checkedIn == 0)
            #expect(try await env.app.outboxCount(type: "events.checkin.recorded", subject: event.eventID) == 0)
        }
    }
}
