import Foundation

/// The claims of a service token: an access token's, plus the grant it is
/// for. `aud` names the one gRPC service that accepts it.
struct ServiceTokenClaims: Codable, Sendable {
    var iss: String
    var aud: String
    var sub: String
    var iat: Int64
    var exp: Int64
    var jti: String
    var role: String
    /// A ServiceGrant's name.
    var scope: String
}

/// Tokens services use to call each other (the outbox relay calling
/// analytics, the revocation poller calling identity). Identity does not
/// issue them: every service is given the same service-token key by
/// configuration (NOMAD_SERVICE_TOKEN_KEY) and signs its own short-lived token.
///
/// The key is kept apart from identity's: its tokens have their own JWS type
/// and issuer, are verified only against the service key, and always yield
/// the `service` role. Each names one ServiceGrant (audience and methods), and
/// the auth interceptor accepts it only on those methods of that service, so a
/// relay's token captured by analytics cannot be replayed against identity,
/// and no service token reaches a person's RPC. What the grant does not
/// stop: a process holding the key can sign any grant; per-service keys would.
public struct ServiceTokens: Sendable {
    public static let type = "NSVC"
    public static let issuer = "nomad-service"
    let key: SigningKey
    let leeway: TimeInterval = 30

    public init(key: SigningKey) {
        self.key = key
    }

    /// A token naming `caller` (one per relay or poller) for `grant`.
    public func issue(
        caller: UUID, for grant: ServiceGrant, lifetime: TimeInterval = 300, now: Date = Date()
    ) throws -> (token: String, expiresAt: Date) {
        let expiresAt = now.addingTimeInterval(lifetime)
        let claims = ServiceTokenClaims(
            iss: Self.issuer, aud: grant.audience, sub: caller.uuidString.lowercased(),
            iat: Int64(now.timeIntervalSince1970), exp: Int64(expiresAt.timeIntervalSince1970),
            jti: UUID().uuidString.lowercased(), role: Role.service.rawValue, scope: grant.name)
        return (try JWS.sign(claims, type: Self.type, with: key), expiresAt)
    }

    /// The caller and its grant. Whether the grant covers the method called
    /// is the interceptor's to decide, per call.
    func verify(_ token: some StringProtocol, now: Date) throws(TokenError) -> VerifiedToken {
        let ring = KeyRing(signingKey: nil, verificationKeys: [key.verificationKey])
        let claims: ServiceTokenClaims = try JWS.verify(token, type: Self.type, keys: ring)
        let nowSeconds = now.timeIntervalSince1970
        guard Double(claims.exp) + leeway > nowSeconds else { throw .expired }
        guard Double(claims.iat) - leeway <= nowSeconds else { throw .notYetValid }
        guard claims.iss == Self.issuer else { throw .wrongIssuer }
        guard let grant = ServiceGrant.named(claims.scope), grant.audience == claims.aud else { throw .wrongAudience }
        guard let id = UUID(uuidString: claims.sub), claims.role == Role.service.rawValue else { throw .malformed }
        return VerifiedToken(
            principal: Principal(accountID: id, role: .service), issuedAt: Date(timeIntervalSince1970: Double(claims.iat)),
            until: Date(timeIntervalSince1970: Double(claims.exp) + leeway), grant: grant)
    }

    /// The JWS type named in a token's header, to pick the verifier.
    static func headerType(_ token: some StringProtocol) -> String? {
        guard let first = token.split(separator: ".", maxSplits: 1).first, let data = Base64URL.decode(first),
            let header = try? JSONDecoder().decode(JWS.Header.self, from: data)
        else { return nil }
        return header.typ
    }
}

/// What verifying a bearer token established, kept while it is valid.
struct VerifiedToken: Sendable {
    let principal: Principal
    let issuedAt: Date
    /// When the token stops being accepted (expiry plus leeway).
    let until: Date
    /// Service tokens only: what the token may call.
    let grant: ServiceGrant?
}
