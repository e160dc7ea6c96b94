import Foundation

/// The portal's messages in one language, from Resources/i18n/<tag>.po.
public struct Catalogue: Sendable {
    public let language: PortalLanguage
    public let messages: [String: String]

    public init(language: PortalLanguage, messages: [String: String]) {
        self.language = language
        self.messages = messages
    }

    /// The text for a key; `{name}` placeholders are replaced by the values
    /// given. A missing key shows the key itself (the parity test keeps that
    /// from happening in a release).
    public func text(_ key: String, _ values: [String: String] = [:]) -> String {
        var text = messages[key] ?? key
        for (name, value) in values {
            text = text.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return text
    }

    public func has(_ key: String) -> Bool { messages[key] != nil }

    /// The messages as nested dictionaries for templates: "nav.home" is
    /// `{{t.nav.home}}`.
    public var tree: [String: Any] {
        var root: [String: Any] = [:]
        for (key, value) in messages {
            insert(&root, path: key.split(separator: ".").map(String.init)[...], value: value)
        }
        return root
    }

    private func insert(_ node: inout [String: Any], path: ArraySlice<String>, value: String) {
        guard let head = path.first else { return }
        if path.count == 1 {
            node[head] = value
        } else {
            var child = node[head] as? [String: Any] ?? [:]
            insert(&child, path: path.dropFirst(), value: value)
            node[head] = child
        }
    }
}

/// Every language's catalogue, loaded once at start.
public struct Catalogues: Sendable {
    public let byLanguage: [PortalLanguage: Catalogue]

    public init(byLanguage: [PortalLanguage: Catalogue]) {
        self.byLanguage = byLanguage
    }

    public static func load(directory: URL) throws -> Catalogues {
        var result: [PortalLanguage: Catalogue] = [:]
        for language in PortalLanguage.allCases {
            let url = directory.appendingPathComponent("\(language.tag).po")
            let text = try String(contentsOf: url, encoding: .utf8)
            do {
                result[language] = Catalogue(language: language, messages: try POFile(parsing: text).messages)
            } catch {
                throw CatalogueError(file: url.lastPathComponent, reason: "\(error)")
            }
        }
        return Catalogues(byLanguage: result)
    }

    public subscript(_ language: PortalLanguage) -> Catalogue {
        byLanguage[language] ?? Catalogue(language: language, messages: [:])
    }

    /// Keys some catalogue has and this language's lacks, per language.
    public func missingKeys() -> [PortalLanguage: [String]] {
        let all = Set(byLanguage.values.flatMap { $0.messages.keys })
        var missing: [PortalLanguage: [String]] = [:]
        for language in PortalLanguage.allCases {
            let have = Set(self[language].messages.keys)
            let lacking = all.subtracting(have).sorted()
            if !lacking.isEmpty { missing[language] = lacking }
        }
        return missing
    }
}

public struct CatalogueError: Error, CustomStringConvertible {
    public let file: String
    public let reason: String
    public var description: String { "catalogue \(file): \(reason)" }
}
