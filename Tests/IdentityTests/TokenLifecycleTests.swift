import Foundation
import GRPCCore
@testable import Identity
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

@Suite struct TokenLifecycleTests {
    func login(_ env: IdentityEnv, _ username: String) async throws -> Nomad_Identity_V1_TokenPair {
        try await env.client.login(
            .with {
                $0.username = username; $0.password = "correct horse battery"
            })
    }

    func refresh(_ env: IdentityEnv, _ token: String) async throws -> Nomad_Identity_V1_TokenPair {
        try await env.client.refreshToken(.with { $0.refreshToken = token })
    }

    @Test func refreshRotatesAndReuseRevokesTheWholeFamily() async throws {
        try await withIdentity { env in
            _ = try await env.registerNomad(username: "rota")
            let first = try await login(env, "rota")
            let second = try await refresh(env, first.refreshToken)
            #expect(second.refreshToken != first.refreshToken)
            let me = try await env.client.getAccount(.init(), metadata: callMetadata(token: second.accessToken))
            #expect(me.username == "rota")
            // The rotated token comes back: someone holds a copy.
            await expectRPCError(.unauthenticated) { _ = try await refresh(env, first.refreshToken) }
            // ... and the legitimate newest token dies with its family.
            await expectRPCError(.unauthenticated) { _ = try await refresh(env, second.refreshToken) }
            // Another login starts a new family that works.
            let fresh = try await login(env, "rota")
            _ = try await refresh(env, fresh.refreshToken)
        }
    }

    @Test func logoutRevokesAndBadRefreshTokensAreRefused() async throws {
        try await withIdentity { env in
            _ = try await env.registerNomad(username: "leaver")
            let pair = try await login(env, "leaver")
            _ = try await env.client.logout(.with { $0.refreshToken = pair.refreshToken })
            await expectRPCError(.unauthenticated) { _ = try await refresh(env, pair.refreshToken) }
            await expectRPCError(.unauthenticated) { _ = try await refresh(env, "") }
            await expectRPCError(.unauthenticated) { _ = try await refresh(env, "made-up-token") }
            await expectRPCError(.unauthenticated) { _ = try await env.client.logout(.with { $0.refreshToken = "made-up" }) }
        }
    }

    @Test func publishedKeysVerifyIssuedAccessTokens() async throws {
        try await withIdentity { env in
            _ = try await env.registerNomad(username: "keys")
            let pair = try await login(env, "keys")
            let keys = try await env.client.getPublicKeys(.init())
            #expect(keys.keys.allSatisfy { $0.algorithm == "EdDSA" && $0.publicKey.count == 32 })
            let ring = KeyRing(
                signingKey: nil,
                verificationKeys: try keys.keys.map {
                    try VerificationKey(keyID: $0.keyID, rawPublicKey: $0.publicKey)
                })
            let principal = try AccessTokens(issuer: "nomad-identity", audience: "nomad-zone", keys: ring).verify(pair.accessToken)
            #expect(principal.role == .nomad && principal.accountID.uuidString.lowercased() == pair.account.id)
        }
    }
}
