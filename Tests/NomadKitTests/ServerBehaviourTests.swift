import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import GRPCCore
import GRPCNIOTransportHTTP2
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Synchronization
import Testing

@Suite struct ServerBehaviourTests {
    let token = TestKeys.token(for: Principal(accountID: UUID(), role: .nomad))

    @Test func retryWithTheSameRequestIDChangesNothing() async throws {
        try await withTestApp(EchoTestService.definition) { app in
            let client = EchoClient(wrapping: app.client)
            let id = UUID().uuidString
            #expect(try await echo(client, "once", token: token, requestID: id) == "once")
            #expect(try await echo(client, "once", token: token, requestID: id) == "once")
            // Many retries at the same moment: still one row.
            let concurrentID = UUID().uuidString
            try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<20 { group.addTask { try await echo(client, "burst", token: token, requestID: concurrentID) } }
                for try await text in group { #expect(text == "burst") }
            }
            #expect(try await TestAppHelpers.count(app.app, "SELECT count(*)::int FROM echoes") == 2)
            #expect(try await TestAppHelpers.count(app.app, "SELECT count(*)::int FROM outbox") == 2)
            // The same id for a different request is refused.
            await expectCode(.failedPrecondition) { _ = try await echo(client, "other", token: token, requestID: id) }
            await expectCode(.invalidArgument) { _ = try await echo(client, "x", token: token, requestID: "") }
            await expectCode(.invalidArgument) {
                _ = try await echo(client, "x", token: token, requestID: String(repeating: "r", count: 65))
            }
        }
    }

    @Test func aFailedMutationLeavesNeitherRowNorOutboxEvent() async throws {
        try await withTestApp(EchoTestService.definition) { app in
            let client = EchoClient(wrapping: app.client)
            await expectCode(.failedPrecondition) { _ = try await echo(client, "fail", token: token) }
            let internalError = await expectCode(.internalError) { _ = try await echo(client, "crash", token: token) }
            #expect(internalError?.message.contains("NSCocoa") == false)
            #expect(try await TestAppHelpers.count(app.app, "SELECT count(*)::int FROM echoes") == 0)
            #expect(try await TestAppHelpers.count(app.app, "SELECT count(*)::int FROM outbox") == 0)
            _ = try await echo(client, "kept", token: token)
            let event = try await app.app.database.read { tx in
                try await tx.query("SELECT type, payload->>'text' FROM outbox")
                    .collect().first!.decode((String, String).self)
            }
            #expect(event.0 == "echotest.echoed" && event.1 == "kept")
        }
    }

    @Test func oversizedMessageIsResourceExhausted() async throws {
        try await withTestApp(EchoTestService.definition, configure: { $0.maxRequestBytes = 4096 }) { app in
            let client = EchoClient(wrapping: app.client)
            await expectCode(.resourceExhausted) { _ = try await echo(client, String(repeating: "x", count: 10_000), token: token) }
            let small = try await echo(client, "small", token: token)
            #expect(small == "small")
        }
    }

    @Test func expiredDeadlineRollsBackInsteadOfCommitting() async throws {
        try await withTestApp(EchoTestService.definition) { app in
            let client = EchoClient(wrapping: app.client)
            var options = CallOptions.defaults
            options.timeout = .milliseconds(200)
            await expectCode(.deadlineExceeded) { _ = try await echo(client, "sleep:700", token: token, options: options) }
            try await Task.sleep(for: .milliseconds(900))
            let rows = try await TestAppHelpers.count(app.app, "SELECT count(*)::int FROM echoes")
            #expect(rows == 0)
        }
    }

    @Test func replicasStartingTogetherMigrateOnce() async throws {
        let baseURL = try TestDatabase.baseURL()
        let schema = TestDatabase.freshSchema(prefix: "replicas")
        // The whole gate, so the four start at once rather than as places free up.
        try await withTestGate(exclusive: true) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await withTestApp(
                            EchoTestService.definition,
                            configure: {
                                $0.databaseURL = baseURL
                                $0.databaseSchema = schema
                            }
                        ) { app in
                            _ = try await echo(EchoClient(wrapping: app.client), "hi", token: self.token)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        try await withTestApp(EchoTestService.definition, configure: { $0.databaseSchema = schema }) { app in
            let migrations = try await TestAppHelpers.count(app.app, "SELECT count(*)::int FROM schema_migrations")
            let echoes = try await TestAppHelpers.count(app.app, "SELECT count(*)::int FROM echoes")
            // The chassis' three (idempotency and outbox; one-statement mutations; the outbox's traceparent) and the echo service's two.
            #expect(migrations == 5)
            #expect(echoes == 4)
        }
    }

    @Test func healthIsServingThenNotServingWhileDraining() async throws {
        try await withTestApp(EchoTestService.definition) { app in
            let health = Grpc_Health_V1_Health.Client(wrapping: app.client)
            for name in ["", "nomad.bench.v1.EchoService"] {
                let status = try await health.check(.with { $0.service = name })
                #expect(status.status == .serving)
            }
            await expectCode(.notFound) { _ = try await health.check(.with { $0.service = "nope.Service" }) }

            // A slow call in flight when the drain begins still completes.
            let client = EchoClient(wrapping: app.client)
            async let slow = echo(client, "sleep:801", token: token)
            let (firstStatus, firstSeen) = AsyncStream.makeStream(of: Void.self)
            let watch = Task {
                try await health.watch(.with { $0.service = "" }) { response in
                    var seen: [Grpc_Health_V1_HealthCheckResponse.ServingStatus] = []
                    for try await message in response.messages {
                        seen.append(message.status)
                        firstSeen.yield()
                    }
                    return seen
                }
            }
            for await _ in firstStatus { break }
            while !EchoTestService.sleeping.withLock({ $0.contains("sleep:801") }) {
                try await Task.sleep(for: .milliseconds(10))
            }
            Task { await app.app.shutdown() }
            #expect(try await slow == "sleep:801")
            #expect(app.app.health.status(of: "") == .notServing)
            let seen = try await watch.value
            #expect(seen.first == .serving && seen.last == .notServing)
        }
    }

    @Test func metricsCountCallsByMethodAndCode() async throws {
        try await withTestApp(EchoTestService.definition) { app in
            let client = EchoClient(wrapping: app.client)
            _ = try await echo(client, "m1", token: token)
            _ = try await echo(client, "m2", token: token)
            await expectCode(.unauthenticated) { _ = try await echo(client, "m3", token: nil) }
            let port = try await app.metricsPort
            let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            let text = String(decoding: data, as: UTF8.self)
            let lines = text.split(separator: "\n")
            #expect(
                lines.contains { $0.hasPrefix("grpc_server_handled_total") && $0.contains(#"method="Echo""#) && $0.contains(#"code="ok""#) }
            )
            #expect(lines.contains { $0.hasPrefix("grpc_server_errors_total") && $0.contains(#"code="unauthenticated""#) })
            #expect(lines.contains { $0.hasPrefix("grpc_server_handling_seconds_bucket") && $0.contains(#"method="Echo""#) })
        }
    }
}
