import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// Tickets, gates and attendance. A gate identifies the attendee by their
/// signed ticket or by their one-card QR (signed by identity); either way the
/// registration must still be confirmed, and each place (the event's gate,
/// a session's room) takes one check-in and, for rooms, one check-out.
extension EventsService {
    func getTicket(request: Nomad_Events_V1_GetTicketRequest, context: ServerContext) async throws -> Nomad_Events_V1_EventTicket {
        let reader = try caller
        let id = try Validate.uuid(request.registrationID, "registration_id")
        return try await database.read { tx in
            let registration = try await RegistrationStore.find(tx, id: id).orNotFound("registration")
            guard registration.attendeeID == reader.accountID || reader.isAdmin else { throw NomadError.permissionDenied }
            guard registration.status == .confirmed,
                let ticket = try await TicketStore.find(tx, registrationID: id)
            else { throw CalendarErrors.notConfirmed }
            return ticket.message
        }
    }

    func getTicketKeys(
        request: Nomad_Events_V1_GetTicketKeysRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_GetTicketKeysResponse {
        .with {
            $0.keys = calendar.tickets.publicKeys.map { key in
                .with {
                    $0.keyID = key.keyID
                    $0.algorithm = "EdDSA"
                    $0.publicKey = Base64URL.encode(key.rawPublicKey)
                }
            }
        }
    }

    /// Answers "would this ticket get in?" without recording anything. A bad
    /// signature is an answer (valid = false), not an error: gates ask about
    /// whatever they scanned.
    func verifyTicket(
        request: Nomad_Events_V1_VerifyTicketRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_VerifyTicketResponse {
        let gate = try caller
        let claims: TicketClaims
        do {
            claims = try calendar.tickets.verify(request.token)
        } catch {
            return .with {
                $0.valid = false
                $0.reason = CalendarErrors.invalidCredential.message.text(language)
            }
        }
        guard let eventID = UUID(uuidString: claims.evt), let registrationID = UUID(uuidString: claims.reg) else {
            throw NomadError.internalError
        }
        return try await database.read { tx in
            guard let event = try await EventStore.find(tx, id: eventID) else {
                throw CalendarErrors.eventNotFound
            }
            guard EventRules.mayRunGate(event, gate) else { throw NomadError.permissionDenied }
            let registration = try await RegistrationStore.find(tx, id: registrationID)
            let status = registration?.status ?? .cancelled
            let checkedIn = registration?.checkedIn ?? false
            var reason = ""
            if status != .confirmed {
                reason = CalendarErrors.notConfirmed.message.text(language)
            } else if checkedIn {
                reason = CalendarErrors.alreadyCheckedIn.message.text(language)
            } else if event.status != .published {
                reason = CalendarErrors.eventNotRunning.message.text(language)
            }
            return .with {
                $0.valid = reason.isEmpty
                $0.reason = reason
                $0.ticketID = claims.tid
                $0.eventID = claims.evt
                $0.registrationID = claims.reg
                $0.attendeeID = claims.sub
                $0.registrationStatus = .init(rawValue: Int(status.rawValue)) ?? .unspecified
                $0.checkedIn = checkedIn
            }
        }
    }

    /// One statement (`check_in`): the gate's checks as `admit` states them
    /// for CheckOut, the passage and its event. The credential is verified
    /// offline first.
    func checkIn(request: Nomad_Events_V1_CheckInRequest, context: ServerContext) async throws -> Nomad_Events_V1_CheckInRecord {
        let gate = try caller
        let eventID = try Validate.uuid(request.eventID, "event_id")
        let sessionID = request.sessionID.isEmpty ? nil : try Validate.uuid(request.sessionID, "session_id")
        let presented = try credential(request.credential, present: request.hasCredential)
        let cardHash = presented.card.map { RegistrationRules.cardHash($0.card, protection) }
        return try await database.mutationInOneStatement(
            request,
            refusal: CalendarErrors.checkInRefusal,
            statement: {
                CheckInStatement(
                    key: $0, eventID: eventID, sessionID: sessionID, gate: gate, ticketEvent: presented.ticket?.evt,
                    ticketRegistration: presented.ticket.flatMap { UUID(uuidString: $0.reg) },
                    cardHolder: presented.card.flatMap { UUID(uuidString: $0.sub) }, cardHash: cardHash)
            },
            result: CheckInStatement.Result.self,
            response: { passed in
                CheckInRow(
                    id: passed.checkId, eventID: eventID, sessionID: sessionID, registrationID: passed.registrationId,
                    attendeeID: passed.attendeeId, direction: 1, withCard: presented.withCard,
                    at: Date(timeIntervalSince1970: Double(passed.atMicros) / 1_000_000)
                ).message
            })
    }

    func checkOut(request: Nomad_Events_V1_CheckOutRequest, context: ServerContext) async throws -> Nomad_Events_V1_CheckInRecord {
        let gate = try caller
        let eventID = try Validate.uuid(request.eventID, "event_id")
        // Only rooms have a way out that is counted; the event's gate does not.
        let sessionID = try Validate.uuid(request.sessionID, "session_id")
        let presented = try credential(request.credential, present: request.hasCredential)
        return try await mutation(request) { tx in
            let (_, registration) = try await admit(tx, eventID: eventID, sessionID: sessionID, presented, gate: gate)
            guard
                try await CheckInStore.exists(
                    tx, registrationID: registration.id, sessionID: sessionID, direction: 1)
            else { throw CalendarErrors.notCheckedIn }
            do {
                return try await CheckInStore.record(
                    tx, eventID: eventID, sessionID: sessionID, registrationID: registration.id,
                    attendeeID: registration.attendeeID, direction: 2, withCard: presented.withCard
                ).message
            } catch let error as NomadError where error == CalendarErrors.alreadyCheckedIn {
                throw NomadError(.alreadyExists, zh: "已在此签退", en: "Already checked out here")
            }
        }
    }

    func getAttendance(
        request: Nomad_Events_V1_GetAttendanceRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_EventAttendance {
        let reader = try caller
        let eventID = try Validate.uuid(request.eventID, "event_id")
        return try await database.read { tx in
            guard let event = try await EventStore.find(tx, id: eventID) else {
                throw CalendarErrors.eventNotFound
            }
            guard EventRules.mayRunGate(event, reader) else { throw NomadError.permissionDenied }
            let (checkedIn, sessions) = try await CheckInStore.attendance(tx, eventID: eventID)
            return .with {
                $0.eventID = eventID.text
                $0.registered = Int32(event.confirmed + event.waitlisted)
                $0.confirmed = Int32(event.confirmed)
                $0.waitlisted = Int32(event.waitlisted)
                $0.checkedIn = Int32(checkedIn)
                $0.sessions = event.sessions.map { session in
                    .with {
                        $0.sessionID = session.id.text
                        $0.title = session.title
                        $0.room = session.room
                        $0.checkedIn = Int32(sessions[session.id]?.0 ?? 0)
                        $0.checkedOut = Int32(sessions[session.id]?.1 ?? 0)
                    }
                }
            }
        }
    }

    // MARK: - Gate

    /// A credential as scanned, not yet matched to a registration.
    struct Presented: Sendable {
        var ticket: TicketClaims?
        var card: CardQRClaims?
        var withCard: Bool { card != nil }
    }

    /// Verifies the signature offline; a forged, expired or foreign credential
    /// is refused before the database is touched.
    func credential(_ credential: Nomad_Events_V1_AttendeeCredential, present: Bool) throws -> Presented {
        switch credential.credential {
        case .ticketToken(let token)?:
            guard let claims = try? calendar.tickets.verify(token) else { throw CalendarErrors.invalidCredential }
            return Presented(ticket: claims)
        case .cardQr(let payload)?:
            guard let claims = try? CardQR.verify(payload, keys: calendar.cardKeys) else { throw CalendarErrors.invalidCredential }
            return Presented(card: claims)
        case nil:
            throw NomadError.required("credential")
        }
    }

    /// The event and the credential's confirmed registration, checked for the
    /// gate's rights and the place. Holds the registration's share lock, so a
    /// cancellation cannot slip between the check and the passage.
    func admit(
        _ tx: Tx, eventID: UUID, sessionID: UUID?, _ presented: Presented, gate: Principal
    ) async throws -> (EventRecord, RegistrationRecord) {
        guard let event = try await EventStore.find(tx, id: eventID) else {
            throw CalendarErrors.eventNotFound
        }
        guard EventRules.mayRunGate(event, gate) else { throw NomadError.permissionDenied }
        guard event.status == .published else { throw CalendarErrors.eventNotRunning }
        if let sessionID, !event.sessions.contains(where: { $0.id == sessionID }) {
            throw NomadError.notFound("session")
        }
        var registration: RegistrationRecord?
        if let ticket = presented.ticket {
            guard ticket.evt == eventID.text else { throw CalendarErrors.ticketForAnotherEvent }
            guard let id = UUID(uuidString: ticket.reg) else { throw CalendarErrors.invalidCredential }
            registration = try await RegistrationStore.find(tx, id: id, lock: .share)
        } else if let card = presented.card {
            guard let attendee = UUID(uuidString: card.sub) else { throw CalendarErrors.invalidCredential }
            registration = try await RegistrationStore.live(
                tx, eventID: eventID, attendeeID: attendee, lock: .share)
            // A ticket bound to a card admits that card only.
            if let registration, let bound = try await RegistrationStore.cardHash(tx, id: registration.id),
                bound != RegistrationRules.cardHash(card.card, protection)
            {
                throw CalendarErrors.cardNotRegistered
            }
        }
        guard let registration, registration.status == .confirmed else { throw CalendarErrors.notConfirmed }
        return (event, registration)
    }
}

// "events.checkin.recorded" (event_id, session_id (empty for the event's own
// gate), attendee_id, attendee_role as registered, event_kind, area, visit_day
// in the zone, with_card; no card number) is written by `check_in`
// (migration 16; schema version 2, version 1 had no attendee_role).
