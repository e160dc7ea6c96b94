import Foundation
import GRPCCore
import Logging
import NomadKit
import PostgresNIO

struct MeetingSlotRecord: Sendable {
    var id: UUID
    var eventID: UUID
    var ownerID: UUID
    var startsAt: Date
    var endsAt: Date
    var location: String
    var topic: String
    var bookedRequestID: UUID?
}

enum MeetingStatus: Int16, Sendable {
    case pending = 1, accepted, declined
}

struct MeetingRequestRecord: Sendable {
    var id: UUID
    var slotID: UUID
    var eventID: UUID
    var requesterID: UUID
    var ownerID: UUID
    var requestMessage: String
    var status: MeetingStatus
    var responseNote: String
    var startsAt: Date
    var endsAt: Date
    var location: String
    var createdAt: Date
}

/// Matchmaking slots and requests. A slot is booked under its own row lock;
/// a requester's outstanding requests are counted under their registration's
/// row lock, so concurrent requests cannot pass the cap together.
enum MeetingStore {
    static let slotColumns = "id, event_id, owner_id, starts_at, ends_at, location, topic, booked_request_id"

    static func insertSlot(_ tx: Tx, _ slot: MeetingSlotRecord) async throws {
        try await tx.query(
            """
            INSERT INTO meeting_slots (id, event_id, owner_id, starts_at, ends_at, location, topic)
            VALUES (\(slot.id), \(slot.eventID), \(slot.ownerID), \(slot.startsAt), \(slot.endsAt), \(slot.location),
              \(slot.topic))
            """)
    }

    /// Whether the owner already offers a slot overlapping [start, end) at the event.
    static func overlaps(
        _ tx: Tx, eventID: UUID, ownerID: UUID, start: Date, end: Date
    ) async throws -> Bool {
        try await tx.query(
            """
            SELECT 1 FROM meeting_slots WHERE event_id = \(eventID) AND owner_id = \(ownerID)
              AND starts_at < \(end) AND ends_at > \(start)
            """
        ).collect().count > 0
    }

    static func findSlot(
        _ tx: Tx, id: UUID, lock: RowLock = .none
    ) async throws -> MeetingSlotRecord? {
        let rows = try await tx.query(
            "SELECT \(unescaped: slotColumns) FROM meeting_slots WHERE id = \(id)\(unescaped: lock.sql)")
        for try await row in rows { return try slot(row) }
        return nil
    }

    static func listSlots(
        _ tx: Tx, eventID: UUID, ownerID: UUID?, openOnly: Bool, page: Page
    ) async throws -> [MeetingSlotRecord] {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: slotColumns) FROM meeting_slots
            WHERE event_id = \(eventID) AND (\(ownerID)::uuid IS NULL OR owner_id = \(ownerID))
              AND (NOT \(openOnly) OR booked_request_id IS NULL)
            ORDER BY starts_at, id LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        var out: [MeetingSlotRecord] = []
        for try await row in rows { out.append(try slot(row)) }
        return out
    }

    static func pendingCount(
        _ tx: Tx, eventID: UUID, requesterID: UUID
    ) async throws -> Int {
        let rows = try await tx.query(
            """
            SELECT count(*) FROM meeting_requests WHERE event_id = \(eventID) AND requester_id = \(requesterID) AND status = \(literal: MeetingStatus.pending)
            """)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    static func insertRequest(
        _ tx: Tx, id: UUID, slot: MeetingSlotRecord, requesterID: UUID, message: String
    ) async throws {
        do {
            try await tx.query(
                """
                INSERT INTO meeting_requests (id, slot_id, event_id, requester_id, owner_id, message)
                VALUES (\(id), \(slot.id), \(slot.eventID), \(requesterID), \(slot.ownerID), \(message))
                """)
        } catch let error as PSQLError where error.isUniqueViolation {
            throw NomadError(.alreadyExists, zh: "您已申请过该时段", en: "You have already requested this slot")
        }
    }

    static let requestColumns = """
        q.id, q.slot_id, q.event_id, q.requester_id, q.owner_id, q.message, q.status, q.response_note,
        s.starts_at, s.ends_at, s.location, q.created_at
        """

    static func findRequest(_ tx: Tx, id: UUID) async throws -> MeetingRequestRecord? {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: requestColumns) FROM meeting_requests q JOIN meeting_slots s ON s.id = q.slot_id
            WHERE q.id = \(id)
            """)
        for try await row in rows { return try request(row) }
        return nil
    }

    /// Books the slot for the request and declines the slot's other pending
    /// requests. Call under the slot's row lock.
    static func accept(
        _ tx: Tx, requestID: UUID, slotID: UUID, note: String
    ) async throws {
        try await tx.query(
            """
            UPDATE meeting_requests SET status = \(literal: MeetingStatus.accepted), response_note = \(note), responded_at = now() WHERE id = \(requestID)
            """)
        try await tx.query(
            "UPDATE meeting_slots SET booked_request_id = \(requestID) WHERE id = \(slotID)")
        try await tx.query(
            """
            UPDATE meeting_requests SET status = \(literal: MeetingStatus.declined), response_note = 'slot booked', responded_at = now()
            WHERE slot_id = \(slotID) AND status = \(literal: MeetingStatus.pending)
            """)
    }

    static func decline(_ tx: Tx, requestID: UUID, note: String) async throws {
        try await tx.query(
            """
            UPDATE meeting_requests SET status = \(literal: MeetingStatus.declined), response_note = \(note), responded_at = now() WHERE id = \(requestID)
            """)
    }

    /// Accepted meetings of `person` (owner or requester) starting in [start, end).
    static func schedule(
        _ tx: Tx, person: UUID, eventID: UUID?, start: Date, end: Date
    ) async throws -> [MeetingRequestRecord] {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: requestColumns) FROM meeting_requests q JOIN meeting_slots s ON s.id = q.slot_id
            WHERE q.status = \(literal: MeetingStatus.accepted) AND (q.owner_id = \(person) OR q.requester_id = \(person))
              AND (\(eventID)::uuid IS NULL OR q.event_id = \(eventID))
              AND s.starts_at >= \(start) AND s.starts_at < \(end)
            ORDER BY s.starts_at, q.id
            """)
        var out: [MeetingRequestRecord] = []
        for try await row in rows { out.append(try request(row)) }
        return out
    }

    /// Whether `person` has an accepted meeting, as either side, in a slot
    /// overlapping [start, end), at any event.
    static func hasAcceptedMeeting(
        _ tx: Tx, person: UUID, start: Date, end: Date
    ) async throws -> Bool {
        let rows = try await tx.query(
            """
            SELECT 1 FROM meeting_requests q JOIN meeting_slots s ON s.id = q.slot_id
            WHERE q.status = \(literal: MeetingStatus.accepted) AND (q.owner_id = \(person) OR q.requester_id = \(person))
              AND s.starts_at < \(end) AND s.ends_at > \(start)
            LIMIT 1
            """)
        for try await _ in rows { return true }
        return false
    }

    /// Serializes the meeting bookings of each person, across slots and
    /// events, until the transaction ends: two owners accepting the same
    /// requester at once would otherwise each find them free. Locks are taken
    /// in one order (by id), so two bookings never wait on each other.
    static func lockPeople(_ tx: Tx, _ people: [UUID]) async throws {
        for person in Set(people).sorted(by: { $0.uuidString < $1.uuidString }) {
            try await tx.query(
                "SELECT pg_advisory_xact_lock(hashtextextended('meeting-person:' || \(person)::text, 0))")
        }
    }

    private static func slot(_ row: PostgresRow) throws -> MeetingSlotRecord {
        let r = row.makeRandomAccess()
        return MeetingSlotRecord(
            id: try r["id"].decode(UUID.self), eventID: try r["event_id"].decode(UUID.self),
            ownerID: try r["owner_id"].decode(UUID.self), startsAt: try r["starts_at"].decode(Date.self),
            endsAt: try r["ends_at"].decode(Date.self), location: try r["location"].decode(String.self),
            topic: try r["topic"].decode(String.self), bookedRequestID: try r["booked_request_id"].decode(UUID?.self))
    }

    private static func request(_ row: PostgresRow) throws -> MeetingRequestRecord {
        let r = row.makeRandomAccess()
        return MeetingRequestRecord(
            id: try r["id"].decode(UUID.self), slotID: try r["slot_id"].decode(UUID.self),
            eventID: try r["event_id"].decode(UUID.self), requesterID: try r["requester_id"].decode(UUID.self),
            ownerID: try r["owner_id"].decode(UUID.self), requestMessage: try r["message"].decode(String.self),
            status: MeetingStatus(rawValue: try r["status"].decode(Int16.self)) ?? .declined,
            responseNote: try r["response_note"].decode(String.self), startsAt: try r["starts_at"].decode(Date.self),
            endsAt: try r["ends_at"].decode(Date.self), location: try r["location"].decode(String.self),
            createdAt: try r["created_at"].decode(Date.self))
    }
}
