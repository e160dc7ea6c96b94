import Foundation

/// The claims of a suite access token. Short-lived: services verify it offline
/// and never call identity back.
public struct AccessTokenClaims: Codable, Sendable, Equatable {
    public var iss: String
    public var aud: String
    public var sub: String
    public var iat: Int64
    public var exp: Int64
    public var jti: String
    public var role: String
    public var dept: String?
    /// A nomad's standing (NomadStanding's raw value).
    public var nst: String?
    /// A foreign nomad: true; absent otherwise.
    public var fgn: Bool?
    /// A foreign nomad's work permit: the last day (YYYY-MM-DD) of the
    /// approved permits that cover today without a gap; absent without one.
    public var wpu: String?

    public init(
        iss: String, aud: String, sub: String, iat: Int64, exp: Int64, jti: String, role: String, dept: String?,
        nst: String? = nil, fgn: Bool? = nil, wpu: String? = nil
    ) {
        self.iss = iss
        self.aud = aud
        self.sub = sub
        self.iat = iat
        self.exp = exp
        self.jti = jti
        self.role = role
        self.dept = dept
        self.nst = nst
        self.fgn = fgn
        self.wpu = wpu
    }
}

/// Issues and verifies access tokens against one issuer and audience.
public struct AccessTokens: Sendable {
    public static let type = "JWT"
    public let issuer: String
    public let audience: String
    public let keys: KeyRing
    /// Tolerated clock difference between the signer and a verifier.
    public let leeway: TimeInterval = 30

    public init(issuer: String, audience: String, keys: KeyRing) {
        self.issuer = issuer
        self.audience = audience
        self.keys = keys
    }

    public func issue(for principal: Principal, lifetime: TimeInterval, now: Date = Date()) throws -> (token: String, expiresAt: Date) {
        guard let key = keys.signingKey else { throw ConfigError.invalid("NOMAD_SIGNING_KEY", "this service has no signing key") }
        let expiresAt = now.addingTimeInterval(lifetime)
        let claims = AccessTokenClaims(
            iss: issuer, aud: audience, sub: principal.accountID.uuidString.lowercased(),
            iat: Int64(now.timeIntervalSince1970), exp: Int64(expiresAt.timeIntervalSince1970),
            jti: UUID().uuidString.lowercased(), role: principal.role.rawValue, dept: principal.department,
            nst: principal.standing?.rawValue, fgn: principal.foreign ? true : nil,
            wpu: principal.workPermitUntil?.iso)
        return (try JWS.sign(claims, type: Self.type, with: key), expiresAt)
    }

    public func verify(_ token: some StringProtocol, now: Date = Date()) throws(TokenError) -> Principal {
        try verifyToken(token, now: now).principal
    }

    /// The caller, when the token was issued and when it stops being accepted.
    func verifyToken(_ token: some StringProtocol, now: Date) throws(TokenError) -> VerifiedToken {
        let claims: AccessTokenClaims = try JWS.verify(token, type: Self.type, keys: keys)
        let nowSeconds = now.timeIntervalSince1970
        guard Double(claims.exp) + leeway > nowSeconds else { throw .expired }
        guard Double(claims.iat) - leeway <= nowSeconds else { throw .notYetValid }
        guard claims.iss == issuer else { throw .wrongIssuer }
        guard claims.aud == audience else { throw .wrongAudience }
        guard let id = UUID(uuidString: claims.sub), let role = Role(rawValue: claims.role) else { throw .malformed }
        // The service role comes only from a service token, which names what
        // it may call; an access token claiming it would be good for anything.
        if role == .service { throw .malformed }
        if role == .officer, (claims.dept ?? "").isEmpty { throw .malformed }
        let principal = Principal(
            accountID: id, role: role, department: role == .officer ? claims.dept : nil,
            standing: claims.nst.flatMap(NomadStanding.init(rawValue:)), foreign: claims.fgn == true,
            workPermitUntil: claims.wpu.flatMap(ZoneDay.init(iso:)))
        return VerifiedToken(
            principal: principal, issuedAt: Date(timeIntervalSince1970: Double(claims.iat)),
            until: Date(timeIntervalSince1970: Double(claims.exp) + leeway), grant: nil)
    }
}
