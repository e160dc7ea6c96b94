import Foundation

/// Tokens services use to call each other (today: the outbox relay calling
/// analytics). Identity does not issue them: every service is given the same
/// service-token key by configuration (NOMAD_SERVICE_TOKEN_KEY) and signs its
/// own short-lived token.
///
/// The key is kept apart from identity's: its tokens have their own JWS type
/// and issuer, are verified only against the service key, and always yield
/// the `service` role whatever they claim otherwise. So a leaked service key
/// can at worst feed analytics events; it cannot mint a user, officer or
/// admin token, and an identity token cannot pass as a service token.
public struct ServiceTokens: Sendable {
    public static let type = "NSVC"
    public static let issuer = "nomad-service"
    public let audience: String
    let key: SigningKey
    let leeway: TimeInterval = 30

    public init(key: SigningKey, audience: String) {
        self.key = key
        self.audience = audience
    }

    /// A token naming `caller` (one per relay) with the service role.
    public func issue(caller: UUID, lifetime: TimeInterval = 300, now: Date = Date()) throws -> (token: String, expiresAt: Date) {
        let expiresAt = now.addingTimeInterval(lifetime)
        let claims = AccessTokenClaims(
            iss: Self.issuer, aud: audience, sub: caller.uuidString.lowercased(),
            iat: Int64(now.timeIntervalSince1970), exp: Int64(expiresAt.timeIntervalSince1970),
            jti: UUID().uuidString.lowercased(), role: Role.service.rawValue, dept: nil)
        return (try JWS.sign(claims, type: Self.type, with: key), expiresAt)
    }

    func verifyUntil(_ token: some StringProtocol, now: Date) throws(TokenError) -> (principal: Principal, until: Date) {
        let ring = KeyRing(signingKey: nil, verificationKeys: [key.verificationKey])
        let claims: AccessTokenClaims = try JWS.verify(token, type: Self.type, keys: ring)
        let nowSeconds = now.timeIntervalSince1970
        guard Double(claims.exp) + leeway > nowSeconds else { throw .expired }
        guard Double(claims.iat) - leeway <= nowSeconds else { throw .notYetValid }
        guard claims.iss == Self.issuer else { throw .wrongIssuer }
        guard claims.aud == audience else { throw .wrongAudience }
        guard let id = UUID(uuidString: claims.sub), claims.role == Role.service.rawValue else { throw .malformed }
        return (Principal(accountID: id, role: .service), Date(timeIntervalSince1970: Double(claims.exp) + leeway))
    }

    /// The JWS type named in a token's header, to pick the verifier.
    static func headerType(_ token: some StringProtocol) -> String? {
        guard let first = token.split(separator: ".", maxSplits: 1).first, let data = Base64URL.decode(first),
              let header = try? JSONDecoder().decode(JWS.Header.self, from: data)
        else { return nil }
        return header.typ
    }
}
