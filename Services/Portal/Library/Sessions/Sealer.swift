import Crypto
import Foundation

/// Seals small values into cookie-safe strings with AES-256-GCM: nobody
/// without the key reads them or changes a bit unnoticed. The cookie's name is
/// the associated data, so a sealed flash cannot be replayed as a session.
public struct Sealer: Sendable {
    // SymmetricKey is not Sendable in this swift-crypto: keep the bytes and
    // make the key where it is used.
    private let keyData: Data
    private let macKeyData: Data

    private var key: SymmetricKey { SymmetricKey(data: keyData) }
    private var macKey: SymmetricKey { SymmetricKey(data: macKeyData) }

    public init(keyData: Data) {
        precondition(keyData.count == 32, "the session key is 32 bytes")
        self.keyData = keyData
        // A separate key for MACs, derived so the two uses never share one.
        macKeyData = Data(HMAC<SHA256>.authenticationCode(for: Data("nomad-portal mac".utf8), using: SymmetricKey(data: keyData)))
    }

    public func seal<Value: Encodable>(_ value: Value, purpose: String) throws -> String {
        let plain = try JSONEncoder().encode(value)
        let box = try AES.GCM.seal(plain, using: key, authenticating: Data(purpose.utf8))
        guard let combined = box.combined else { throw SealError.sealing }
        return Base64URL.encode(combined)
    }

    public func open<Value: Decodable>(_ type: Value.Type, from text: String, purpose: String) -> Value? {
        guard text.count < 8192, let data = Base64URL.decode(text),
            let box = try? AES.GCM.SealedBox(combined: data),
            let plain = try? AES.GCM.open(box, using: key, authenticating: Data(purpose.utf8))
        else { return nil }
        return try? JSONDecoder().decode(type, from: plain)
    }

    /// HMAC-SHA256 of a message, base64url.
    public func mac(_ message: String) -> String {
        Base64URL.encode(Data(HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: macKey)))
    }

    /// Constant-time comparison of two MACs.
    public func verify(mac candidate: String, for message: String) -> Bool {
        let expected = Array(mac(message).utf8)
        let given = Array(candidate.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices { difference |= expected[index] ^ given[index] }
        return difference == 0
    }
}

public enum SealError: Error {
    case sealing
}

public enum Base64URL {
    public static func encode(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }

    public static func random(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        return encode(Data((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) }))
    }
}
