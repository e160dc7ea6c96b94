import ArgumentParser
import Foundation
import NomadKit

/// A token signing key for identity and its public half for everyone else,
/// in the forms NOMAD_SIGNING_KEY and NOMAD_VERIFY_KEYS take.
struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Generate an Ed25519 token signing key (NOMAD_SIGNING_KEY) and its verify key (NOMAD_VERIFY_KEYS), or with --data a data key (NOMAD_DATA_KEYS) and a hash key (NOMAD_DATA_HASH_KEY)."
    )

    @Flag(help: "Generate an AES-256 data key and an HMAC hash key for personal numbers instead.")
    var data = false

    @Option(help: "The key id tokens name in their header (default: key-<UTC time>).")
    var keyID: String?

    func run() throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let id = keyID ?? "key-\(formatter.string(from: Date()))"
        guard !id.isEmpty, !id.contains(":"), !id.contains(",") else {
            throw ValidationError("--key-id must be non-empty without ':' or ','")
        }
        if data {
            // Prepend the new one to NOMAD_DATA_KEYS to rotate (README: key rotation);
            // the hash key is made once per deployment and kept.
            let dataID = keyID ?? "data-\(formatter.string(from: Date()))"
            guard DataKey.isValidID(dataID) else {
                throw ValidationError("--key-id for a data key: letters, digits, '-', '_', '.'; at most 64")
            }
            let key = DataKey.generate(id: dataID)
            emit("NOMAD_DATA_KEYS=\(key.encoded)")
            emit("NOMAD_DATA_HASH_KEY=\(DataProtection.generateHashKey())")
            return
        }
        let key = SigningKey.generate(keyID: id)
        emit("NOMAD_SIGNING_KEY=\(key.encoded)")
        emit("NOMAD_VERIFY_KEYS=\(key.verificationKey.encoded)")
    }
}
