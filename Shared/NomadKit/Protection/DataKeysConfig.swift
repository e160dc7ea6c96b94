import Foundation

extension DataProtection {
    /// NOMAD_DATA_KEYS ("kid:base64url(32 bytes),...", newest first) and
    /// NOMAD_DATA_HASH_KEY (base64url, at least 32 bytes), each also as _FILE.
    /// Nil when neither is set; one without the other is a configuration error,
    /// since a half-configured deployment would seal what it cannot look up.
    public static func fromEnvironment(_ env: Environment) throws -> DataProtection? {
        let listed = try env.secret("NOMAD_DATA_KEYS")
        let hashed = try env.secret("NOMAD_DATA_HASH_KEY")
        guard listed != nil || hashed != nil else { return nil }
        guard let listed, let hashed else {
            throw ConfigError.invalid("NOMAD_DATA_KEYS", "NOMAD_DATA_KEYS and NOMAD_DATA_HASH_KEY go together")
        }
        let keys: [DataKey]
        do {
            // Commas, or one key a line in a _FILE.
            keys = try listed.split(whereSeparator: { $0 == "," || $0.isNewline }).map {
                try DataKey(encoded: String($0).trimmingCharacters(in: .whitespaces))
            }
        } catch {
            throw ConfigError.invalid("NOMAD_DATA_KEYS", "\(error)")
        }
        guard let hashKey = Base64URL.decode(DataKey.unpadded(Substring(hashed))) else {
            throw ConfigError.invalid("NOMAD_DATA_HASH_KEY", "expected base64url of at least 32 bytes")
        }
        do {
            return try DataProtection(keys: keys, hashKey: hashKey)
        } catch {
            throw ConfigError.invalid("NOMAD_DATA_KEYS", "\(error)")
        }
    }

    /// A fresh hash key in NOMAD_DATA_HASH_KEY's form (nomadctl keygen, local runs).
    public static func generateHashKey() -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        return Base64URL.encode(bytes)
    }
}
