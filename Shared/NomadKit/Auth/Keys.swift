import Crypto
import Foundation

/// An Ed25519 key that signs tokens, named by the key id that goes into each
/// token's header so verifiers can pick the right public key during rotation.
public struct SigningKey: Sendable {
    public let keyID: String
    // Raw bytes: swift-crypto's key types are not Sendable on Linux.
    private let seed: Data

    public init(keyID: String, privateKey: Curve25519.Signing.PrivateKey) {
        self.keyID = keyID
        self.seed = privateKey.rawRepresentation
    }

    var privateKey: Curve25519.Signing.PrivateKey {
        // The seed was validated when the key was made.
        try! Curve25519.Signing.PrivateKey(rawRepresentation: seed)
    }

    public static func generate(keyID: String) -> SigningKey {
        SigningKey(keyID: keyID, privateKey: Curve25519.Signing.PrivateKey())
    }

    /// "kid:base64url(32-byte seed)", the form NOMAD_SIGNING_KEY takes.
    public init(encoded: String) throws {
        let parts = encoded.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, !parts[0].isEmpty, let seed = Base64URL.decode(parts[1]), seed.count == 32
        else { throw ConfigError.invalid("NOMAD_SIGNING_KEY", "expected kid:base64url(32-byte Ed25519 seed)") }
        self.init(keyID: String(parts[0]), privateKey: try Curve25519.Signing.PrivateKey(rawRepresentation: seed))
    }

    public var encoded: String { "\(keyID):\(Base64URL.encode(seed))" }

    public var verificationKey: VerificationKey {
        VerificationKey(keyID: keyID, publicKey: privateKey.publicKey)
    }
}

/// The public half: what every service holds to verify tokens offline.
public struct VerificationKey: Sendable {
    public let keyID: String
    public let rawPublicKey: Data

    public init(keyID: String, publicKey: Curve25519.Signing.PublicKey) {
        self.keyID = keyID
        self.rawPublicKey = publicKey.rawRepresentation
    }

    var publicKey: Curve25519.Signing.PublicKey {
        try! Curve25519.Signing.PublicKey(rawRepresentation: rawPublicKey)
    }

    public init(keyID: String, rawPublicKey: Data) throws {
        self.init(keyID: keyID, publicKey: try Curve25519.Signing.PublicKey(rawRepresentation: rawPublicKey))
    }

    /// "kid:base64url(32-byte public key)", the form NOMAD_VERIFY_KEYS lists.
    public init(encoded: String) throws {
        let parts = encoded.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, !parts[0].isEmpty, let raw = Base64URL.decode(parts[1]), raw.count == 32
        else { throw ConfigError.invalid("NOMAD_VERIFY_KEYS", "expected kid:base64url(32-byte Ed25519 public key)") }
        try self.init(keyID: String(parts[0]), rawPublicKey: raw)
    }

    public var encoded: String { "\(keyID):\(Base64URL.encode(rawPublicKey))" }
}

/// The keys one process holds: at most one signing key (identity only) and the
/// public keys it accepts, indexed by key id.
public struct KeyRing: Sendable {
    public let signingKey: SigningKey?
    public let verificationKeys: [String: VerificationKey]

    public init(signingKey: SigningKey?, verificationKeys: [VerificationKey]) {
        self.signingKey = signingKey
        var keys: [String: VerificationKey] = [:]
        for key in verificationKeys { keys[key.keyID] = key }
        if let signingKey { keys[signingKey.keyID] = signingKey.verificationKey }
        self.verificationKeys = keys
    }
}
