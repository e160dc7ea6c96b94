import Foundation
import GRPCCore
@testable import Assets
import NomadKit
import NomadProtos
import NomadTesting
import Testing

@Suite struct LedgerAccessTests {
    @Test func everyMethodHasARuleAndNoRuleNamesAnUnknownMethod() {
        let methods = Set(Nomad_Assets_V1_AssetsService.Method.descriptors)
        let ruled = Set(AssetsAccess.policy.rules.keys)
        #expect(methods.subtracting(ruled).isEmpty, "methods without a rule: \(methods.subtracting(ruled))")
        #expect(ruled.subtracting(methods).isEmpty)
    }

    /// Nothing in the ledger is public: every call needs a token.
    @Test func noLedgerMethodIsOpenAndAnonymousCallsAreUnauthenticated() async throws {
        #expect(LedgerAccess.rules.values.allSatisfy { $0 != .open })
        try await withAssets { env in
            await expectRPCError(.unauthenticated) { _ = try await env.client.transferPoints(.init()) }
            await expectRPCError(.unauthenticated) { _ = try await env.client.getValuationRule(.init()) }
            let expired = TestKeys.token(
                for: Principal(accountID: UUID(), role: .nomad, standing: .certified), lifetime: 60,
                now: Date().addingTimeInterval(-3600))
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.getBalances(.init(), metadata: callMetadata(token: expired))
            }
        }
    }
}
