import Foundation

/// Builds a CSV document (RFC 4180: comma separated, CRLF line ends, fields
/// quoted when they hold a comma, quote or line break) and hands it out in
/// chunks, so an export of any size streams with bounded memory.
struct CsvWriter {
    /// Chunks are flushed once they reach this many bytes.
    let chunkBytes: Int
    private var buffer: [UInt8] = []

    init(chunkBytes: Int = 32 * 1024) {
        self.chunkBytes = chunkBytes
        buffer.reserveCapacity(chunkBytes + 1024)
    }

    /// Appends one row; returns a full chunk when one is ready to send.
    mutating func append(_ fields: [String]) -> [UInt8]? {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            buffer.append(contentsOf: Self.escaped(field).utf8)
        }
        buffer.append(contentsOf: [UInt8(ascii: "\r"), UInt8(ascii: "\n")])
        guard buffer.count >= chunkBytes else { return nil }
        defer { buffer.removeAll(keepingCapacity: true) }
        return buffer
    }

    /// What is left after the last row (nil when nothing is).
    mutating func finish() -> [UInt8]? {
        guard !buffer.isEmpty else { return nil }
        defer { buffer.removeAll() }
        return buffer
    }

    static func escaped(_ field: String) -> String {
        // A leading =, +, - or @ would make a spreadsheet run the cell as a
        // formula; officers open these files in one, so such text is quoted
        // with a leading apostrophe. Numbers are written without a sign
        // problem: a negative number stays a number.
        var text = field
        if let first = text.first, "=+@".contains(first) || (first == "-" && Double(text) == nil) {
            text = "'" + text
        }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
