import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
@testable import Analytics
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

typealias AnalyticsClient = Nomad_Analytics_V1_AnalyticsService.Client<HTTP2ClientTransport.Posix>

/// A running analytics service and the callers tests need.
struct AnalyticsEnv: TestCallers {
    /// Officers of the tax service decide revenue reports; any officer reads figures.
    static let officerDepartment = "tax"
    let app: TestApp
    let client: AnalyticsClient
}

extension AnalyticsEnv {
    /// The service-token key every test process (analytics and relays) holds.
    static let serviceKey = SigningKey.generate(keyID: "test-service-1")
    static let serviceTokens = ServiceTokens(key: serviceKey)

    /// A caller with a service token, as a relay signs one.
    func service() -> TestCaller {
        let id = UUID()
        return TestCaller(id: id.text, token: try! Self.serviceTokens.issue(caller: id, for: .ingestEvents).token)
    }

    /// How many events with `id` analytics holds (0 or 1 by the primary key).
    func storedCount(_ condition: String = "true") async throws -> (rows: Int, distinct: Int) {
        try await app.withSchemaConnection { tx in
            let row = try await tx.query(
                PostgresQuery(
                    unsafeSQL:
                        "SELECT count(*), count(DISTINCT id) FROM ingested_events WHERE \(condition)")
            ).collect().first!
            let (rows, distinct) = try row.decode((Int, Int).self)
            return (rows, distinct)
        }
    }
}

extension AnalyticsEnv {
    /// An officer of the department that records high-tech recognitions.
    func recognitionOfficer() -> TestCaller { officer("science_industry") }

    /// Through the real IngestEvents RPC, in batches as a relay sends them.
    func ingestEvents(_ events: [Nomad_Common_V1_DomainEvent]) async throws {
        for start in stride(from: 0, to: events.count, by: 200) {
            let batch = Array(events[start..<min(start + 200, events.count)])
            _ = try await client.ingestEvents(.with { $0.events = batch }, metadata: service().metadata)
        }
    }
}

/// Starts analytics (on `port`, or a free one) and runs `body` with it.
func withAnalytics(port: Int = 0, schema: String? = nil, _ body: (AnalyticsEnv) async throws -> Void) async throws {
    try await withTestApp(
        AnalyticsDefinition.make(),
        configure: {
            $0.serviceTokenKey = AnalyticsEnv.serviceKey
            $0.grpcPort = port
            if let schema { $0.databaseSchema = schema }
        }
    ) { app in
        try await body(AnalyticsEnv(app: app, client: AnalyticsClient(wrapping: app.client)))
    }
}

/// An event as a relay would send it.
func domainEvent(
    id: UUID = UUID(), source: String = "tests", type: String = "tests.thing.happened", payload: String = #"{"n":1}"#
) -> Nomad_Common_V1_DomainEvent {
    .with {
        $0.eventID = id.text
        $0.sourceService = source
        $0.type = type
        $0.schemaVersion = 1
        $0.occurredAt = .init(date: Date())
        $0.subjectIds = ["thing_id": UUID().text]
        $0.payloadJson = payload
    }
}
