import Foundation
import GRPCCore
import NomadKit
import NomadLocal
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// Health follows the database: NOT_SERVING while PostgreSQL is away, SERVING
/// again by itself once it is back. Uses a cluster of its own, since it stops it.
@Suite struct DatabaseOutageTests {
    @Test func healthGoesNotServingWhileTheDatabaseIsAwayAndRecovers() async throws {
        let base = NSTemporaryDirectory() + "nomad-outage-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: base) }
        let first = try LocalPostgres.start(.init(baseDirectory: base))
        let port = first.port
        try await withTestApp(EchoTestService.definition, configure: { $0.databaseURL = first.url() }) { app in
            let health = Grpc_Health_V1_Health.Client(wrapping: app.client)
            let client = EchoClient(wrapping: app.client)
            let token = TestKeys.token(for: Principal(accountID: UUID(), role: .nomad))
            func status() async throws -> Grpc_Health_V1_HealthCheckResponse.ServingStatus {
                try await health.check(.with { $0.service = "" }).status
            }
            func wait(for expected: Grpc_Health_V1_HealthCheckResponse.ServingStatus) async throws -> Bool {
                // Up to a minute: three missed pings are seconds on a quiet
                // machine, much longer when the whole suite shares two cores.
                for _ in 0..<600 {
                    if try await status() == expected { return true }
                    try await Task.sleep(for: .milliseconds(100))
                }
                return false
            }
            #expect(try await status() == .serving)
            _ = try await echo(client, "before", token: token)

            first.stop()
            #expect(try await wait(for: .notServing))
            // A call while the database is away is UNAVAILABLE, not INTERNAL.
            var options = CallOptions.defaults
            options.timeout = .seconds(8)
            await expectCode(.unavailable) { _ = try await echo(client, "during", token: token, options: options) }

            let second = try LocalPostgres.start(.init(port: port, baseDirectory: base))
            defer { second.stop() }
            #expect(try await wait(for: .serving))
            #expect(try await echo(client, "after", token: token) == "after")
            let rows = try await TestAppHelpers.count(app.app, "SELECT count(*)::int FROM echoes")
            #expect(rows == 2)
        }
    }
}
