import Foundation
@testable import NomadKit
import Testing

/// Service tokens name one grant, and only the grant's own list decides what
/// they reach; the role `service` comes from nowhere else.
@Suite struct ServiceTokenTests {
    let key = SigningKey.generate(keyID: "unit-service-1")

    @Test func aTokenCarriesItsGrantsAudienceAndScope() throws {
        let tokens = ServiceTokens(key: key)
        let token = try tokens.issue(caller: UUID(), for: .ingestEvents).token
        let verified = try tokens.verify(token, now: Date())
        #expect(verified.principal.role == .service)
        #expect(verified.grant == .ingestEvents)
        #expect(verified.grant?.allows(service: "nomad.analytics.v1.AnalyticsService", method: "IngestEvents") == true)
        #expect(verified.grant?.allows(service: "nomad.analytics.v1.AnalyticsService", method: "ListKpis") == false)
        #expect(verified.grant?.allows(service: "nomad.identity.v1.IdentityService", method: "IngestEvents") == false)
        let poller = try tokens.verify(try tokens.issue(caller: UUID(), for: .readRevocations).token, now: Date())
        #expect(poller.grant?.allows(service: "nomad.identity.v1.IdentityService", method: "ListRevokedAccounts") == true)
        #expect(poller.grant?.allows(service: "nomad.identity.v1.IdentityService", method: "VerifyCard") == false)
    }

    @Test func aTokenWithoutAKnownGrantOrWithAMismatchedAudienceIsRefused() throws {
        let tokens = ServiceTokens(key: key)
        let now = Int64(Date().timeIntervalSince1970)
        func forged(aud: String, scope: String) throws -> String {
            try JWS.sign(
                ServiceTokenClaims(
                    iss: ServiceTokens.issuer, aud: aud, sub: UUID().text, iat: now, exp: now + 60, jti: UUID().text,
                    role: "service", scope: scope), type: ServiceTokens.type, with: key)
        }
        #expect(throws: TokenError.wrongAudience) {
            try tokens.verify(try forged(aud: "nomad.identity.v1.IdentityService", scope: "analytics.ingest"), now: Date())
        }
        #expect(throws: TokenError.wrongAudience) {
            try tokens.verify(try forged(aud: "nomad.jobs.v1.JobsService", scope: "everything"), now: Date())
        }
        // The shape the relays signed before grants: no scope at all.
        let old = try JWS.sign(
            AccessTokenClaims(
                iss: ServiceTokens.issuer, aud: "nomad-zone", sub: UUID().text, iat: now, exp: now + 60, jti: UUID().text,
                role: "service", dept: nil), type: ServiceTokens.type, with: key)
        #expect(throws: TokenError.malformed) { try tokens.verify(old, now: Date()) }
    }

    @Test func anAccessTokenCannotClaimTheServiceRole() throws {
        let signing = SigningKey.generate(keyID: "unit-identity-1")
        let tokens = AccessTokens(issuer: "i", audience: "a", keys: KeyRing(signingKey: signing, verificationKeys: []))
        let token = try tokens.issue(for: Principal(accountID: UUID(), role: .service), lifetime: 60).token
        #expect(throws: TokenError.malformed) { try tokens.verify(token) }
    }

    @Test func theRevocationListIsReplacedWhole() {
        let list = RevocationList()
        let gone = UUID()
        #expect(!list.isLoaded && !list.isRevoked(gone, issuedAt: Date()))
        list.replace(with: [gone: Date()])
        #expect(list.isLoaded && list.isRevoked(gone, issuedAt: Date()) && !list.isRevoked(UUID(), issuedAt: Date()))
        list.replace(with: [:])
        #expect(!list.isRevoked(gone, issuedAt: Date()))
    }
}
