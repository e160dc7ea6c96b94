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
    func registerForEvent(
        request: Nomad_Events_V1_RegisterForEventRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_EventRegistration {
        let attendee = try caller
        let eventID = try Validate.uuid(request.eventID, "event_id")
        let presented = try RegistrationRules.card(
            number: request.cardNumber, qr: request.cardQr, caller: attendee, keys: calendar.cardKeys)
        let card = presented.map { RegistrationRules.cardHash($0.card, protection) }
        return try await mutation("RegisterForEvent", requestID: request.requestID, request: request) { connection in
            guard let event = try await EventStore.find(connection, id: eventID, lock: .update, logger: logger),
                  EventRules.mayRead(event, attendee)
            else { throw CalendarErrors.eventNotFound }
            try RegistrationRules.checkOpen(event, now: Date())
            if try await RegistrationStore.live(connection, eventID: eventID, attendeeID: attendee.accountID, logger: logger) != nil {
                throw CalendarErrors.alreadyRegistered
            }
            let id = UUID()
            let subjects = ["event_id": eventID.text, "registration_id": id.text, "attendee_id": attendee.accountID.text]
            switch RegistrationRules.admits(event) {
            case .confirmed:
                try await RegistrationStore.insert(
                    connection, id: id, eventID: eventID, attendee: attendee, status: .confirmed, waitlistSeq: nil,
                    cardHash: card, logger: logger)
                try await EventStore.adjustSeats(connection, id: eventID, confirmed: 1, waitlisted: 0, logger: logger)
                try await TicketStore.issue(
                    connection, signer: calendar.tickets, event: event, registrationID: id, attendeeID: attendee.accountID,
                    cardHash: card, logger: logger)
                try await Outbox.append(
                    connection, type: "events.registration.confirmed", subjectIDs: subjects,
                    payload: RegistrationConfirmed(
                        eventID: eventID.text, registrationID: id.text, attendeeID: attendee.accountID.text,
                        eventKind: EventRules.kindName(event.kind)),
                    logger: logger)
            default:
                let seq = try await EventStore.nextWaitlistSeq(connection, id: eventID, logger: logger)
                try await RegistrationStore.insert(
                    connection, id: id, eventID: eventID, attendee: attendee, status: .waitlisted, waitlistSeq: seq,
                    cardHash: card, logger: logger)
                try await EventStore.adjustSeats(connection, id: eventID, confirmed: 0, waitlisted: 1, logger: logger)
                try await Outbox.append(
                    connection, type: "events.registration.waitlisted", subjectIDs: subjects,
                    payload: RegistrationWaitlisted(
                        eventID: eventID.text, registrationID: id.text, attendeeID: attendee.accountID.text,
                        position: event.waitlisted + 1),
                    logger: logger)
            }
            return try await RegistrationStore.find(connection, id: id, logger: logger)!.message
        }
    }

    /// The attendee, the organizer or an admin cancels; a freed seat goes to
    /// the first on the waitlist in the same transaction.
    func cancelRegistration(
        request: Nomad_Events_V1_CancelRegistrationRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_EventRegistration {
        let actor = try caller
        let id = try Validate.uuid(request.registrationID, "registration_id")
        return try await mutation("CancelRegistration", requestID: request.requestID, request: request) { connection in
            guard let peek = try await RegistrationStore.find(connection, id: id, logger: logger) else {
                throw NomadError.notFound("registration")
            }
            // The event's lock first, then the registration's: the order every seat change takes.
            let event = try await EventStore.find(connection, id: peek.eventID, lock: .update, logger: logger)!
            guard peek.attendeeID == actor.accountID || EventRules.mayManage(event, actor) else {
                throw NomadError.permissionDenied
            }
            let registration = try await RegistrationStore.find(connection, id: id, lock: .update, logger: logger)!
            guard registration.status != .cancelled else {
                throw NomadError.wrongState("该报名已取消", "the registration is already cancelled")
            }
            guard !registration.checkedIn else {
                throw NomadError.wrongState("已签到的报名不能取消", "a checked-in registration cannot be cancelled")
            }
            try await RegistrationStore.setStatus(connection, id: id, .cancelled, logger: logger)
            let wasConfirmed = registration.status == .confirmed
            try await EventStore.adjustSeats(
                connection, id: event.id, confirmed: wasConfirmed ? -1 : 0, waitlisted: wasConfirmed ? 0 : -1, logger: logger)
            try await Outbox.append(
                connection, type: "events.registration.cancelled",
                subjectIDs: ["event_id": event.id.text, "registration_id": id.text, "attendee_id": registration.attendeeID.text],
                payload: RegistrationCancelled(
                    eventID: event.id.text, registrationID: id.text, attendeeID: registration.attendeeID.text),
                logger: logger)
            if wasConfirmed, RegistrationRules.promotes(event) {
                _ = try await promoteFirst(connection, event: event)
            }
            return try await RegistrationStore.find(connection, id: id, logger: logger)!.message
        }
    }

    /// Gives a free seat to the first on the waitlist, with a ticket. Call
    /// under the event's row lock with a seat free. False when no one waits.
    func promoteFirst(_ connection: PostgresConnection, event: EventRecord) async throws -> Bool {
        guard let next = try await RegistrationStore.firstWaitlisted(connection, eventID: event.id, logger: logger),
              let registration = try await RegistrationStore.find(connection, id: next, logger: logger)
        else { return false }
        try await RegistrationStore.setStatus(connection, id: next, .confirmed, logger: logger)
        try await EventStore.adjustSeats(connection, id: event.id, confirmed: 1, waitlisted: -1, logger: logger)
        try await TicketStore.issue(
            connection, signer: calendar.tickets, event: event, registrationID: next, attendeeID: registration.attendeeID,
            cardHash: try await RegistrationStore.cardHash(connection, id: next, logger: logger), logger: logger)
        try await Outbox.append(
            connection, type: "events.registration.promoted",
            subjectIDs: ["event_id": event.id.text, "registration_id": next.text, "attendee_id": registration.attendeeID.text],
            payload: RegistrationPromoted(
                eventID: event.id.text, registrationID: next.text, attendeeID: registration.attendeeID.text),
            logger: logger)
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
        let registrations = try await database.read { connection in
            guard let event = try await EventStore.find(connection, id: eventID, logger: logger) else {
                throw CalendarErrors.eventNotFound
            }
            guard EventRules.mayRunGate(event, reader) else { throw NomadError.permissionDenied }
            return try await RegistrationStore.list(connection, eventID: eventID, status: status, page: page, logger: logger)
        }
        return .with {
            $0.registrations = registrations.prefix(page.limit).map(\.message)
            $0.page = page.response(fetched: registrations.count)
        }
    }

    func listMyRegistrations(
        request: Nomad_Events_V1_ListMyRegistrationsRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_ListRegistrationsResponse {
        let attendee = try caller
        let page = try Page(request.page)
        let registrations = try await database.read {
            try await RegistrationStore.mine($0, attendeeID: attendee.accountID, page: page, logger: logger)
        }
        return .with {
            $0.registrations = registrations.prefix(page.limit).map(\.message)
            $0.page = page.response(fetched: registrations.count)
        }
    }
}

/// The outbox payload of "events.registration.confirmed".
struct RegistrationConfirmed: Encodable {
    var eventID: String
    var registrationID: String
    var attendeeID: String
    var eventKind: String

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id", registrationID = "registration_id", attendeeID = "attendee_id", eventKind = "event_kind"
    }
}

/// The outbox payload of "events.registration.waitlisted".
struct RegistrationWaitlisted: Encodable {
    var eventID: String
    var registrationID: String
    var attendeeID: String
    /// Place in the waitlist when joining it (1 = next).
    var position: Int

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id", registrationID = "registration_id", attendeeID = "attendee_id", position
    }
}

/// The outbox payload of "events.registration.cancelled".
struct RegistrationCancelled: Encodable {
    var eventID: String
    var registrationID: String
    var attendeeID: String

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id", registrationID = "registration_id", attendeeID = "attendee_id"
    }
}

/// The outbox payload of "events.registration.promoted".
struct RegistrationPromoted: Encodable {
    var eventID: String
    var registrationID: String
    var attendeeID: String

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id", registrationID = "registration_id", attendeeID = "attendee_id"
    }
}
