import ArgumentParser
import Foundation
import NomadKit

/// A token signing key for identity and its public half for everyone else,
/// in the forms NOMAD_SIGNING_KEY and NOMAD_VERIFY_KEYS take.
struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate an Ed25519 token signing key (NOMAD_SIGNING_KEY) and its verify key (NOMAD_VERIFY_KEYS).")

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
        let key = SigningKey.generate(keyID: id)
        emit("NOMAD_SIGNING_KEY=\(key.encoded)")
        emit("NOMAD_VERIFY_KEYS=\(key.verificationKey.encoded)")
    }
}
