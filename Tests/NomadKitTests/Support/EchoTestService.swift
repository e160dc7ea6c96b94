import Foundation
import GRPCCore
import Logging
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf
import Synchronization

/// A small service on the chassis, used to test the chassis itself over real
/// HTTP/2 and a real PostgreSQL. Echo stores each echo idempotently with an
/// outbox event; texts starting with "sleep:<ms>" wait first, "fail" throws
/// after writing (so the transaction must roll back), "crash" throws a
/// non-domain error.
struct EchoTestService: Nomad_Bench_V1_EchoService.SimpleServiceProtocol {
    struct Echoed: OutboxEvent {
        static let type = "echotest.echoed"
        var subjects: Subjects
        var payload: Payload
        struct Subjects: Encodable { var echoID: String }
        struct Payload: Encodable { var text: String }
    }

    /// The "sleep:" texts that have reached the handler, so a test knows its
    /// call is in flight on the server before it starts a drain.
    static let sleeping = Mutex<Set<String>>([])

    let database: Database
    let logger: Logger

    func echo(request: Nomad_Bench_V1_EchoRequest, context: ServerContext) async throws -> Nomad_Bench_V1_EchoResponse {
        _ = try RequestContext.caller()
        let text = try Validate.text(request.text, "text", max: 1 << 22)
        if text.hasPrefix("sleep:"), let ms = Int(text.dropFirst(6)) {
            _ = Self.sleeping.withLock { $0.insert(text) }
            try? await Task.sleep(for: .milliseconds(ms))
        }
        if text == "crash" { throw CocoaError(.fileNoSuchFile) }
        return try await database.mutation(request) { tx in
            let id = UUID()
            try await tx.query("INSERT INTO echoes (id, text) VALUES (\(id), \(text))")
            try await Outbox.append(tx, Echoed(subjects: .init(echoID: id.uuidString), payload: .init(text: text)))
            if text == "fail" {
                throw NomadError(.failedPrecondition, zh: "按要求失败", en: "failing as asked")
            }
            return .with { $0.text = text }
        }
    }

    static let definition = ServiceDefinition(
        name: "echotest",
        migrations: [
            Migration(1, "echoes", "CREATE TABLE echoes (id uuid PRIMARY KEY, text text NOT NULL);"),
            Migration(2, "echoes_at", "ALTER TABLE echoes ADD COLUMN at timestamptz NOT NULL DEFAULT now();"),
        ],
        policy: AccessPolicy([Nomad_Bench_V1_EchoService.Method.Echo.descriptor: .roles([.nomad])]),
        grpcServiceNames: [Nomad_Bench_V1_EchoService.descriptor.fullyQualifiedService],
        makeServices: { context in [EchoTestService(database: context.database, logger: context.logger)] })
}

extension TestAppHelpers {
    static func count(_ app: NomadApp, _ sql: String) async throws -> Int {
        try await app.database.read { tx in
            try await tx.query(PostgresQuery(unsafeSQL: sql)).collect().first!.decode(Int.self)
        }
    }
}

enum TestAppHelpers {}
