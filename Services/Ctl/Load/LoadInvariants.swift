import Foundation
import Logging
import NomadKit
import PostgresNIO

/// What must hold in the jobs schema after any load, whatever replica
/// answered and whichever one died: read straight from the database.
enum LoadInvariants {
    struct Check: Sendable {
        let name: String
        let holds: Bool
        let detail: String
    }

    static func check(databaseURL: String, schema: String, acknowledged: [AcknowledgedClaim]) async throws -> [Check] {
        let logger = Logger(label: "nomadctl.load")
        let client = try Database.makeClient(url: databaseURL, schema: schema, poolSize: 1, logger: logger)
        return try await withThrowingTaskGroup(of: [Check]?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            func count(_ query: PostgresQuery) async throws -> Int {
                let rows = try await client.query(query, logger: logger)
                for try await value in rows.decode(Int.self) { return value }
                return 0
            }
            let overflow = try await count("SELECT count(*)::int8 FROM jobs WHERE seats_taken > seats")
            let miscounted = try await count(
                """
                SELECT count(*)::int8 FROM jobs j
                WHERE j.seats_taken <> (SELECT count(*) FROM orders o WHERE o.job_id = j.id AND o.holds_seat)
                """)
            let doubleAssigned = try await count(
                """
                SELECT count(*)::int8 FROM (
                  SELECT o.job_id FROM orders o JOIN jobs j ON j.id = o.job_id
                  WHERE j.seats = 1 AND o.holds_seat GROUP BY o.job_id HAVING count(*) > 1) AS twice
                """)
            let ids = acknowledged.compactMap { UUID(uuidString: $0.orderID) }
            let present = try await count("SELECT count(*)::int8 FROM orders WHERE id = ANY(\(ids)) AND holds_seat")
            let totalOrders = try await count("SELECT count(*)::int8 FROM orders WHERE holds_seat")
            return [
                Check(name: "no job holds more seats than it has", holds: overflow == 0, detail: "\(overflow) jobs over"),
                Check(
                    name: "every job's seat count equals the orders holding its seats", holds: miscounted == 0,
                    detail: "\(miscounted) jobs differ"),
                Check(
                    name: "no single-seat job has two assignees", holds: doubleAssigned == 0,
                    detail: "\(doubleAssigned) jobs with two"),
                Check(
                    name: "every acknowledged claim is in the database", holds: present == ids.count,
                    detail: "\(present) of \(ids.count) acknowledged claims found; \(totalOrders) seat-holding orders in all"),
            ]
        }
    }
}
