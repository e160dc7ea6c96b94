import Foundation
import GRPCCore
@testable import Assets
import NomadKit
import NomadProtos
import NomadTesting
import Testing

@Suite("registry access rules")
struct RegistryAccessTests {
    @Test("every assets method has a rule, every registry rule names a real method, none is open")
    func everyMethodRuled() {
        let methods = Set(Nomad_Assets_V1_AssetsService.Method.descriptors)
        let ruled = Set(AssetsAccess.policy.rules.keys)
        #expect(methods.subtracting(ruled).isEmpty, "methods without a rule: \(methods.subtracting(ruled))")
        #expect(Set(RegistryAccess.rules.keys).subtracting(methods).isEmpty)
        #expect(RegistryAccess.rules.values.allSatisfy { $0 != .open })
    }

    @Test("anonymous calls are refused before any handler runs")
    func anonymous() async throws {
        try await withRegistry { env in
            await expectRPCError(.unauthenticated) { _ = try await env.client.listDataAssets(.init()) }
            await expectRPCError(.unauthenticated) { _ = try await env.client.transferTokens(.init()) }
            await expectRPCError(.unauthenticated) { _ = try await env.client.verifyRegistry(.init()) }
        }
    }
}
