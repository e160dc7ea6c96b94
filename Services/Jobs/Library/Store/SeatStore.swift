import Foundation
import NomadKit
import NomadProtos
import PostgresNIO

/// A job's seats. Every change happens in one UPDATE of the job row, so the
/// row lock serialises claims from every replica, and the table's CHECK
/// (seats_taken <= seats) is the last guard.
enum SeatStore {
    struct Taken: Sendable {
        var enterpriseID: UUID
        var mode: Int16
        var seatsTaken: Int
        var seats: Int
    }

    /// Takes a seat for an accepted application if the job is open and before
    /// its deadline. The last seat marks the job FILLED. (A direct claim takes
    /// its seat in `claim_job`, jobs migration 6, under the same rule.)
    static func take(_ tx: Tx, jobID: UUID) async throws -> Taken? {
        let rows = try await tx.query(
            """
            UPDATE jobs SET seats_taken = seats_taken + 1,
              status = CASE WHEN seats_taken + 1 = seats THEN \(literal: Nomad_Jobs_V1_JobStatus.filled) ELSE status END, updated_at = now()
            WHERE id = \(jobID) AND status = \(literal: Nomad_Jobs_V1_JobStatus.open) AND seats_taken < seats AND deadline > now()
            RETURNING enterprise_id, mode, seats_taken, seats
            """)
        for try await (enterprise, mode, taken, seats) in rows.decode((UUID, Int16, Int, Int).self) {
            return Taken(enterpriseID: enterprise, mode: mode, seatsTaken: taken, seats: seats)
        }
        return nil
    }

    /// Gives a seat back (a cancelled order); a FILLED job reopens unless it
    /// was closed meanwhile.
    static func release(_ tx: Tx, jobID: UUID) async throws {
        try await tx.query(
            """
            UPDATE jobs SET seats_taken = seats_taken - 1,
              status = CASE WHEN status = \(literal: Nomad_Jobs_V1_JobStatus.filled) THEN \(literal: Nomad_Jobs_V1_JobStatus.open) ELSE status END, updated_at = now()
            WHERE id = \(jobID) AND seats_taken > 0
            """)
    }

    /// Why a seat could not be taken, read after `take` found none.
    static func refusal(_ tx: Tx, jobID: UUID) async throws -> NomadError {
        let rows = try await tx.query(
            "SELECT status, deadline > now() FROM jobs WHERE id = \(jobID)")
        for try await (status, beforeDeadline) in rows.decode((Int16, Bool).self) {
            if status == 1, !beforeDeadline { return JobsErrors.jobDeadlinePassed }
            return JobsErrors.jobNotOpen
        }
        return NomadError.notFound("job")
    }
}
