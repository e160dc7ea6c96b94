import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf

/// A small service on the chassis that writes outbox rows the way every
/// service does (one event per mutation, in the mutation's transaction), so
/// the relay is tested exactly as it runs inside jobs or assets. An echo text
/// "type:producer.something.new" writes an event of a type analytics does not know.
struct ProducerService: Nomad_Bench_V1_EchoService.SimpleServiceProtocol, ServiceHandlers {
    let database: Database
    let logger: Logger

    struct Note: OutboxEvent {
        static let type = "producer.note.written"
        var subjects: NoteID
        var payload: Text
    }

    struct SomethingNew: OutboxEvent {
        static let type = "producer.something.new"
        var subjects: NoteID
        var payload: Text
    }

    struct NoteID: Encodable { var noteID: String }
    struct Text: Encodable { var text: String }

    func echo(request: Nomad_Bench_V1_EchoRequest, context: ServerContext) async throws -> Nomad_Bench_V1_EchoResponse {
        let text = try Validate.text(request.text, "text", max: 1 << 20)
        let type = text.hasPrefix("type:") ? String(text.dropFirst(5)) : Note.type
        return try await mutation(request) { tx in
            let id = UUID()
            let note = Note(subjects: .init(noteID: id.text), payload: .init(text: text))
            if type == SomethingNew.type {
                try await Outbox.append(tx, SomethingNew(subjects: note.subjects, payload: note.payload))
            } else {
                try await Outbox.append(tx, note)
            }
            return .with { $0.text = id.text }
        }
    }

    static let definition = ServiceDefinition(
        name: "producer",
        migrations: [],
        policy: AccessPolicy([Nomad_Bench_V1_EchoService.Method.Echo.descriptor: .roles([.nomad])]),
        grpcServiceNames: [Nomad_Bench_V1_EchoService.descriptor.fullyQualifiedService],
        makeServices: { context in [ProducerService(database: context.database, logger: context.logger)] })
}

struct ProducerEnv {
    let app: TestApp
    let client: Nomad_Bench_V1_EchoService.Client<HTTP2ClientTransport.Posix>
    let token = TestKeys.token(for: Principal(accountID: UUID(), role: .nomad))

    /// One mutation, hence one outbox event. Returns the note id.
    @discardableResult
    func write(_ text: String = "note") async throws -> String {
        try await client.echo(
            .with {
                $0.text = text
                $0.requestID = UUID().text
            }, metadata: callMetadata(token: token)
        ).text
    }

    func outbox() async throws -> (total: Int, undelivered: Int) {
        try await app.withSchemaConnection { tx in
            let row = try await tx.query(
                "SELECT count(*), count(*) FILTER (WHERE delivered_at IS NULL) FROM outbox"
            ).collect().first!
            let (total, undelivered) = try row.decode((Int, Int).self)
            return (total, undelivered)
        }
    }
}

/// Starts the producer with its relay pointed at `analyticsPort` (nothing
/// needs to listen there yet). `schema` lets two instances share one outbox.
func withProducer(
    analyticsPort: Int, schema: String? = nil, _ body: (ProducerEnv) async throws -> Void
) async throws {
    try await withTestApp(
        ProducerService.definition,
        configure: {
            $0.analyticsAddress = "127.0.0.1:\(analyticsPort)"
            $0.serviceTokenKey = AnalyticsEnv.serviceKey
            $0.relay.pollInterval = .milliseconds(50)
            $0.relay.initialBackoff = .milliseconds(50)
            $0.relay.maxBackoff = .milliseconds(500)
            $0.relay.batchSize = 20
            if let schema { $0.databaseSchema = schema }
        }
    ) { app in
        try await body(ProducerEnv(app: app, client: .init(wrapping: app.client)))
    }
}
