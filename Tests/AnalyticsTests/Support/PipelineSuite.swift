import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import Testing

/// The four producers and analytics as real processes, and what the pipeline
/// tests observe of them: outbox rows in each producer's schema, stored events
/// in analytics' schema.
enum Pipeline {
    static let producers = ["identity", "jobs", "assets", "events"]

    /// identity, jobs, assets and events relaying to analytics; analytics runs
    /// from the start unless `analyticsRunning` is false.
    static func members(analyticsRunning: Bool = true, producersRunning: Bool = true) -> [SuiteMember] {
        producers.map { SuiteMember($0, startsRunning: producersRunning) }
            + [SuiteMember("analytics", startsRunning: analyticsRunning)]
    }

    static func run<Result: Sendable>(
        _ members: [SuiteMember], _ body: (ServiceSuite) async throws -> Result
    ) async throws -> Result {
        try await withServiceSuite(members, serviceTokenKey: AnalyticsEnv.serviceKey, body)
    }

    /// Every outbox event id of `producer`, and how many are still undelivered.
    static func outbox(_ producer: SuiteService) async throws -> (ids: [String], undelivered: Int) {
        try await producer.withDatabase { tx in
            var ids: [String] = []
            var undelivered = 0
            for try await (id, delivered) in try await tx.query(
                "SELECT id, delivered_at IS NOT NULL FROM outbox"
            ).decode((UUID, Bool).self) {
                ids.append(id.text)
                if !delivered { undelivered += 1 }
            }
            return (ids, undelivered)
        }
    }

    /// Every event id analytics holds from `source`, with repeats if there were any.
    static func stored(_ analytics: SuiteService, from source: String) async throws -> [String] {
        try await analytics.withDatabase { tx in
            var ids: [String] = []
            for try await id in try await tx.query(
                "SELECT id FROM ingested_events WHERE source_service = \(source)"
            ).decode(UUID.self) {
                ids.append(id.text)
            }
            return ids
        }
    }

    static func storedCount(_ analytics: SuiteService, from source: String) async throws -> Int {
        try await analytics.withDatabase { tx in
            try await tx.query(
                "SELECT count(*) FROM ingested_events WHERE source_service = \(source)"
            ).collect().first!.decode(Int.self)
        }
    }

    /// Whether an insert into analytics' ingested_events waits on a row lock
    /// (a batch held in flight).
    static func ingestWaitingOnALock(_ analytics: SuiteService) async throws -> Bool {
        try await analytics.withDatabase { tx in
            try await tx.query(
                """
                SELECT count(*) FROM pg_stat_activity
                WHERE wait_event_type = 'Lock' AND query ILIKE '%INSERT INTO ingested_events%' AND pid <> pg_backend_pid()
                """
            ).collect().first!.decode(Int.self) > 0
        }
    }

    /// Waits until every outbox row of each producer is delivered and analytics
    /// holds as many events from it, then checks exactly-once: the same ids on
    /// both sides, none twice, all marked delivered.
    static func expectExactlyOnce(_ suite: ServiceSuite, producers: [String] = producers) async throws {
        let analytics = suite["analytics"]
        for name in producers {
            let producer = suite[name]
            let drained = try await eventually(cap: 1200, every: .milliseconds(100)) {
                let rows = try await outbox(producer)
                guard rows.undelivered == 0 else { return false }
                return try await storedCount(analytics, from: name) >= rows.ids.count
            }
            #expect(drained, "\(name): the outbox did not drain into analytics")
            let rows = try await outbox(producer)
            let held = try await stored(analytics, from: name)
            #expect(rows.undelivered == 0, "\(name): \(rows.undelivered) rows not marked delivered")
            #expect(Set(held).count == held.count, "\(name): an event stored twice")
            #expect(held.count == rows.ids.count, "\(name): \(held.count) stored, \(rows.ids.count) in the outbox")
            #expect(Set(held) == Set(rows.ids), "\(name): stored ids differ from the outbox ids")
        }
    }
}
