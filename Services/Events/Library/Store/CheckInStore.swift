import Foundation
import Logging
import NomadKit
import PostgresNIO

struct CheckInRow: Sendable {
    var id: UUID
    var eventID: UUID
    var sessionID: UUID?
    var registrationID: UUID
    var attendeeID: UUID
    /// 1 in, 2 out.
    var direction: Int16
    var withCard: Bool
    var at: Date
}

/// Gate passages. Once per registration, place and direction: the unique
/// constraint decides, so two gates scanning one ticket at once record one
/// passage and refuse the other.
enum CheckInStore {
    static func record(
        _ tx: Tx, eventID: UUID, sessionID: UUID?, registrationID: UUID, attendeeID: UUID,
        direction: Int16, withCard: Bool
    ) async throws -> CheckInRow {
        let rows = try await tx.query(
            """
            INSERT INTO checkins (id, event_id, session_id, registration_id, attendee_id, direction, with_card)
            VALUES (\(UUID()), \(eventID), \(sessionID), \(registrationID), \(attendeeID), \(direction), \(withCard))
            ON CONFLICT DO NOTHING
            RETURNING id, at
            """)
        for try await (id, at) in rows.decode((UUID, Date).self) {
            return CheckInRow(
                id: id, eventID: eventID, sessionID: sessionID, registrationID: registrationID, attendeeID: attendeeID,
                direction: direction, withCard: withCard, at: at)
        }
        throw CalendarErrors.alreadyCheckedIn
    }

    static func exists(
        _ tx: Tx, registrationID: UUID, sessionID: UUID?, direction: Int16
    ) async throws -> Bool {
        try await tx.query(
            """
            SELECT 1 FROM checkins WHERE registration_id = \(registrationID)
              AND session_id IS NOT DISTINCT FROM \(sessionID) AND direction = \(direction)
            """
        ).collect().count > 0
    }

    /// Event-gate check-ins, and per session (id → (in, out)).
    static func attendance(
        _ tx: Tx, eventID: UUID
    ) async throws -> (checkedIn: Int, sessions: [UUID: (Int, Int)]) {
        var checkedIn = 0
        var sessions: [UUID: (Int, Int)] = [:]
        for try await (session, inCount, outCount) in try await tx.query(
            """
            SELECT session_id, count(*) FILTER (WHERE direction = 1), count(*) FILTER (WHERE direction = 2)
            FROM checkins WHERE event_id = \(eventID) GROUP BY session_id
            """
        ).decode((UUID?, Int, Int).self) {
            if let session { sessions[session] = (inCount, outCount) } else { checkedIn = inCount }
        }
        return (checkedIn, sessions)
    }
}
