import FoundationEssentials
import GRPCCore
@testable import Identity
import NomadKit
import NomadProtos
import NomadTesting
import Testing

@Suite struct AccessPolicyTests {
    @Test func everyMethodHasARuleAndNoRuleNamesAnUnknownMethod() {
        let methods = Set(Nomad_Identity_V1_IdentityService.Method.descriptors)
        let ruled = Set(IdentityAccess.policy.rules.keys)
        #expect(methods.subtracting(ruled).isEmpty, "methods without a rule: \(methods.subtracting(ruled))")
        #expect(ruled.subtracting(methods).isEmpty)
    }

    /// Only these methods need no token; everything else refuses an
    /// anonymous caller before any handler runs.
    @Test func onlyTheseMethodsAreOpen() {
        let open = IdentityAccess.policy.rules.filter { $0.value == .open }.map(\.key.method).sorted()
        // ListSites joined the open methods for the portal's signed-out pages.
        #expect(
            open == [
                "GetCatalogueEntry", "GetPublicKeys", "ListCatalogue", "ListSites", "Login", "Logout", "RefreshToken",
                "RegisterEnterprise", "RegisterNomad",
            ])
    }

    @Test func anonymousCallsToClosedMethodsAreUnauthenticated() async throws {
        try await withIdentity { env in
            await expectRPCError(.unauthenticated) { _ = try await env.client.applyCertification(.init()) }
            await expectRPCError(.unauthenticated) { _ = try await env.client.verifyCard(.init()) }
            await expectRPCError(.unauthenticated) { _ = try await env.client.listAuditEntries(.init()) }
            await expectRPCError(.unauthenticated) { _ = try await env.client.submitApplication(.init()) }
            await expectRPCError(.unauthenticated) { _ = try await env.client.decidePermit(.init()) }
            // A role outside the method's rule is refused before validation.
            let enterprise = TestKeys.token(for: Principal(accountID: .init(), role: .enterprise))
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.applyCertification(.init(), metadata: callMetadata(token: enterprise))
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.verifyCard(.init(), metadata: callMetadata(token: enterprise))
            }
        }
    }
}
