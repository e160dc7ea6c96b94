import Foundation
import Logging
import NomadKit
import PostgresNIO

struct RegistrationRecord: Sendable {
    var id: UUID
    var eventID: UUID
    var attendeeID: UUID
    var attendeeRole: String
    var status: RegistrationStatus
    var waitlistSeq: Int64?
    /// 1 for the next to be promoted; 0 unless waitlisted.
    var waitlistPosition: Int
    var hasCard: Bool
    var checkedIn: Bool
    var createdAt: Date
    var updatedAt: Date
}

/// Registrations. Inserts (`register_for_event`, migration 15) and status
/// changes happen under the event's row lock (see EventStore); reads compute
/// the live waitlist position.
enum RegistrationStore {
    /// Position = how many waitlisted registrations of the event arrived no later.
    static let columns = """
        r.id, r.event_id, r.attendee_id, r.attendee_role, r.status, r.waitlist_seq,
        CASE WHEN r.status = \(RegistrationStatus.waitlisted.rawValue) THEN (SELECT count(*) FROM registrations w
          WHERE w.event_id = r.event_id AND w.status = \(RegistrationStatus.waitlisted.rawValue) AND w.waitlist_seq <= r.waitlist_seq) ELSE 0 END AS position,
        r.card_hash IS NOT NULL AS has_card,
        EXISTS (SELECT 1 FROM checkins c WHERE c.registration_id = r.id AND c.session_id IS NULL) AS checked_in,
        r.created_at, r.updated_at
        """

    static func find(
        _ tx: Tx, id: UUID, lock: RowLock = .none
    ) async throws -> RegistrationRecord? {
        if lock != .none {
            _ = try await tx.query("SELECT 1 FROM registrations WHERE id = \(id)\(unescaped: lock.sql)").collect()
        }
        let rows = try await tx.query(
            "SELECT \(unescaped: columns) FROM registrations r WHERE r.id = \(id)")
        for try await row in rows { return try record(row) }
        return nil
    }

    /// The attendee's confirmed or waitlisted registration for the event.
    static func live(
        _ tx: Tx, eventID: UUID, attendeeID: UUID, lock: RowLock = .none
    ) async throws -> RegistrationRecord? {
        let rows = try await tx.query(
            """
            SELECT id FROM registrations
            WHERE event_id = \(eventID) AND attendee_id = \(attendeeID) AND status IN (\(literals: [RegistrationStatus.confirmed, .waitlisted]))\(unescaped: lock.sql)
            """)
        var id: UUID?
        for try await found in rows.decode(UUID.self) { id = found }
        guard let id else { return nil }
        return try await find(tx, id: id)
    }

    /// The keyed hash of the card the registration was made with, for the
    /// ticket and the gate's card check.
    static func cardHash(_ tx: Tx, id: UUID) async throws -> Data? {
        let rows = try await tx.query("SELECT card_hash FROM registrations WHERE id = \(id)")
        for try await card in rows.decode(Data?.self) { return card }
        return nil
    }

    /// The waitlisted registration that arrived first, locked. Call under the event's row lock.
    static func firstWaitlisted(_ tx: Tx, eventID: UUID) async throws -> UUID? {
        let rows = try await tx.query(
            """
            SELECT id FROM registrations WHERE event_id = \(eventID) AND status = \(literal: RegistrationStatus.waitlisted)
            ORDER BY waitlist_seq LIMIT 1 FOR UPDATE
            """)
        for try await id in rows.decode(UUID.self) { return id }
        return nil
    }

    static func setStatus(
        _ tx: Tx, id: UUID, _ status: RegistrationStatus
    ) async throws {
        try await tx.query(
            """
            UPDATE registrations SET status = \(status.rawValue), updated_at = now() WHERE id = \(id)
            """)
    }

    /// Every registration of an event in arrival order; `status` nil lists all.
    static func list(
        _ tx: Tx, eventID: UUID, status: Int16?, page: Page
    ) async throws -> [RegistrationRecord] {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM registrations r
            WHERE r.event_id = \(eventID) AND (\(status)::smallint IS NULL OR r.status = \(status))
            ORDER BY r.waitlist_seq NULLS FIRST, r.created_at, r.id LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        var out: [RegistrationRecord] = []
        for try await row in rows { out.append(try record(row)) }
        return out
    }

    /// The attendee's own registrations, newest first.
    static func mine(
        _ tx: Tx, attendeeID: UUID, page: Page
    ) async throws -> [RegistrationRecord] {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM registrations r WHERE r.attendee_id = \(attendeeID)
            ORDER BY r.created_at DESC, r.id LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        var out: [RegistrationRecord] = []
        for try await row in rows { out.append(try record(row)) }
        return out
    }

    /// Live registrations and how many of them passed the event's gate.
    static func counts(_ tx: Tx, eventID: UUID) async throws -> (registered: Int, checkedIn: Int) {
        let rows = try await tx.query(
            """
            SELECT count(*) FILTER (WHERE r.status IN (\(literals: [RegistrationStatus.confirmed, .waitlisted]))),
                   count(*) FILTER (WHERE r.status = \(literal: RegistrationStatus.confirmed) AND EXISTS (
                     SELECT 1 FROM checkins c WHERE c.registration_id = r.id AND c.session_id IS NULL))
            FROM registrations r WHERE r.event_id = \(eventID)
            """)
        for try await (registered, checkedIn) in rows.decode((Int, Int).self) { return (registered, checkedIn) }
        return (0, 0)
    }

    private static func record(_ row: PostgresRow) throws -> RegistrationRecord {
        let r = row.makeRandomAccess()
        return RegistrationRecord(
            id: try r["id"].decode(UUID.self),
            eventID: try r["event_id"].decode(UUID.self),
            attendeeID: try r["attendee_id"].decode(UUID.self),
            attendeeRole: try r["attendee_role"].decode(String.self),
            status: RegistrationStatus(rawValue: try r["status"].decode(Int16.self)) ?? .cancelled,
            waitlistSeq: try r["waitlist_seq"].decode(Int64?.self),
            waitlistPosition: try r["position"].decode(Int.self),
            hasCard: try r["has_card"].decode(Bool.self),
            checkedIn: try r["checked_in"].decode(Bool.self),
            createdAt: try r["created_at"].decode(Date.self),
            updatedAt: try r["updated_at"].decode(Date.self))
    }
}
