import Foundation
import GRPCCore
@testable import Events
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

@Suite struct RegistrationTests {
    @Test func seatsThenWaitlistOnePerPersonAndARetryReturnsTheFirstResult() async throws {
        try await withEvents { env in
            let event = try await env.publishedEvent(by: env.enterprise(), EventsEnv.eventDraft(capacity: 2))
            let nomad = env.nomad(), enterprise = env.enterprise(), officer = env.officer(), late = env.nomad()
            let requestID = UUID().uuidString
            let first = try await env.registerForEvent(nomad, for: event, requestID: requestID)
            #expect(first.status == .confirmed && first.waitlistPosition == 0 && first.attendeeRole == "nomad")
            let retried = try await env.registerForEvent(nomad, for: event, requestID: requestID)
            #expect(retried == first)
            await expectRPCError(.alreadyExists) { _ = try await env.registerForEvent(nomad, for: event) }

            let second = try await env.registerForEvent(enterprise, for: event)
            let third = try await env.registerForEvent(officer, for: event)
            let fourth = try await env.registerForEvent(late, for: event)
            #expect(second.status == .confirmed && second.attendeeRole == "enterprise")
            #expect(third.status == .waitlisted && third.waitlistPosition == 1)
            #expect(fourth.status == .waitlisted && fourth.waitlistPosition == 2)
            await expectRPCError(.permissionDenied) { _ = try await env.registerForEvent(env.admin(), for: event) }

            let read = try await env.client.getEvent(.with { $0.eventID = event.eventID }, metadata: nomad.metadata)
            #expect(read.confirmedCount == 2 && read.waitlistedCount == 2)
            #expect(try await env.app.outboxCount(type: "events.registration.confirmed", subject: event.eventID) == 2)
            #expect(try await env.app.outboxCount(type: "events.registration.waitlisted", subject: event.eventID) == 2)
            let payload = try await env.app.outboxPayloadText(type: "events.registration.waitlisted", subject: fourth.registrationID)
            #expect(payload?.contains("\"position\": 2") == true)
            let confirmed = try await env.app.outboxPayloadText(type: "events.registration.confirmed", subject: first.registrationID)
            #expect(confirmed?.contains("\"event_kind\": \"forum\"") == true)
        }
    }

    @Test func closedRegistrationAndDraftsAreRefused() async throws {
        try await withEvents { env in
            let owner = env.enterprise()
            let start = Date().addingTimeInterval(3 * 86400)
            let event = try await env.publishedEvent(
                by: owner, EventsEnv.eventDraft(start: start, closes: start.addingTimeInterval(-86400)))
            // Time passes beyond the close time.
            let id = UUID(uuidString: event.eventID)!
            try await env.calendarSQL("UPDATE events SET registration_closes_at = now() - interval '1 minute' WHERE id = \(id)")
            let message = await expectRPCError(.failedPrecondition) { _ = try await env.registerForEvent(env.nomad(), for: event) }
            #expect(message?.contains("closed") == true)
            #expect(try await env.calendarCount("SELECT count(*) FROM registrations") == 0)

            let draft = try await env.createEvent(by: owner)
            await expectRPCError(.notFound) { _ = try await env.registerForEvent(env.nomad(), for: draft) }
            await expectRPCError(.invalidArgument) {
                // A bare card number is refused whatever it holds (RegisterForEvent takes card_qr).
                _ = try await env.registerForEvent(env.nomad(), for: event, cardNumber: "no spaces allowed")
            }
        }
    }

    @Test func cancellationsPromoteTheWaitlistInOrder() async throws {
        try await withEvents { env in
            let owner = env.enterprise()
            let event = try await env.publishedEvent(by: owner, EventsEnv.eventDraft(capacity: 2))
            let holders = [env.nomad(), env.nomad()]
            var seats: [Nomad_Events_V1_EventRegistration] = []
            for holder in holders { seats.append(try await env.registerForEvent(holder, for: event)) }
            let waiting = [env.nomad(), env.nomad(), env.nomad()]
            var queue: [Nomad_Events_V1_EventRegistration] = []
            for person in waiting { queue.append(try await env.registerForEvent(person, for: event)) }
            #expect(queue.map(\.waitlistPosition) == [1, 2, 3])

            // A waitlisted one leaving closes the gap behind them.
            _ = try await env.cancelRegistration(queue[1], by: waiting[1])
            let mine = try await env.client.listMyRegistrations(.init(), metadata: waiting[2].metadata)
            #expect(mine.registrations.map(\.waitlistPosition) == [2])

            let requestID = UUID().uuidString
            let cancelled = try await env.cancelRegistration(seats[0], by: holders[0], requestID: requestID)
            #expect(cancelled.status == .cancelled)
            #expect(try await env.cancelRegistration(seats[0], by: holders[0], requestID: requestID) == cancelled)
            let promotedFirst = try await env.client.listMyRegistrations(.init(), metadata: waiting[0].metadata).registrations[0]
            #expect(promotedFirst.status == .confirmed && promotedFirst.waitlistPosition == 0)
            #expect(try await env.getTicket(promotedFirst, by: waiting[0]).registrationID == promotedFirst.registrationID)
            let stillWaiting = try await env.client.listMyRegistrations(.init(), metadata: waiting[2].metadata).registrations[0]
            #expect(stillWaiting.status == .waitlisted && stillWaiting.waitlistPosition == 1)

            // The organizer cancels the other seat: the next in line moves up.
            _ = try await env.cancelRegistration(seats[1], by: owner)
            let promotedSecond = try await env.client.listMyRegistrations(.init(), metadata: waiting[2].metadata).registrations[0]
            #expect(promotedSecond.status == .confirmed)
            #expect(try await env.app.outboxCount(type: "events.registration.promoted", subject: event.eventID) == 2)
            #expect(try await env.app.outboxCount(type: "events.registration.cancelled", subject: event.eventID) == 3)

            let read = try await env.client.getEvent(.with { $0.eventID = event.eventID }, metadata: owner.metadata)
            #expect(read.confirmedCount == 2 && read.waitlistedCount == 0)
            await expectRPCError(.failedPrecondition) { _ = try await env.cancelRegistration(seats[0], by: holders[0]) }
            // Someone else's registration is not theirs to cancel.
            await expectRPCError(.permissionDenied) { _ = try await env.cancelRegistration(promotedSecond, by: env.nomad()) }
            // After cancelling, the same person may register again (at the back).
            let again = try await env.registerForEvent(holders[0], for: event)
            #expect(again.status == .waitlisted && again.waitlistPosition == 1)
        }
    }

    @Test func organizersListTheirEventsRegistrationsAndAttendeesOnlyTheirOwn() async throws {
        try await withEvents { env in
            let owner = env.enterprise()
            let event = try await env.publishedEvent(by: owner, EventsEnv.eventDraft(capacity: 1))
            let a = env.nomad(), b = env.nomad()
            let ra = try await env.registerForEvent(a, for: event)
            let rb = try await env.registerForEvent(b, for: event)
            let all = try await env.client.listRegistrations(.with { $0.eventID = event.eventID }, metadata: owner.metadata)
            #expect(Set(all.registrations.map(\.registrationID)) == [ra.registrationID, rb.registrationID])
            let waitlisted = try await env.client.listRegistrations(
                .with {
                    $0.eventID = event.eventID
                    $0.status = .waitlisted
                }, metadata: env.officer().metadata)
            #expect(waitlisted.registrations.map(\.registrationID) == [rb.registrationID])
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.listRegistrations(.with { $0.eventID = event.eventID }, metadata: env.enterprise().metadata)
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.listRegistrations(.with { $0.eventID = event.eventID }, metadata: a.metadata)
            }
            let mine = try await env.client.listMyRegistrations(.init(), metadata: a.metadata)
            #expect(mine.registrations.map(\.registrationID) == [ra.registrationID])
        }
    }
}

/// RegisterForEvent in one statement (`register_for_event`): retries, the
/// ticket signed before the statement, and requests from before the upgrade.
extension RegistrationTests {
    func registrationSQLInt(_ env: EventsEnv, _ query: PostgresQuery) async throws -> Int {
        try await env.app.withSchemaConnection { tx in
            try await tx.query(query).collect().first!.decode(Int.self)
        }
    }

    @Test func aRetriedRegistrationGetsTheSameAnswerAndChangesNothing() async throws {
        try await withEvents { env in
            let event = try await env.publishedEvent(by: env.enterprise(), EventsEnv.eventDraft(capacity: 1))
            let seated = env.nomad(), waiting = env.nomad()
            let seatID = UUID().uuidString, waitID = UUID().uuidString
            // One QR for every retry: a fresh one signed a second later is a different request.
            let qr = EventsEnv.cardQR(for: seated, card: "HN4600007")
            let seat = try await env.registerForEvent(seated, for: event, cardQR: qr, requestID: seatID)
            let wait = try await env.registerForEvent(waiting, for: event, requestID: waitID)
            #expect(seat.status == .confirmed && seat.withCard && wait.status == .waitlisted && wait.waitlistPosition == 1)
            let ticket = try await env.getTicket(seat, by: seated)
            for _ in 0..<3 {
                #expect(try await env.registerForEvent(seated, for: event, cardQR: qr, requestID: seatID) == seat)
                #expect(try await env.registerForEvent(waiting, for: event, requestID: waitID) == wait)
            }
            let read = try await env.client.getEvent(.with { $0.eventID = event.eventID }, metadata: seated.metadata)
            #expect(read.confirmedCount == 1 && read.waitlistedCount == 1)
            #expect(
                try await registrationSQLInt(
                    env, "SELECT count(*)::int FROM registrations WHERE event_id = \(UUID(uuidString: event.eventID)!)") == 2)
            #expect(
                try await registrationSQLInt(env, "SELECT count(*)::int FROM tickets WHERE event_id = \(UUID(uuidString: event.eventID)!)")
                    == 1)
            #expect(try await env.getTicket(seat, by: seated) == ticket)
            #expect(try await env.app.outboxCount(type: "events.registration.confirmed", subject: event.eventID) == 1)
            #expect(try await env.app.outboxCount(type: "events.registration.waitlisted", subject: event.eventID) == 1)
            // The ticket was signed before the statement, for the event's end.
            let claims = try TicketSigner(key: EventsEnv.ticketKey).verify(ticket.token)
            #expect(claims.reg == seat.registrationID && claims.sub == seated.id)
            #expect(claims.exp == Int64(TicketSigner.expiry(eventEnd: event.endTime.date).timeIntervalSince1970))
            #expect(claims.cdh == Base64URL.encode(RegistrationRules.cardHash("HN4600007", TestKeys.data)))
            // A refusal keeps nothing: the same id is judged again, and refused again.
            let draft = try await env.createEvent(by: env.enterprise())
            let refusedID = UUID().uuidString
            for _ in 0..<2 {
                await expectRPCError(.notFound) { _ = try await env.registerForEvent(seated, for: draft, requestID: refusedID) }
            }
        }
    }

    /// The service signs a ticket for the end it last saw; when the event's
    /// end has changed since, the statement answers the new end and the
    /// ticket is signed again for it.
    @Test func aTicketSignedForAStaleEndIsSignedAgainForTheEventsEnd() async throws {
        try await withEvents { env in
            let event = try await env.publishedEvent(by: env.enterprise())
            _ = try await env.registerForEvent(env.nomad(), for: event)
            let end = try await env.app.withSchemaConnection { tx in
                try await tx.query(
                    """
                    UPDATE events SET ends_at = ends_at + interval '3 days' WHERE id = \(UUID(uuidString: event.eventID)!)
                    RETURNING ends_at
                    """
                ).collect().first!.decode(Date.self)
            }
            let nomad = env.nomad()
            let ticket = try await env.getTicket(try await env.registerForEvent(nomad, for: event), by: nomad)
            let claims = try TicketSigner(key: EventsEnv.ticketKey).verify(ticket.token)
            #expect(claims.exp == Int64(TicketSigner.expiry(eventEnd: end).timeIntervalSince1970))
            #expect(abs(ticket.expireTime.date.timeIntervalSince(TicketSigner.expiry(eventEnd: end))) < 0.001)
        }
    }

    /// `register_for_event` writes its outbox row in SQL; the row still
    /// carries the caller's trace, which the statement sets for the column's default.
    @Test func aRegistrationEventKeepsTheTraceOfTheCallThatMadeIt() async throws {
        try await withEvents { env in
            let event = try await env.publishedEvent(by: env.enterprise())
            let trace = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
            var metadata = env.nomad().metadata
            metadata.addString("00-\(trace)-00f067aa0ba902b7-01", forKey: "traceparent")
            let registered = try await env.client.registerForEvent(
                .with {
                    $0.requestID = UUID().uuidString; $0.eventID = event.eventID
                }, metadata: metadata)
            let stored = try await env.app.withSchemaConnection { tx in
                let rows = try await tx.query(
                    """
                    SELECT traceparent FROM outbox WHERE type = 'events.registration.confirmed'
                      AND subject_ids->>'registration_id' = \(registered.registrationID)
                    """)
                var found: [String?] = []
                for try await traceparent in rows.decode(String?.self) { found.append(traceparent) }
                return found
            }
            #expect(stored.count == 1)
            #expect(stored.first??.hasPrefix("00-\(trace)-") == true)
        }
    }

    @Test func aRegistrationAnsweredBeforeTheUpgradeGetsTheStoredResponseAfterIt() async throws {
        try await withEvents { env in
            let event = try await env.publishedEvent(by: env.enterprise())
            let nomad = env.nomad()
            let request = Nomad_Events_V1_RegisterForEventRequest.with {
                $0.requestID = UUID().uuidString
                $0.eventID = event.eventID
            }
            let earlier = Nomad_Events_V1_EventRegistration.with {
                $0.registrationID = UUID().uuidString.lowercased()
                $0.eventID = event.eventID
                $0.attendeeID = nomad.id
                $0.status = .confirmed
            }
            try await env.app.storeEarlierResponse(
                earlier, method: "RegisterForEvent", requestID: request.requestID, request: request, callerID: nomad.id)
            #expect(try await env.client.registerForEvent(request, metadata: nomad.metadata) == earlier)
            let read = try await env.client.getEvent(.with { $0.eventID = event.eventID }, metadata: nomad.metadata)
            #expect(read.confirmedCount == 0 && read.waitlistedCount == 0)
            #expect(try await env.app.outboxCount(type: "events.registration.confirmed", subject: event.eventID) == 0)
        }
    }
}
