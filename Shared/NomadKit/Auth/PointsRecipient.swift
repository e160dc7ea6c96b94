import Foundation

/// What identity's FindPointsRecipient signs and assets' TransferPoints
/// accepts: "identity vouches that `sub` is an active card holder, looked up
/// by `by`". Bound to the sender, so a token seen over someone's shoulder or
/// in a log sends nobody else's points; short-lived, so a card suspended
/// since is not paid for long.
public struct PointsRecipientClaims: Codable, Sendable, Equatable {
    /// The recipient's account id.
    public var sub: String
    /// The sender's account id: the only caller the token is good for.
    public var by: String
    public var iat: Int64
    public var exp: Int64

    public init(sub: String, by: String, iat: Int64, exp: Int64) {
        self.sub = sub
        self.by = by
        self.iat = iat
        self.exp = exp
    }
}

public enum PointsRecipient {
    public static let type = "points-recipient"
    public static let lifetime: TimeInterval = 600

    public static func sign(recipient: UUID, sender: UUID, with key: SigningKey, now: Date = Date()) throws -> (String, Date) {
        let expires = now.addingTimeInterval(lifetime)
        let claims = PointsRecipientClaims(
            sub: recipient.uuidString.lowercased(), by: sender.uuidString.lowercased(),
            iat: Int64(now.timeIntervalSince1970), exp: Int64(expires.timeIntervalSince1970))
        return (try JWS.sign(claims, type: type, with: key), expires)
    }

    /// The recipient, when the token is identity's, unexpired and `sender`'s.
    public static func verify(_ token: String, keys: KeyRing, sender: UUID, now: Date = Date()) throws(TokenError) -> UUID {
        let claims: PointsRecipientClaims = try JWS.verify(token, type: type, keys: keys)
        guard Double(claims.exp) > now.timeIntervalSince1970 else { throw .expired }
        guard claims.by == sender.uuidString.lowercased() else { throw .wrongAudience }
        guard let recipient = UUID(uuidString: claims.sub) else { throw .malformed }
        return recipient
    }
}
