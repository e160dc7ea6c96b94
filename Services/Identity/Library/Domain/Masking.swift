import Foundation

/// Document numbers shown to officers and in logs are masked so that a
/// screenshot or log excerpt is not enough to impersonate the holder.
enum Masking {
    static let mask: Character = "*"

    /// The result has the input's length so that officers can still compare
    /// it against a physical document at a glance.
    static func documentNumber(_ s: String) -> String {
        let characters = Array(s)
        let count = characters.count
        let (head, tail): (Int, Int)
        switch count {
        case 9...: (head, tail) = (4, 4)
        // Two visible characters would be the whole number.
        case 0...2: (head, tail) = (0, 0)
        default: (head, tail) = (0, 2)
        }
        let hidden = String(repeating: mask, count: count - head - tail)
        return String(characters[0..<head]) + hidden + String(characters[(count - tail)...])
    }

    /// "4604********1234": the division code and the last four, enough to tell
    /// a holder's cards apart on a desk, not enough to present one.
    static func cardNumber(_ s: String) -> String {
        let characters = Array(s)
        guard characters.count >= 12 else { return String(repeating: mask, count: characters.count) }
        return String(characters[0..<4]) + String(repeating: mask, count: characters.count - 8)
            + String(characters[(characters.count - 4)...])
    }
}
