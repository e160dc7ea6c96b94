import Foundation
import GRPCCore
@testable import Jobs
import NomadKit
import NomadProtos
import NomadTesting
import Testing

@Suite struct JobsAccessPolicyTests {
    @Test func everyMethodHasARuleAndNoRuleNamesAnUnknownMethod() {
        let methods = Set(Nomad_Jobs_V1_JobsService.Method.descriptors)
        let ruled = Set(JobsAccess.policy.rules.keys)
        #expect(methods.subtracting(ruled).isEmpty, "methods without a rule: \(methods.subtracting(ruled))")
        #expect(ruled.subtracting(methods).isEmpty)
    }

    /// Nothing in jobs is public: every call needs a token.
    @Test func noMethodIsOpenAndAnonymousCallsAreUnauthenticated() async throws {
        #expect(JobsAccess.policy.rules.values.allSatisfy { $0 != .open })
        try await withJobs { env in
            await expectRPCError(.unauthenticated) { _ = try await env.client.listSkills(.init()) }
            await expectRPCError(.unauthenticated) { _ = try await env.client.claimJob(.init()) }
        }
    }
}
