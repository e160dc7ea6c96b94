import Foundation

/// Unified social credit code (统一社会信用代码), GB 32100-2015.
///
/// Only the shape and the check character are verified. The registration
/// department, organisation type, region and organisation-code segments are
/// not cross-checked: their code lists change over time and a stale list would
/// reject genuine enterprises.
enum CreditCode {
    /// The standard's 31-character alphabet; I, O, Z, S and V are left out
    /// because they are easily confused with 1, 0, 2, 5 and U.
    static let alphabet: [UInt8] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)

    /// 3^i mod 31, as published in the standard.
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    static let length = 18

    /// Callers pass raw user input: lower-case letters or surrounding spaces
    /// make the code invalid rather than being silently repaired, so that
    /// what is stored is exactly what was checked.
    static func validate(_ s: String) -> Bool {
        let bytes = Array(s.utf8)
        guard bytes.count == length,
            let expected = checkByte(for: bytes[0..<(length - 1)])
        else { return false }
        return bytes[length - 1] == expected
    }

    /// Returns nil when `first17` is not exactly 17 characters of the alphabet.
    static func checkCharacter(for first17: String) -> Character? {
        let bytes = Array(first17.utf8)
        guard bytes.count == length - 1, let byte = checkByte(for: bytes[...]) else { return nil }
        return Character(Unicode.Scalar(byte))
    }

    private static func checkByte(for body: ArraySlice<UInt8>) -> UInt8? {
        guard body.count == weights.count else { return nil }
        var sum = 0
        for (weight, byte) in zip(weights, body) {
            guard let value = alphabet.firstIndex(of: byte) else { return nil }
            sum += value * weight
        }
        return alphabet[(31 - sum % 31) % 31]
    }
}
