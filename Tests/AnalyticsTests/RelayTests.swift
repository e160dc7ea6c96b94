import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import GRPCCore
import NomadKit
import NomadLocal
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

/// The outbox relay of a real service delivering to a real analytics over
/// loopback, both on the test PostgreSQL.
@Suite struct RelayTests {
    @Test func everyMutationArrivesOnceAndIsMarkedDelivered() async throws {
        try await withAnalytics { analytics in
            try await withProducer(analyticsPort: analytics.app.port) { producer in
                for i in 0..<45 { try await producer.write("note \(i)") }
                let delivered = try await eventually { try await producer.outbox().undelivered == 0 }
                #expect(delivered)
                let stored = try await analytics.storedCount("source_service = 'producer'")
                #expect(stored.rows == 45)
                #expect(stored.distinct == 45)
                let outbox = try await producer.outbox()
                #expect(outbox.total == 45)
                // Each outbox row arrived under its own id, with type and subject.
                let ids = try await producer.app.withSchemaConnection { tx in
                    try await tx.query("SELECT id FROM outbox")
                        .collect().map { try $0.decode(UUID.self).text }
                }
                let matched = try await analytics.storedCount("id = ANY('{\(ids.joined(separator: ","))}'::uuid[])")
                #expect(matched.rows == 45)
                let listed = try await analytics.client.listIngestedEvents(
                    .with {
                        $0.type = "producer.note.written"; $0.page.pageSize = 1
                    }, metadata: analytics.admin().metadata)
                #expect(listed.events.first?.event.subjectIds["note_id"] != nil)
                #expect(listed.events.first?.event.payloadJson.contains("note") == true)
                // The relay counts what it delivered and reports the backlog.
                let port = try await producer.app.metricsPort
                let reported = try await eventually {
                    let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
                    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
                    let relayed = lines.first { $0.hasPrefix(#"nomad_outbox_relayed_total{service="producer"}"#) }
                    return (relayed?.split(separator: " ").last.flatMap { Double($0) } ?? 0) >= 45
                        && lines.contains { $0.hasPrefix(#"nomad_outbox_backlog{service="producer"}"#) }
                }
                #expect(reported)
            }
        }
    }

    @Test func eventsWaitWhileAnalyticsIsDownThenArriveExactlyOnce() async throws {
        let port = try Loopback.portForLater()
        try await withProducer(analyticsPort: port) { producer in
            for i in 0..<30 { try await producer.write("while down \(i)") }
            // Nothing listens: the relay fails and backs off, rows stay put.
            let undelivered = try await producer.outbox().undelivered
            #expect(undelivered == 30)
            try await withAnalytics(port: port) { analytics in
                for i in 0..<10 { try await producer.write("after \(i)") }
                let delivered = try await eventually { try await producer.outbox().undelivered == 0 }
                #expect(delivered)
                let stored = try await analytics.storedCount()
                #expect(stored.rows == 40)
                #expect(stored.distinct == 40)
            }
        }
    }

    @Test func analyticsStoppedMidwayLosesNothingAndDuplicatesNothing() async throws {
        let port = try Loopback.portForLater()
        let schema = TestDatabase.freshSchema(prefix: "analytics")
        try await withProducer(analyticsPort: port) { producer in
            try await withAnalytics(port: port, schema: schema) { _ in
                for i in 0..<20 { try await producer.write("first \(i)") }
                _ = try await eventually { try await producer.outbox().undelivered == 0 }
            }
            // Analytics is gone; mutations go on.
            for i in 0..<20 { try await producer.write("second \(i)") }
            try await withAnalytics(port: port, schema: schema) { analytics in
                let delivered = try await eventually { try await producer.outbox().undelivered == 0 }
                #expect(delivered)
                let stored = try await analytics.storedCount()
                #expect(stored.rows == 40)
                #expect(stored.distinct == 40)
            }
        }
    }

    @Test func twoRelaysOverOneOutboxDeliverEachEventOnce() async throws {
        try await withAnalytics { analytics in
            let schema = TestDatabase.freshSchema(prefix: "producer")
            try await withProducer(analyticsPort: analytics.app.port, schema: schema) { first in
                try await withProducer(analyticsPort: analytics.app.port, schema: schema) { second in
                    // Both replicas take mutations at once while both relay.
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for i in 0..<120 {
                            let producer = i % 2 == 0 ? first : second
                            group.addTask { try await producer.write("replica \(i)") }
                        }
                        try await group.waitForAll()
                    }
                    let delivered = try await eventually { try await first.outbox().undelivered == 0 }
                    #expect(delivered)
                    let stored = try await analytics.storedCount()
                    #expect(stored.rows == 120)
                    #expect(stored.distinct == 120)
                }
            }
        }
    }

    @Test func unknownTypesTravelThroughTheRelay() async throws {
        try await withAnalytics { analytics in
            try await withProducer(analyticsPort: analytics.app.port) { producer in
                try await producer.write("type:producer.something.new")
                let arrived = try await eventually {
                    try await analytics.storedCount("type = 'producer.something.new'").rows == 1
                }
                #expect(arrived)
            }
        }
    }

    @Test func batchesTooLargeForAnalyticsAreSplit() async throws {
        try await withAnalytics { analytics in
            try await withProducer(analyticsPort: analytics.app.port) { producer in
                // Three events of 400 kB: together over analytics' 1 MiB request
                // limit (RESOURCE_EXHAUSTED), one at a time within it.
                for i in 0..<3 { try await producer.write("\(i)" + String(repeating: "x", count: 400_000)) }
                try await producer.write("small")
                let delivered = try await eventually { try await producer.outbox().undelivered == 0 }
                #expect(delivered)
                let stored = try await analytics.storedCount()
                #expect(stored.rows == 4)
            }
        }
    }
}
