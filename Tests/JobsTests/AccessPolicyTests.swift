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

    /// Only the lists of open jobs and bounties are public (the portal's
    /// signed-out pages); every other call needs a token.
    @Test func onlyTheJobAndBountyListsAreOpenAndOtherAnonymousCallsAreUnauthenticated() async throws {
        let open = Set(JobsAccess.policy.rules.filter { $0.value == .open }.map(\.key.method))
        #expect(open == ["ListJobs", "ListBounties"])
        try await withJobs { env in
            await expectRPCError(.unauthenticated) { _ = try await env.client.listSkills(.init()) }
            await expectRPCError(.unauthenticated) { _ = try await env.client.claimJob(.init()) }
        }
    }
}
