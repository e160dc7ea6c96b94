import _CryptoExtras
import Crypto
import Foundation

/// scrypt (memory-hard, slower to attack than bcrypt) with a random salt per
/// password. The parameters travel in the stored string, so raising the cost
/// later does not break existing hashes.
struct PasswordHasher: Sendable {
    /// log2 of scrypt's N. 15 (32 MiB, ~0.1 s here) in production; tests lower it.
    let costLog2: Int

    func hash(_ password: String) async throws -> String {
        let salt = Data((0..<16).map { _ in UInt8.random(in: .min ... .max) })
        let derived = try await derive(password, salt: salt, costLog2: costLog2)
        return "scrypt$\(costLog2)$8$1$\(salt.base64EncodedString())$\(derived.base64EncodedString())"
    }

    func verify(_ password: String, against stored: String) async -> Bool {
        let parts = stored.split(separator: "$")
        guard parts.count == 6, parts[0] == "scrypt", let cost = Int(parts[1]), (10...20).contains(cost),
            parts[2] == "8", parts[3] == "1",
            let salt = Data(base64Encoded: String(parts[4])), let expected = Data(base64Encoded: String(parts[5])),
            let derived = try? await derive(password, salt: salt, costLog2: cost)
        else { return false }
        // Constant time: compare every byte whatever the first difference.
        guard derived.count == expected.count else { return false }
        return zip(derived, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// A hash to spend the same time on when the username is unknown, so
    /// response time does not tell which usernames exist.
    func burn(_ password: String) async {
        _ = try? await derive(password, salt: Data(count: 16), costLog2: costLog2)
    }

    /// scrypt blocks its thread for a tenth of a second; keep it off the
    /// cooperative pool, which has only as many threads as cores.
    private func derive(_ password: String, salt: Data, costLog2: Int) async throws -> Data {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result {
                        let key = try KDF.Scrypt.deriveKey(
                            from: Data(password.utf8), salt: salt, outputByteCount: 32,
                            rounds: 1 << costLog2, blockSize: 8, parallelism: 1)
                        return key.withUnsafeBytes { Data($0) }
                    })
            }
        }
    }
}
