import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import NomadTesting
import Testing

/// More than a hundred calls at once on one client connection, some of whose
/// deadlines pass mid-flight. swift-nio-http2 clients queue streams beyond the
/// server's advertised limit (100 when the server says none), and a call that
/// expired while queued aborted the whole client process on an assertion in
/// grpc-swift-nio-transport (seen in CI). Servers now advertise
/// `NomadApp.maxConcurrentStreams`, so nothing queues.
@Suite struct StreamLimitTests {
    @Test func callsExpiringBeyondTheHundredthStreamLeaveTheClientWorking() async throws {
        let token = TestKeys.token(for: Principal(accountID: UUID(), role: .nomad))
        try await withTestApp(EchoTestService.definition) { app in
            let client = EchoClient(wrapping: app.client)
            // One call first: the server's SETTINGS, with its limit, arrive with it.
            let first = try await echo(client, "first", token: token)
            #expect(first == "first")
            let outcomes = await concurrentOutcomes(
                (0..<150).map { index in
                    { @Sendable in
                        var options = CallOptions.defaults
                        // The calls past the hundredth expire while the first hundred still sleep.
                        if index >= 100 { options.timeout = .milliseconds(50) }
                        _ = try await echo(client, "sleep:300", token: token, options: options)
                    }
                })
            #expect(outcomes.count == 150)
            #expect(outcomes.filter { $0 == .deadlineExceeded }.count == 50)
            #expect(outcomes.filter { $0 == nil }.count == 100)
            let after = try await echo(client, "after", token: token)
            #expect(after == "after")
        }
    }
}
