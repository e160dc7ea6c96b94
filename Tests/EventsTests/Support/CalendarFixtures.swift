import Foundation
import GRPCCore
@testable import Events
import Logging
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf

/// Steps the calendar tests share, through the public RPCs, plus direct SQL
/// for what no RPC can arrange (time passing) or observe (outbox rows).
extension EventsEnv {

    static func eventDraft(
        kind: Nomad_Events_V1_EventKind = .forum, capacity: Int32 = 100,
        start: Date = Date().addingTimeInterval(7 * 86400), hours: Double = 8,
        closes: Date? = nil, online: Bool = false, extraLanguages: [String: String] = [:],
        sessions: [(String, String, Double, Double)] = [("Opening keynote", "Hall A", 0, 2), ("Data economy panel", "Room 2", 2, 4)]
    ) -> Nomad_Events_V1_Event {
        .with {
            $0.kind = kind
            $0.title = ["zh-CN": "儋州洋浦数字经济论坛", "en": "Danzhou-Yangpu Digital Economy Forum"].merging(extraLanguages) { a, _ in a }
            $0.description_p = ["zh-CN": "数字游民与企业的年度论坛", "en": "The yearly forum of nomads and enterprises"]
            if online {
                $0.venue.online = .with { $0.url = "https://live.example.cn/forum" }
            } else {
                $0.venue.site = .with {
                    $0.siteID = "site-xinying-01"; $0.area = .core; $0.address = "新英湾 1 号"
                }
            }
            $0.startTime = .init(date: start)
            $0.endTime = .init(date: start.addingTimeInterval(hours * 3600))
            if let closes { $0.registrationCloseTime = .init(date: closes) }
            $0.capacity = capacity
            $0.sessions = sessions.map { session in
                .with {
                    $0.title = session.0
                    $0.room = session.1
                    $0.startTime = .init(date: start.addingTimeInterval(session.2 * 3600))
                    $0.endTime = .init(date: start.addingTimeInterval(session.3 * 3600))
                    $0.speakers = [
                        .with {
                            $0.name = "李明"; $0.affiliation = "Yangpu Port Authority"
                        }
                    ]
                }
            }
        }
    }

    func createEvent(
        by organizer: Caller, _ event: Nomad_Events_V1_Event = EventsEnv.eventDraft(), requestID: String = UUID().uuidString
    ) async throws -> Nomad_Events_V1_Event {
        try await client.createEvent(
            .with {
                $0.requestID = requestID
                $0.event = event
            }, metadata: organizer.metadata)
    }

    func publishEvent(_ event: Nomad_Events_V1_Event, by organizer: Caller) async throws -> Nomad_Events_V1_Event {
        try await client.publishEvent(
            .with {
                $0.requestID = UUID().uuidString
                $0.eventID = event.eventID
            }, metadata: organizer.metadata)
    }

    /// A published event organized by `organizer`.
    func publishedEvent(
        by organizer: Caller, _ event: Nomad_Events_V1_Event = EventsEnv.eventDraft()
    ) async throws -> Nomad_Events_V1_Event {
        try await publishEvent(try await createEvent(by: organizer, event), by: organizer)
    }

    /// With `card`, the attendee presents a fresh QR of that card as theirs
    /// (identity signs QRs only for a card's holder); `cardQR` sends any payload.
    func registerForEvent(
        _ attendee: Caller, for event: Nomad_Events_V1_Event, card: String = "", cardQR: String? = nil,
        cardNumber: String = "", requestID: String = UUID().uuidString
    ) async throws -> Nomad_Events_V1_EventRegistration {
        try await client.registerForEvent(
            .with {
                $0.requestID = requestID
                $0.eventID = event.eventID
                $0.cardNumber = cardNumber
                if let cardQR {
                    $0.cardQr = cardQR
                } else if !card.isEmpty {
                    $0.cardQr = EventsEnv.cardQR(for: attendee, card: card)
                }
            }, metadata: attendee.metadata)
    }

    func cancelRegistration(
        _ registration: Nomad_Events_V1_EventRegistration, by caller: Caller, requestID: String = UUID().uuidString
    ) async throws -> Nomad_Events_V1_EventRegistration {
        try await client.cancelRegistration(
            .with {
                $0.requestID = requestID
                $0.registrationID = registration.registrationID
            }, metadata: caller.metadata)
    }

    func getTicket(_ registration: Nomad_Events_V1_EventRegistration, by caller: Caller) async throws -> Nomad_Events_V1_EventTicket {
        try await client.getTicket(.with { $0.registrationID = registration.registrationID }, metadata: caller.metadata)
    }

    func checkIn(
        _ event: Nomad_Events_V1_Event, ticket: String? = nil, cardQR: String? = nil, session: String = "", by gate: Caller,
        requestID: String = UUID().uuidString
    ) async throws -> Nomad_Events_V1_CheckInRecord {
        try await client.checkIn(
            .with {
                $0.requestID = requestID
                $0.eventID = event.eventID
                $0.sessionID = session
                if let ticket { $0.credential.ticketToken = ticket }
                if let cardQR { $0.credential.cardQr = cardQR }
            }, metadata: gate.metadata)
    }

    func checkOut(
        _ event: Nomad_Events_V1_Event, ticket: String, session: String, by gate: Caller
    ) async throws -> Nomad_Events_V1_CheckInRecord {
        try await client.checkOut(
            .with {
                $0.requestID = UUID().uuidString
                $0.eventID = event.eventID
                $0.sessionID = session
                $0.credential.ticketToken = ticket
            }, metadata: gate.metadata)
    }

    /// A one-card QR as identity would sign it for `holder`.
    static func cardQR(for holder: Caller, card: String = "HN4600001", lifetime: TimeInterval = 300) -> String {
        let now = Date()
        return try! CardQR.sign(
            CardQRClaims(
                card: card, sub: holder.id, iat: Int64(now.timeIntervalSince1970),
                exp: Int64(now.addingTimeInterval(lifetime).timeIntervalSince1970)), with: TestKeys.signing)
    }

    /// Moves an event's times by `seconds` (negative: into the past), as time passing would.
    func shiftEvent(_ event: Nomad_Events_V1_Event, by seconds: Double) async throws {
        let id = UUID(uuidString: event.eventID)!
        let interval = "\(Int(seconds)) seconds"
        try await calendarSQL(
            """
            UPDATE events SET starts_at = starts_at + \(interval)::interval, ends_at = ends_at + \(interval)::interval,
              registration_closes_at = registration_closes_at + \(interval)::interval WHERE id = \(id)
            """)
        try await calendarSQL(
            """
            UPDATE event_sessions SET starts_at = starts_at + \(interval)::interval, ends_at = ends_at + \(interval)::interval
            WHERE event_id = \(id)
            """)
    }

    func calendarSQL(_ query: PostgresQuery) async throws {
        try await app.withSchemaConnection { tx in
            _ = try await tx.query(query).collect()
        }
    }

    func calendarCount(_ query: PostgresQuery) async throws -> Int {
        try await app.withSchemaConnection { tx in
            try await tx.query(query).collect().first!.decode(Int.self)
        }
    }
}
