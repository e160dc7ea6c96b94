import Foundation

/// The languages messages are written in. zh-CN is the reference language of
/// the programme; en serves foreign nomads and integrators.
public enum Language: String, Sendable, CaseIterable {
    case zhCN = "zh-CN"
    case en = "en"

    /// Picks the best language from an `accept-language` value such as
    /// "en-US,en;q=0.9,zh-CN;q=0.8". Anything Chinese maps to zh-CN, anything
    /// English to en, and the caller's highest-ranked of the two wins. With no
    /// header at all (or only "*") the programme's reference language, zh-CN,
    /// answers; a caller who asked only for languages we do not have ("ru",
    /// "ar", "de", or every one at q=0) gets English, which far more of them read than Chinese.
    public static func negotiate(_ header: String?) -> Language {
        guard let header, !header.trimmingCharacters(in: .whitespaces).isEmpty else { return .zhCN }
        var best: (Language, Double)?
        var askedForSomething = false
        for part in header.split(separator: ",") {
            let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = fields.first?.lowercased(), !tag.isEmpty else { continue }
            var quality = 1.0
            for parameter in fields.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            // "*" ("anything will do") names no language: alone, the reference answers.
            if tag == "*" { continue }
            askedForSomething = true
            let language: Language?
            if tag == "zh" || tag.hasPrefix("zh-") {
                language = .zhCN
            } else if tag == "en" || tag.hasPrefix("en-") {
                language = .en
            } else {
                language = nil
            }
            if let language, quality > 0, quality > (best?.1 ?? -1) {
                best = (language, quality)
            }
        }
        if let best { return best.0 }
        return askedForSomething ? .en : .zhCN
    }
}

/// A message that can be rendered in every supported language.
public struct LocalizedMessage: Sendable, Equatable {
    public let zhCN: String
    public let en: String

    public init(zh: String, en: String) {
        self.zhCN = zh
        self.en = en
    }

    public func text(_ language: Language) -> String {
        switch language {
        case .zhCN: return zhCN
        case .en: return en
        }
    }
}
