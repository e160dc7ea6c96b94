import Crypto
import Foundation

/// Why a token was refused. Callers only ever see UNAUTHENTICATED; the reason
/// goes to the log and to tests.
public enum TokenError: Error, Sendable, Equatable {
    case malformed
    case unsupportedAlgorithm
    case unknownKey
    case badSignature
    case expired
    case notYetValid
    case wrongAudience
    case wrongIssuer
    case wrongType
}

/// Compact JWS signed with Ed25519 ("EdDSA", RFC 8037). Only that algorithm is
/// accepted: a header naming "none", an HMAC or anything else is refused
/// before any key is looked at.
public enum JWS {
    struct Header: Codable {
        var alg: String
        var typ: String?
        var kid: String?
    }

    public static func sign(_ claims: some Encodable, type: String, with key: SigningKey) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let header = try encoder.encode(Header(alg: "EdDSA", typ: type, kid: key.keyID))
        let payload = try encoder.encode(claims)
        let signingInput = Base64URL.encode(header) + "." + Base64URL.encode(payload)
        let signature = try key.privateKey.signature(for: Data(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature)
    }

    /// Checks the form, algorithm, type and signature, and decodes the claims.
    /// Time, audience and issuer are the caller's to check: they differ per use.
    public static func verify<Claims: Decodable>(
        _ token: some StringProtocol, type: String, keys: KeyRing, as: Claims.Type = Claims.self
    ) throws(TokenError) -> Claims {
        guard token.utf8.count <= 8192 else { throw .malformed }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
            let headerData = Base64URL.decode(parts[0]),
            let payloadData = Base64URL.decode(parts[1]),
            let signature = Base64URL.decode(parts[2]),
            let header = try? JSONDecoder().decode(Header.self, from: headerData)
        else { throw .malformed }
        guard header.alg == "EdDSA" else { throw .unsupportedAlgorithm }
        guard header.typ == type else { throw .wrongType }
        guard let kid = header.kid, let key = keys.verificationKeys[kid] else { throw .unknownKey }
        let signingInput = Data("\(parts[0]).\(parts[1])".utf8)
        guard key.publicKey.isValidSignature(signature, for: signingInput) else { throw .badSignature }
        guard let claims = try? JSONDecoder().decode(Claims.self, from: payloadData) else { throw .malformed }
        return claims
    }
}
