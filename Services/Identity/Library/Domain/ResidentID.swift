import Foundation

/// Mainland resident identity card number (公民身份号码), GB 11643-1999.
enum ResidentID {
    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters: [UInt8] = Array("10X98765432".utf8)

    /// Birth dates are judged against the calendar day in Hainan, not UTC,
    /// so that someone born today (local time) is accepted all day long.
    static let zone = TimeZone(identifier: "Asia/Shanghai")!

    static let earliestBirthYear = 1900

    /// Only an upper-case X is accepted as check character, for the same
    /// reason as for credit codes: the stored value is the checked value.
    static func validate(_ s: String, today: Date = Date()) -> Bool {
        let bytes = Array(s.utf8)
        guard bytes.count == 18,
            let expected = checkByte(for: bytes[0..<17]),
            bytes[17] == expected
        else { return false }
        return birthDateIsPlausible(bytes[6..<14], today: today)
    }

    /// Returns nil when `first17` is not exactly 17 ASCII digits.
    static func checkCharacter(for first17: String) -> Character? {
        let bytes = Array(first17.utf8)
        guard bytes.count == 17, let byte = checkByte(for: bytes[...]) else { return nil }
        return Character(Unicode.Scalar(byte))
    }

    private static func checkByte(for body: ArraySlice<UInt8>) -> UInt8? {
        guard body.count == weights.count else { return nil }
        var sum = 0
        for (weight, byte) in zip(weights, body) {
            guard let digit = asciiDigit(byte) else { return nil }
            sum += digit * weight
        }
        return checkCharacters[sum % 11]
    }

    private static func birthDateIsPlausible(_ digits: ArraySlice<UInt8>, today: Date) -> Bool {
        guard let yyyymmdd = number(digits) else { return false }
        let year = yyyymmdd / 10_000, month = yyyymmdd / 100 % 100, day = yyyymmdd % 100
        guard year >= earliestBirthYear, (1...12).contains(month),
            (1...daysIn(month: month, year: year)).contains(day)
        else { return false }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let now = calendar.dateComponents([.year, .month, .day], from: today)
        guard let y = now.year, let m = now.month, let d = now.day else { return false }
        return yyyymmdd <= y * 10_000 + m * 100 + d
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func asciiDigit(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in digits {
            guard let digit = asciiDigit(byte) else { return nil }
            value = value * 10 + digit
        }
        return value
    }
}

/// Passport numbers vary by issuing country, so only a loose shape is checked:
/// anything stricter would turn away some nationalities' genuine passports.
enum PassportNumber {
    static let lengths = 5...20

    static func validate(_ s: String) -> Bool {
        let bytes = s.utf8
        return lengths.contains(bytes.count)
            && bytes.allSatisfy { byte in
                (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            }
    }
}
