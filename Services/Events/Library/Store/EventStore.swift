import Foundation
import Logging
import NomadKit
import PostgresNIO

/// An event as stored, with its sessions.
struct EventRecord: Sendable {
    var id: UUID
    var kind: Int16
    var title: [String: String]
    var description: [String: String]
    var siteID: String?
    var siteArea: Int16?
    var siteAddress: String
    var onlineURL: String?
    var startsAt: Date
    var endsAt: Date
    var closesAt: Date
    var capacity: Int
    var organizerID: UUID
    var organizerRole: String
    var status: EventStatus
    var cancelReason: String
    var confirmed: Int
    var waitlisted: Int
    var waitlistSeq: Int64
    var createdAt: Date
    var updatedAt: Date
    var sessions: [SessionRecord] = []

    var isOnline: Bool { onlineURL != nil }
}

struct SessionRecord: Sendable {
    var id: UUID
    var title: String
    var room: String
    var startsAt: Date
    var endsAt: Date
    var speakers: [SessionSpeaker]
}

/// Events and their sessions. Every change to an event's seats holds the
/// event's row lock (`find(lock: .update)`), so registrations and
/// cancellations are decided one at a time whichever replica they land on.
enum EventStore {
    static let columns = """
        id, kind, title::text, description::text, site_id, site_area, site_address, online_url, starts_at, ends_at,
        registration_closes_at, capacity, organizer_id, organizer_role, status, cancel_reason, confirmed, waitlisted,
        waitlist_seq, created_at, updated_at
        """

    static func insert(
        _ tx: Tx, id: UUID, draft: EventDraft, organizer: Principal
    ) async throws {
        let (siteID, area, address, url) = venueColumns(draft.venue)
        let title = try json(draft.title), description = try json(draft.description)
        try await tx.query(
            """
            INSERT INTO events (id, kind, title, description, site_id, site_area, site_address, online_url, starts_at,
              ends_at, registration_closes_at, capacity, organizer_id, organizer_role)
            VALUES (\(id), \(draft.kind), \(title)::jsonb, \(description)::jsonb,
              \(siteID), \(area), \(address), \(url), \(draft.startsAt), \(draft.endsAt), \(draft.closesAt),
              \(draft.capacity), \(organizer.accountID), \(organizer.role.rawValue))
            """)
        try await replaceSessions(tx, eventID: id, draft.sessions)
    }

    /// Replaces the editable fields. Call under the event's row lock.
    static func update(_ tx: Tx, id: UUID, draft: EventDraft) async throws {
        let (siteID, area, address, url) = venueColumns(draft.venue)
        let title = try json(draft.title), description = try json(draft.description)
        try await tx.query(
            """
            UPDATE events SET kind = \(draft.kind), title = \(title)::jsonb,
              description = \(description)::jsonb, site_id = \(siteID), site_area = \(area),
              site_address = \(address), online_url = \(url), starts_at = \(draft.startsAt), ends_at = \(draft.endsAt),
              registration_closes_at = \(draft.closesAt), capacity = \(draft.capacity), updated_at = now()
            WHERE id = \(id)
            """)
        try await replaceSessions(tx, eventID: id, draft.sessions)
    }

    /// Sessions named by id keep it (and their check-ins); the rest are new.
    /// Dropping a session someone has checked into fails on the foreign key.
    private static func replaceSessions(
        _ tx: Tx, eventID: UUID, _ sessions: [SessionDraft]
    ) async throws {
        let keep = sessions.compactMap(\.id)
        try await tx.query(
            "DELETE FROM event_sessions WHERE event_id = \(eventID) AND NOT (id = ANY(\(keep)))")
        for (position, session) in sessions.enumerated() {
            let speakers = try json(session.speakers)
            if let id = session.id {
                let updated = try await tx.query(
                    """
                    UPDATE event_sessions SET position = \(position), title = \(session.title), room = \(session.room),
                      starts_at = \(session.startsAt), ends_at = \(session.endsAt), speakers = \(speakers)::jsonb
                    WHERE id = \(id) AND event_id = \(eventID) RETURNING 1
                    """
                ).collect().count
                guard updated == 1 else { throw NomadError.notFound("session \(id.text)") }
            } else {
                try await tx.query(
                    """
                    INSERT INTO event_sessions (id, event_id, position, title, room, starts_at, ends_at, speakers)
                    VALUES (\(UUID()), \(eventID), \(position), \(session.title), \(session.room), \(session.startsAt),
                      \(session.endsAt), \(speakers)::jsonb)
                    """)
            }
        }
    }

    static func find(
        _ tx: Tx, id: UUID, lock: RowLock = .none
    ) async throws -> EventRecord? {
        let rows = try await tx.query(
            "SELECT \(unescaped: columns) FROM events WHERE id = \(id)\(unescaped: lock.sql)")
        var found: EventRecord?
        for try await row in rows { found = try record(row) }
        guard var event = found else { return nil }
        event.sessions = try await sessions(tx, eventID: id)
        return event
    }

    static func setStatus(
        _ tx: Tx, id: UUID, _ status: EventStatus, reason: String = ""
    ) async throws {
        try await tx.query(
            """
            UPDATE events SET status = \(status.rawValue), cancel_reason = \(reason), updated_at = now() WHERE id = \(id)
            """)
    }

    /// Moves the seat counters; the CHECK on `confirmed` refuses an oversold event.
    static func adjustSeats(
        _ tx: Tx, id: UUID, confirmed: Int, waitlisted: Int
    ) async throws {
        try await tx.query(
            """
            UPDATE events SET confirmed = confirmed + \(confirmed), waitlisted = waitlisted + \(waitlisted),
              updated_at = now()
            WHERE id = \(id)
            """)
    }

    struct Filter: Sendable {
        var kind: Int16?
        var startsAfter: Date?
        var startsBefore: Date?
        var language: String?
        var status: Int16
        var organizerID: UUID?
    }

    /// By start time, soonest first.
    static func list(_ tx: Tx, _ filter: Filter, page: Page) async throws -> [EventRecord] {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM events
            WHERE status = \(filter.status)
              AND (\(filter.kind)::smallint IS NULL OR kind = \(filter.kind))
              AND (\(filter.startsAfter)::timestamptz IS NULL OR starts_at >= \(filter.startsAfter))
              AND (\(filter.startsBefore)::timestamptz IS NULL OR starts_at < \(filter.startsBefore))
              AND (\(filter.language)::text IS NULL OR jsonb_exists(title, \(filter.language)))
              AND (\(filter.organizerID)::uuid IS NULL OR organizer_id = \(filter.organizerID))
            ORDER BY starts_at, id LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        var events: [EventRecord] = []
        for try await row in rows { events.append(try record(row)) }
        for index in events.indices {
            events[index].sessions = try await sessions(tx, eventID: events[index].id)
        }
        return events
    }

    static func sessions(_ tx: Tx, eventID: UUID) async throws -> [SessionRecord] {
        var sessions: [SessionRecord] = []
        for try await (id, title, room, start, end, speakers) in try await tx.query(
            """
            SELECT id, title, room, starts_at, ends_at, speakers::text FROM event_sessions
            WHERE event_id = \(eventID) ORDER BY position
            """
        ).decode((UUID, String, String, Date, Date, String).self) {
            sessions.append(
                SessionRecord(
                    id: id, title: title, room: room, startsAt: start, endsAt: end,
                    speakers: try JSONDecoder().decode([SessionSpeaker].self, from: Data(speakers.utf8))))
        }
        return sessions
    }

    private static func venueColumns(_ venue: EventDraft.Venue) -> (String?, Int16?, String, String?) {
        switch venue {
        case .site(let id, let area, let address): (id, area, address, nil)
        case .online(let url): (nil, nil, "", url)
        }
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private static func record(_ row: PostgresRow) throws -> EventRecord {
        let r = row.makeRandomAccess()
        let decoder = JSONDecoder()
        return EventRecord(
            id: try r["id"].decode(UUID.self),
            kind: try r["kind"].decode(Int16.self),
            title: try decoder.decode([String: String].self, from: Data(try r["title"].decode(String.self).utf8)),
            description: try decoder.decode(
                [String: String].self, from: Data(try r["description"].decode(String.self).utf8)),
            siteID: try r["site_id"].decode(String?.self),
            siteArea: try r["site_area"].decode(Int16?.self),
            siteAddress: try r["site_address"].decode(String.self),
            onlineURL: try r["online_url"].decode(String?.self),
            startsAt: try r["starts_at"].decode(Date.self),
            endsAt: try r["ends_at"].decode(Date.self),
            closesAt: try r["registration_closes_at"].decode(Date.self),
            capacity: try r["capacity"].decode(Int.self),
            organizerID: try r["organizer_id"].decode(UUID.self),
            organizerRole: try r["organizer_role"].decode(String.self),
            status: EventStatus(rawValue: try r["status"].decode(Int16.self)) ?? .draft,
            cancelReason: try r["cancel_reason"].decode(String.self),
            confirmed: try r["confirmed"].decode(Int.self),
            waitlisted: try r["waitlisted"].decode(Int.self),
            waitlistSeq: try r["waitlist_seq"].decode(Int64.self),
            createdAt: try r["created_at"].decode(Date.self),
            updatedAt: try r["updated_at"].decode(Date.self))
    }
}
