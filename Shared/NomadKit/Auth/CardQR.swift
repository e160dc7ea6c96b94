import Foundation

/// The signed payload a one-card holder shows as a QR code. Gates and desks
/// verify it offline with identity's public keys (GetPublicKeys); identity's
/// VerifyCard also checks the card's current status online.
public struct CardQRClaims: Codable, Sendable, Equatable {
    /// The card number.
    public var card: String
    /// The holder's account id.
    public var sub: String
    public var iat: Int64
    public var exp: Int64

    public init(card: String, sub: String, iat: Int64, exp: Int64) {
        self.card = card
        self.sub = sub
        self.iat = iat
        self.exp = exp
    }
}

public enum CardQR {
    public static let type = "card-qr"

    public static func sign(_ claims: CardQRClaims, with key: SigningKey) throws -> String {
        try JWS.sign(claims, type: type, with: key)
    }

    /// Offline verification: signature, form and the QR's own expiry. Whether
    /// the card itself is still active needs the online check.
    public static func verify(_ payload: String, keys: KeyRing, now: Date = Date()) throws(TokenError) -> CardQRClaims {
        let claims: CardQRClaims = try JWS.verify(payload, type: type, keys: keys)
        guard Double(claims.exp) > now.timeIntervalSince1970 else { throw .expired }
        return claims
    }
}
