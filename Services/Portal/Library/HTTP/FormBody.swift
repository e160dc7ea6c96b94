import Foundation

/// application/x-www-form-urlencoded, as browsers send it ("+" is a space).
/// A repeated name keeps every value joined by "\n" in `multi`, the last in
/// the plain map.
public enum FormBody {
    public static func parse(_ body: String) -> [String: String] {
        parseMulti(body).mapValues { $0.last ?? "" }
    }

    public static func parseMulti(_ body: String) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for pair in body.split(separator: "&", omittingEmptySubsequences: true).prefix(500) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts[0])
            let value = parts.count > 1 ? decode(parts[1]) : ""
            guard !name.isEmpty else { continue }
            result[name, default: []].append(value)
        }
        return result
    }

    static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    public static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
