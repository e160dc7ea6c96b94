import Foundation

/// A gettext .po catalogue: `msgid "key"` / `msgstr "text"` pairs, strings
/// continued over several quoted lines, `#` comments, C escapes. The keys
/// are stable identifiers (msgid "nav.home"); translators edit only msgstr.
/// Plural forms and contexts are not used by the portal and are refused, so a
/// catalogue never silently loses an entry.
public struct POFile: Sendable {
    public struct ParseError: Error, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// msgid -> msgstr; the header entry (empty msgid) is left out.
    public let messages: [String: String]
    /// The keys in file order, for reports.
    public let keys: [String]

    public init(parsing text: String) throws {
        var messages: [String: String] = [:]
        var keys: [String] = []
        var currentID: String?
        var currentString: String?
        var field: String?
        var lineNumber = 0

        func finish() throws {
            guard let id = currentID else { return }
            guard let value = currentString else { throw ParseError(line: lineNumber, reason: "msgid \"\(id)\" has no msgstr") }
            if !id.isEmpty {
                if messages[id] != nil { throw ParseError(line: lineNumber, reason: "duplicate msgid \"\(id)\"") }
                messages[id] = value
                keys.append(id)
            }
            currentID = nil
            currentString = nil
            field = nil
        }

        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("msgid ") {
                try finish()
                currentID = try Self.quoted(line.dropFirst(6), line: lineNumber)
                field = "msgid"
            } else if line.hasPrefix("msgstr ") {
                guard currentID != nil, currentString == nil else {
                    throw ParseError(line: lineNumber, reason: "msgstr without its msgid")
                }
                currentString = try Self.quoted(line.dropFirst(7), line: lineNumber)
                field = "msgstr"
            } else if line.hasPrefix("\"") {
                let piece = try Self.quoted(Substring(line), line: lineNumber)
                switch field {
                case "msgid": currentID! += piece
                case "msgstr": currentString! += piece
                default: throw ParseError(line: lineNumber, reason: "string outside an entry")
                }
            } else {
                throw ParseError(line: lineNumber, reason: "unsupported line (plural forms and msgctxt are not used)")
            }
        }
        try finish()
        self.messages = messages
        self.keys = keys
    }

    static func quoted(_ text: Substring, line: Int) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.count >= 2, trimmed.hasPrefix("\""), trimmed.hasSuffix("\"") else {
            throw ParseError(line: line, reason: "expected a quoted string")
        }
        var result = ""
        var escaping = false
        for character in trimmed.dropFirst().dropLast() {
            if escaping {
                switch character {
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "\"": result.append("\"")
                case "\\": result.append("\\")
                default: throw ParseError(line: line, reason: "unknown escape \\\(character)")
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else if character == "\"" {
                throw ParseError(line: line, reason: "unescaped quote inside a string")
            } else {
                result.append(character)
            }
        }
        if escaping { throw ParseError(line: line, reason: "string ends with a backslash") }
        return result
    }
}
