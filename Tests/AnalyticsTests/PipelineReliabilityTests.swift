import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The issue's acceptance for the pipeline, with every service a real process
/// on its own schema of one database, as in production.
@Suite struct PipelineReliabilityTests {
    /// (1) Analytics is away while identity, jobs, assets and events take
    /// 1,000 mutations; once it starts, every event arrives exactly once.
    @Test func everyEventArrivesOnceAfterAnalyticsWasAway() async throws {
        try await Pipeline.run(Pipeline.members(analyticsRunning: false)) { suite in
            let written = try await PipelineMutations.thousand(suite)
            // Each mutation wrote exactly the events it should, and none left.
            let types = [
                "identity": "identity.site.created", "jobs": "jobs.skill.created",
                "assets": "assets.voucher.issued", "events": "events.event.published",
            ]
            for name in Pipeline.producers {
                let counts = try await suite[name].withDatabase { tx in
                    try await tx.query(
                        """
                        SELECT count(*) FILTER (WHERE type = \(types[name]!)), count(*),
                               count(*) FILTER (WHERE delivered_at IS NULL) FROM outbox
                        """
                    ).collect().first!.decode((Int, Int, Int).self)
                }
                #expect(counts.0 == written[name], "\(name): \(counts.0) \(types[name]!) events")
                #expect(counts.1 == written[name], "\(name): \(counts.1) outbox rows in all")
                #expect(counts.2 == counts.1, "\(name): delivered while analytics was stopped")
            }
            try await suite["analytics"].start()
            try await Pipeline.expectExactlyOnce(suite)
        }
    }

    /// (2) A producer is killed with SIGKILL while a batch is in flight (held
    /// there by a row lock of ours in analytics' table), after analytics stored
    /// some but not all of its events; restarted on the same schema and port,
    /// it resends what it had not marked delivered and every event is still
    /// stored exactly once.
    @Test func aProducerKilledMidRelayRestartsAndDeliversOnce() async throws {
        let members = [SuiteMember("jobs", startsRunning: false), SuiteMember("analytics")]
        try await Pipeline.run(members) { suite in
            let jobs = suite["jobs"], analytics = suite["analytics"]
            // Analytics has created its schema; it goes away while jobs takes writes.
            await analytics.stop()
            try await jobs.start()
            let count = 600
            try await inParallel(count) { try await PipelineMutations.createSkill(suite, $0, prefix: "kill") }
            // The 251st event in relay order: a transaction of ours inserts its id
            // into ingested_events and stays open, so analytics' insert of the
            // batch that carries it waits on our row lock. Batches before it are
            // stored; that batch is held in flight, its outbox rows locked by jobs.
            let held = try await jobs.withDatabase { tx in
                try await tx.query(
                    "SELECT id FROM outbox ORDER BY occurred_at, id OFFSET 250 LIMIT 1"
                ).collect().first!.decode(UUID.self)
            }
            try await analytics.withDatabase { blocker in
                _ = try await blocker.query("BEGIN")
                _ = try await blocker.query(
                    """
                    INSERT INTO ingested_events (id, source_service, type, schema_version, occurred_at, subject_ids, payload)
                    VALUES (\(held), 'blocker', 'tests.blocker', 1, now(), '{}', '{}')
                    """)
                try await analytics.start()
                // Statistics views are a snapshot per transaction, so the open
                // blocker cannot watch for the waiting insert: another connection does.
                let inFlight = try await eventually(cap: 1200, every: .milliseconds(100)) {
                    let stored = try await Pipeline.storedCount(analytics, from: "jobs")
                    guard stored > 0 else { return false }
                    return try await Pipeline.ingestWaitingOnALock(analytics)
                }
                #expect(inFlight, "analytics never held part of the events with a batch in flight")
                let before = try await Pipeline.storedCount(analytics, from: "jobs")
                #expect(before > 0 && before <= 250, "analytics held \(before) of \(count) when jobs was killed")
                await jobs.stop(SIGKILL)
                _ = try await blocker.query("ROLLBACK")
            }
            // Whether analytics still commits the batch whose caller died is its
            // own business (both are fine): wait until that insert is over.
            let settled = try await eventually(cap: 300, every: .milliseconds(100)) { try await !Pipeline.ingestWaitingOnALock(analytics) }
            #expect(settled)
            let stored = try await Pipeline.storedCount(analytics, from: "jobs")
            #expect(stored < count, "analytics should not hold everything before the restart")
            let undelivered = try await Pipeline.outbox(jobs).undelivered
            print("pipeline: jobs killed; analytics holds \(stored) of \(count), \(count - undelivered) marked delivered")
            try await jobs.start()
            try await Pipeline.expectExactlyOnce(suite, producers: ["jobs"])
        }
    }

    /// (3) The same event delivered twice by hand, through IngestEvents and by
    /// resetting its outbox row so the relay sends it again: stored once, and
    /// the certified-nomads KPI counts it once.
    @Test func anEventDeliveredTwiceIsStoredAndCountedOnce() async throws {
        let members = [SuiteMember("identity"), SuiteMember("analytics")]
        try await Pipeline.run(members) { suite in
            let identity = Nomad_Identity_V1_IdentityService.Client(wrapping: try suite["identity"].client)
            let nomad = try await ScenarioIdentity.registerNomad(
                identity, username: "twice-\(UUID().uuidString.prefix(8).lowercased())", nationality: "DE")
            try await ScenarioIdentity.certify(identity, nomad: nomad)
            try await Pipeline.expectExactlyOnce(suite, producers: ["identity"])
            let event = try await suite["identity"].withDatabase { tx in
                try await tx.query(
                    """
                    SELECT id, type, schema_version, subject_ids::text, payload::text, occurred_at FROM outbox
                    WHERE type = 'identity.nomad.certified'
                    """
                ).collect().first!.decode((UUID, String, Int, String, String, Date).self)
            }
            let analytics = Nomad_Analytics_V1_AnalyticsService.Client(wrapping: try suite["analytics"].client)
            let relay = TestCaller(id: UUID().text, token: try AnalyticsEnv.serviceTokens.issue(caller: UUID(), for: .ingestEvents).token)
            let again = Nomad_Common_V1_DomainEvent(
                id: event.0, source: "identity", type: event.1, schemaVersion: event.2, occurredAt: event.5,
                subjectIDsJSON: event.3, payloadJSON: event.4)
            for _ in 0..<2 {
                let answer = try await analytics.ingestEvents(.with { $0.events = [again] }, metadata: relay.metadata)
                #expect(answer.storedEventIds == [event.0.text])
            }
            try await suite["identity"].withDatabase { tx in
                _ = try await tx.query(
                    "UPDATE outbox SET delivered_at = NULL WHERE id = \(event.0)")
            }
            try await Pipeline.expectExactlyOnce(suite, producers: ["identity"])
            let copies = try await suite["analytics"].withDatabase { tx in
                try await tx.query(
                    "SELECT count(*) FROM ingested_events WHERE id = \(event.0)"
                ).collect().first!.decode(Int.self)
            }
            #expect(copies == 1)
            let officer = TestCaller.make(.officer, department: "analytics")
            let kpis = try await analytics.listKpis(.init(), metadata: officer.metadata)
            let certified = kpis.kpis.first { $0.kpi.code == "certified_nomads" }
            #expect(certified?.value == 1, "certified_nomads: \(String(describing: certified?.value))")
        }
    }
}
