import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO

/// Registration with a waitlist. Every change holds the event's row lock, so
/// seats are handed out one at a time in the order the database serializes
/// the calls: never more confirmed than capacity, and waitlist numbers in
/// arrival order without gaps.
extension EventsService {
    /// One statement (`register_for_event`) under the event's row lock. The
    /// ticket a seat comes with is signed first, for the event's end as last
    /// seen; when that is unknown or wrong the function answers the end and
    /// the call is sent again, signed for it.
    func registerForEvent(
        request: Nomad_Events_V1_RegisterForEventRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_EventRegistration {
        let attendee = try caller
        let eventID = try Validate.uuid(request.eventID, "event_id")
        let presented = try RegistrationRules.card(
            number: request.cardNumber, qr: request.cardQr, caller: attendee, keys: calendar.cardKeys)
        let card = presented.map { RegistrationRules.cardHash($0.card, protection) }
        let registrationID = UUID(), ticketID = UUID()
        // A first try may lack the end, a second meet an event moved meanwhile.
        for _ in 0..<3 {
            let now = Date()
            let ticket = try eventEnds.end(of: eventID).map { end in
                try calendar.tickets.ticket(
                    id: ticketID, eventID: eventID, registrationID: registrationID, attendeeID: attendee.accountID,
                    cardHash: card, eventEnd: Date(timeIntervalSince1970: Double(end) / 1_000_000), now: now)
            }
            do {
                return try await database.mutationInOneStatement(
                    request,
                    refusal: { refusal -> any Error in
                        if let stale = RegisterForEventStatement.TicketSignedForAnotherEnd(refusal) { return stale }
                        return CalendarErrors.registrationRefusal(refusal)
                    },
                    statement: {
                        RegisterForEventStatement(
                            key: $0, eventID: eventID, attendee: attendee, now: now, cardHash: card,
                            registrationID: registrationID, ticket: ticket)
                    },
                    result: RegisterForEventStatement.Result.self,
                    response: { (registered: RegisterForEventStatement.Result) -> Nomad_Events_V1_EventRegistration in
                        RegistrationRecord(
                            id: registered.registrationId, eventID: eventID, attendeeID: attendee.accountID,
                            attendeeRole: attendee.role.rawValue, status: RegistrationStatus(rawValue: registered.status) ?? .cancelled,
                            waitlistSeq: nil, waitlistPosition: registered.waitlistPosition, hasCard: card != nil, checkedIn: false,
                            createdAt: Date(timeIntervalSince1970: Double(registered.createdAtMicros) / 1_000_000),
                            updatedAt: Date(timeIntervalSince1970: Double(registered.updatedAtMicros) / 1_000_000)
                        ).message
                    })
            } catch let stale as RegisterForEventStatement.TicketSignedForAnotherEnd {
                eventEnds.remember(stale.eventEndMicros, of: eventID)
            }
        }
        throw NomadError.internalError
    }

    /// The attendee, the organizer or an admin cancels; a freed seat goes to
    /// the first on the waitlist in the same transaction.
    func cancelRegistration(
        request: Nomad_Events_V1_CancelRegistrationRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_EventRegistration {
        let actor = try caller
        let id = try Validate.uuid(request.registrationID, "registration_id")
        return try await mutation(request) { tx in
            let peek = try await RegistrationStore.find(tx, id: id).orNotFound("registration")
            // The event's lock first, then the registration's: the order every seat change takes.
            let event = try await EventStore.find(tx, id: peek.eventID, lock: .update)!
            guard peek.attendeeID == actor.accountID || EventRules.mayManage(event, actor) else {
                throw NomadError.permissionDenied
            }
            let registration = try await RegistrationStore.find(tx, id: id, lock: .update)!
            guard registration.status != .cancelled else {
                throw NomadError.wrongState("该报名已取消", "the registration is already cancelled")
            }
            guard !registration.checkedIn else {
                throw NomadError.wrongState("已签到的报名不能取消", "a checked-in registration cannot be cancelled")
            }
            try await RegistrationStore.setStatus(tx, id: id, .cancelled)
            let wasConfirmed = registration.status == .confirmed
            try await EventStore.adjustSeats(
                tx, id: event.id, confirmed: wasConfirmed ? -1 : 0, waitlisted: wasConfirmed ? 0 : -1)
            try await Outbox.append(
                tx,
                EventsEvents.RegistrationCancelled(
                    subjects: .init(eventID: event.id.text, registrationID: id.text, attendeeID: registration.attendeeID.text),
                    payload: .init(
                        eventID: event.id.text, registrationID: id.text, attendeeID: registration.attendeeID.text)))
            if wasConfirmed, RegistrationRules.promotes(event) {
                _ = try await promoteFirst(tx, event: event)
            }
            return try await RegistrationStore.find(tx, id: id)!.message
        }
    }

    /// Gives a free seat to the first on the waitlist, with a ticket. Call
    /// under the event's row lock with a seat free. False when no one waits.
    func promoteFirst(_ tx: Tx, event: EventRecord) async throws -> Bool {
        guard let next = try await RegistrationStore.firstWaitlisted(tx, eventID: event.id),
            let registration = try await RegistrationStore.find(tx, id: next)
        else { return false }
        try await RegistrationStore.setStatus(tx, id: next, .confirmed)
        try await EventStore.adjustSeats(tx, id: event.id, confirmed: 1, waitlisted: -1)
        try await TicketStore.issue(
            tx, signer: calendar.tickets, event: event, registrationID: next, attendeeID: registration.attendeeID,
            cardHash: try await RegistrationStore.cardHash(tx, id: next))
        try await Outbox.append(
            tx,
            EventsEvents.RegistrationPromoted(
                subjects: .init(eventID: event.id.text, registrationID: next.text, attendeeID: registration.attendeeID.text),
                payload: .init(
                    eventID: event.id.text, registrationID: next.text, attendeeID: registration.attendeeID.text)))
        return true
    }

    func listRegistrations(
        request: Nomad_Events_V1_ListRegistrationsRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_ListRegistrationsResponse {
        let reader = try caller
        let eventID = try Validate.uuid(request.eventID, "event_id")
        let page = try Page(request.page)
        guard (0...3).contains(request.status.rawValue) else { throw NomadError.unknownEnum("status") }
        let status: Int16? = request.status == .unspecified ? nil : Int16(request.status.rawValue)
        let registrations = try await database.read { tx in
            guard let event = try await EventStore.find(tx, id: eventID) else {
                throw CalendarErrors.eventNotFound
            }
            guard EventRules.mayRunGate(event, reader) else { throw NomadError.permissionDenied }
            return try await RegistrationStore.list(tx, eventID: eventID, status: status, page: page)
        }
        return .listing(\.registrations, registrations.map(\.message), page)
    }

    func listMyRegistrations(
        request: Nomad_Events_V1_ListMyRegistrationsRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_ListRegistrationsResponse {
        let attendee = try caller
        let page = try Page(request.page)
        let registrations = try await database.read {
            try await RegistrationStore.mine($0, attendeeID: attendee.accountID, page: page)
        }
        return .listing(\.registrations, registrations.map(\.message), page)
    }
}

// "events.registration.confirmed" (event_id, registration_id, attendee_id,
// event_kind) and "events.registration.waitlisted" (the same ids and position,
// 1 = next) are written by `register_for_event` (migration 15).
