import GRPCCore
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

@Suite("assets service startup")
struct AssetsStartupTests {
    @Test("the service starts on its own schema and reports SERVING")
    func serving() async throws {
        try await withAssets { env in
            let health = Grpc_Health_V1_Health.Client(wrapping: env.app.client)
            let answer = try await health.check(.with { $0.service = "nomad.assets.v1.AssetsService" })
            #expect(answer.status == .serving)
        }
    }
}
