import Foundation

/// Number printed on the nomad one-card: "4604" + 11-digit serial + Luhn digit.
///
/// The fixed prefix makes a one-card number recognisable at a glance; the
/// Luhn digit catches mistyped numbers at service desks before any lookup.
enum CardNumber {
    static let prefix = "4604"
    static let serialDigits = 11
    static let length = 16
    static let maximumSerial: Int64 = 99_999_999_999

    /// Serials come from a database sequence; one outside the range is a
    /// programming error, not user input, hence the precondition.
    static func make(serial: Int64) -> String {
        precondition((0...maximumSerial).contains(serial), "card serial out of range: \(serial)")
        let digits = String(serial)
        let body = prefix + String(repeating: "0", count: serialDigits - digits.count) + digits
        return body + String(luhnCheckDigit(for: Array(body.utf8)))
    }

    static func isValid(_ s: String) -> Bool {
        let bytes = Array(s.utf8)
        guard bytes.count == length,
            bytes.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            s.hasPrefix(prefix)
        else { return false }
        return Int(bytes[length - 1] - UInt8(ascii: "0")) == luhnCheckDigit(for: Array(bytes[0..<(length - 1)]))
    }

    /// Doubling starts from the digit next to where the check digit will go.
    private static func luhnCheckDigit(for body: [UInt8]) -> Int {
        var sum = 0
        for (offset, byte) in body.reversed().enumerated() {
            var digit = Int(byte - UInt8(ascii: "0"))
            if offset % 2 == 0 {
                digit *= 2
                if digit > 9 { digit -= 9 }
            }
            sum += digit
        }
        return (10 - sum % 10) % 10
    }
}
