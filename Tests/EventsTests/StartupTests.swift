import GRPCCore
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

@Suite("events service startup")
struct EventsStartupTests {
    @Test("the service starts on its own schema and reports SERVING")
    func serving() async throws {
        try await withEvents { env in
            let health = Grpc_Health_V1_Health.Client(wrapping: env.app.client)
            let answer = try await health.check(.with { $0.service = "nomad.events.v1.EventsService" })
            #expect(answer.status == .serving)
        }
    }
}
