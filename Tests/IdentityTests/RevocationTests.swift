import Foundation
import GRPCCore
@testable import Identity
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// A disabled account loses access at once in identity, and identity
/// publishes who is disabled to the other services' pollers only.
@Suite struct RevocationTests {
    static let serviceKey = SigningKey.generate(keyID: "identity-tests-service-1")

    /// An officer created by the admin and logged in for real.
    func loggedInOfficer(_ env: IdentityEnv, admin: String) async throws -> (account: Nomad_Identity_V1_Account, token: String) {
        let username = "officer-\(UUID().uuidString.prefix(8).lowercased())"
        let account = try await env.client.createOfficer(
            .with {
                $0.requestID = UUID().uuidString
                $0.username = username
                $0.password = "correct horse battery"
                $0.displayName = "Talent Officer"
                $0.department = "talent"
            }, metadata: callMetadata(token: admin))
        let pair = try await env.client.login(
            .with {
                $0.username = username
                $0.password = "correct horse battery"
            }, metadata: callMetadata())
        return (account, pair.accessToken)
    }

    func disable(_ env: IdentityEnv, _ account: Nomad_Identity_V1_Account, admin: String) async throws {
        _ = try await env.client.disableOfficer(
            .with {
                $0.requestID = UUID().uuidString
                $0.accountID = account.id
                $0.reason = "left the department"
            }, metadata: callMetadata(token: admin))
    }

    func application(_ env: IdentityEnv) async throws -> Nomad_Identity_V1_CertificationApplication {
        let nomad = try await env.nomad()
        return try await env.client.applyCertification(
            .with {
                $0.requestID = UUID().uuidString
                $0.evidence = IdentityEnv.goodEvidence()
            }, metadata: callMetadata(token: nomad.token))
    }

    @Test func aDisabledOfficersExistingTokenIsRefusedOnTheNextCall() async throws {
        try await withIdentity { env in
            let admin = env.admin()
            let (officer, token) = try await loggedInOfficer(env, admin: admin)
            let first = try await application(env)
            let decided = try await env.client.decideCertification(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.id = first.id
                    $0.decision = .approve
                }, metadata: callMetadata(token: token))
            #expect(decided.status == .approved)

            try await disable(env, officer, admin: admin)

            let second = try await application(env)
            let english = await expectRPCError(.unauthenticated) {
                _ = try await env.client.decideCertification(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.id = second.id
                        $0.decision = .approve
                    }, metadata: callMetadata(token: token))
            }
            #expect(english == "This account is disabled; its access token is no longer accepted")
            let chinese = await expectRPCError(.unauthenticated) {
                _ = try await env.client.listCertifications(.init(), metadata: callMetadata(token: token, language: "zh-CN"))
            }
            #expect(chinese == "该账户已停用，其访问令牌不再有效")
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.getAccount(.init(), metadata: callMetadata(token: token))
            }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.getCertification(.with { $0.id = second.id }, metadata: callMetadata(token: token))
            }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.verifyCard(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.qrPayload = "x"
                    }, metadata: callMetadata(token: token))
            }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.listAuditEntries(.init(), metadata: callMetadata(token: token))
            }
            // Nothing was decided with the refused token.
            let still = try await env.client.getCertification(
                .with { $0.id = second.id }, metadata: callMetadata(token: env.officer("talent")))
            #expect(still.status == .pending)
            // A public method ignores the token rather than failing.
            _ = try await env.client.listCatalogue(.init(), metadata: callMetadata(token: token))
            // Another officer is unaffected.
            let (_, colleague) = try await loggedInOfficer(env, admin: admin)
            _ = try await env.client.listCertifications(.init(), metadata: callMetadata(token: colleague))
        }
    }

    @Test func theRevocationListNeedsItsOwnServiceGrant() async throws {
        try await withTestApp(
            IdentityDefinition.make(settings: IdentityEnv.settings),
            configure: {
                $0.serviceTokenKey = Self.serviceKey
            }
        ) { app in
            let env = IdentityEnv(app: app, client: IdentityClient(wrapping: app.client))
            let admin = env.admin()
            let (officer, _) = try await loggedInOfficer(env, admin: admin)
            let (kept, _) = try await loggedInOfficer(env, admin: admin)
            try await disable(env, officer, admin: admin)

            let tokens = ServiceTokens(key: Self.serviceKey)
            let poller = callMetadata(token: try tokens.issue(caller: UUID(), for: .readRevocations).token)
            let list = try await env.client.listRevokedAccounts(.init(), metadata: poller)
            let listed = Set(list.accounts.map(\.accountID))
            #expect(listed.contains(officer.id) && !listed.contains(kept.id))
            #expect(list.accounts.allSatisfy { $0.hasRevokedAt })

            // The poller's grant is that one method.
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.getAccount(.with { $0.accountID = kept.id }, metadata: poller)
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.verifyCard(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.qrPayload = "x"
                    }, metadata: poller)
            }
            // The relays' token (analytics' audience) is no credential here.
            let relay = callMetadata(token: try tokens.issue(caller: UUID(), for: .ingestEvents).token)
            for call in identityCallsAsAnyone(env) {
                await expectRPCError(.unauthenticated) { try await call(relay) }
            }
            // People do not read the list; nor does an anonymous caller, nor an
            // access token that claims the service role.
            for token in [admin, env.officer("talent"), try await env.nomad().token] {
                await expectRPCError(.permissionDenied) {
                    _ = try await env.client.listRevokedAccounts(.init(), metadata: callMetadata(token: token))
                }
            }
            await expectRPCError(.unauthenticated) { _ = try await env.client.listRevokedAccounts(.init()) }
            let claimsService = TestKeys.token(for: Principal(accountID: UUID(), role: .service))
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.listRevokedAccounts(.init(), metadata: callMetadata(token: claimsService))
            }
        }
    }
}

/// Identity RPCs a service token must not reach, each with the metadata given:
/// the service-role method, one every signed-in role may call, and VerifyCard
/// (which records site visits).
func identityCallsAsAnyone(_ env: IdentityEnv) -> [@Sendable (Metadata) async throws -> Void] {
    let client = env.client
    return [
        { _ = try await client.listRevokedAccounts(.init(), metadata: $0) },
        { _ = try await client.getAccount(.init(), metadata: $0) },
        { _ = try await client.listAuditEntries(.init(), metadata: $0) },
        {
            _ = try await client.verifyCard(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.qrPayload = "x"
                }, metadata: $0)
        },
    ]
}
