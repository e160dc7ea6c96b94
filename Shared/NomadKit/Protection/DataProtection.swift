import Crypto
import Foundation

/// A data-encryption key and the id written in front of everything it seals,
/// so that a ciphertext names the key that opens it and keys can rotate.
public struct DataKey: Sendable {
    public let id: String
    /// The key's bytes: `SymmetricKey` is not `Sendable` in the pinned
    /// swift-crypto, so the key is made from them where it is used.
    let bytes: Data
    var key: SymmetricKey { SymmetricKey(data: bytes) }

    /// Key ids go into every ciphertext's header: short, printable, no separators.
    public static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 64
            && id.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0))
            }
    }

    public init(id: String, bytes: Data) throws(DataProtectionError) {
        guard Self.isValidID(id) else { throw .badKey("key id: letters, digits, '-', '_', '.'; at most 64") }
        guard bytes.count == 32 else { throw .badKey("key \(id): 32 bytes (AES-256) expected") }
        self.id = id
        self.bytes = bytes
    }

    public static func generate(id: String) -> DataKey {
        // The id is ours and valid; the bytes are the right length.
        try! DataKey(id: id, bytes: SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    /// "kid:base64url(32 bytes)", the form NOMAD_DATA_KEYS lists.
    public var encoded: String {
        id + ":" + Base64URL.encode(bytes)
    }

    public init(encoded: String) throws(DataProtectionError) {
        let parts = encoded.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let bytes = Base64URL.decode(Self.unpadded(parts[1])) else {
            throw .badKey("expected kid:base64url(32 bytes)")
        }
        try self.init(id: String(parts[0]), bytes: bytes)
    }

    /// Accepts standard base64 as well, since operators paste `openssl rand -base64 32`.
    static func unpadded(_ text: Substring) -> String {
        String(
            text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "=", with: "")
                .map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
    }
}

public enum DataProtectionError: Error, Sendable, Equatable, CustomStringConvertible {
    case badKey(String)
    /// The ciphertext names a key this process does not hold (retired too early?).
    case unknownKey(String)
    /// Truncated, altered, or sealed for another purpose.
    case corrupt

    public var description: String {
        switch self {
        case .badKey(let why): return "data key: \(why)"
        case .unknownKey(let id): return "data key \(id) is not configured"
        case .corrupt: return "sealed data is corrupt or belongs elsewhere"
        }
    }
}

/// Personal numbers (passport, resident ID, one-card) at rest: AES-256-GCM
/// ciphertexts for the copies that must be shown again, and HMAC-SHA256 keyed
/// hashes for lookups and uniqueness, so that the database, its backups and a
/// unique violation's DETAIL never carry a number.
///
/// Sealed form: 0x01, the key id's length (1 byte), the key id, then AES-GCM's
/// combined nonce‖ciphertext‖tag. The purpose (e.g. "identity.cards.number")
/// is authenticated data: a ciphertext copied into another column does not open.
public struct DataProtection: Sendable {
    static let version: UInt8 = 1

    /// Newest first: the first seals, every one opens.
    public let keys: [DataKey]
    let hashKeyBytes: Data

    public init(keys: [DataKey], hashKey: Data) throws(DataProtectionError) {
        guard !keys.isEmpty else { throw .badKey("at least one data key is needed") }
        guard Set(keys.map(\.id)).count == keys.count else { throw .badKey("duplicate key id") }
        guard hashKey.count >= 32 else { throw .badKey("the hash key needs at least 32 bytes") }
        self.keys = keys
        self.hashKeyBytes = hashKey
    }

    /// Fresh keys: tests and a bare local start. What it sealed cannot be
    /// opened by another process or after a restart.
    public static func ephemeral() -> DataProtection {
        try! DataProtection(
            keys: [.generate(id: "ephemeral-\(UUID().uuidString.prefix(8).lowercased())")],
            hashKey: SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    public var currentKeyID: String { keys[0].id }

    public func seal(_ plaintext: String, purpose: String) throws -> Data {
        try seal(bytes: Data(plaintext.utf8), purpose: purpose)
    }

    public func open(_ sealed: Data, purpose: String) throws -> String {
        guard let text = String(data: try open(bytes: sealed, purpose: purpose), encoding: .utf8) else {
            throw DataProtectionError.corrupt
        }
        return text
    }

    public func seal(bytes plaintext: Data, purpose: String) throws -> Data {
        let key = keys[0]
        let box = try AES.GCM.seal(plaintext, using: key.key, authenticating: Data(purpose.utf8))
        // `combined` is nil only for nonces of a non-default size.
        guard let combined = box.combined else { throw DataProtectionError.corrupt }
        var out = Data([Self.version, UInt8(key.id.utf8.count)])
        out.append(contentsOf: key.id.utf8)
        out.append(combined)
        return out
    }

    public func open(bytes sealed: Data, purpose: String) throws -> Data {
        let bytes = Data(sealed)
        guard let keyID = Self.keyID(of: bytes) else { throw DataProtectionError.corrupt }
        guard let key = keys.first(where: { $0.id == keyID }) else { throw DataProtectionError.unknownKey(keyID) }
        let body = bytes.dropFirst(2 + keyID.utf8.count)
        do {
            let box = try AES.GCM.SealedBox(combined: body)
            return try AES.GCM.open(box, using: key.key, authenticating: Data(purpose.utf8))
        } catch let error as DataProtectionError {
            throw error
        } catch {
            throw DataProtectionError.corrupt
        }
    }

    /// The id of the key that sealed `sealed`, or nil when it is not in our form.
    public static func keyID(of sealed: Data) -> String? {
        let bytes = [UInt8](sealed)
        guard bytes.count > 2, bytes[0] == version else { return nil }
        let length = Int(bytes[1])
        guard length > 0, bytes.count > 2 + length else { return nil }
        return String(bytes: bytes[2..<(2 + length)], encoding: .utf8)
    }

    /// Whether `sealed` starts like our sealed form. A serialized protobuf
    /// message never does: its first byte would name field 0, which is invalid.
    public static func looksSealed(_ data: Data) -> Bool {
        keyID(of: data) != nil
    }

    /// Whether a rotation still has to re-seal this value with the newest key.
    public func isCurrent(_ sealed: Data) -> Bool {
        Self.keyID(of: sealed) == currentKeyID
    }

    /// HMAC-SHA256 of `value` under the deployment's hash key, separated by
    /// purpose so a card number and a passport number never share a hash.
    /// Deterministic on purpose: it is what lookups and unique indexes compare.
    public func hash(_ value: String, purpose: String) -> Data {
        hash(bytes: Data(value.utf8), purpose: purpose)
    }

    public func hash(bytes value: Data, purpose: String) -> Data {
        var input = Data(purpose.utf8)
        input.append(0)
        input.append(value)
        return Data(HMAC<SHA256>.authenticationCode(for: input, using: SymmetricKey(data: hashKeyBytes)))
    }
}
