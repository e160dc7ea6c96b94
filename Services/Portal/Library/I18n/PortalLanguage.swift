import Foundation

/// The languages the portal speaks. Adding one: a catalogue file
/// `Resources/i18n/<tag>.po` with every key, and a case here.
public enum PortalLanguage: String, Sendable, CaseIterable {
    case zhCN = "zh-CN"
    case en = "en"
    case ru = "ru"
    case ar = "ar"

    public var tag: String { rawValue }

    public var isRightToLeft: Bool { self == .ar }

    public var direction: String { isRightToLeft ? "rtl" : "ltr" }

    /// The name of the language in itself, for the selector.
    public var nativeName: String {
        switch self {
        case .zhCN: return "中文"
        case .en: return "English"
        case .ru: return "Русский"
        case .ar: return "العربية"
        }
    }

    public var locale: Locale {
        switch self {
        case .zhCN: return Locale(identifier: "zh_CN")
        case .en: return Locale(identifier: "en_GB")
        case .ru: return Locale(identifier: "ru_RU")
        case .ar: return Locale(identifier: "ar")
        }
    }

    /// Whether the services write their messages in this language; the
    /// others get the portal's own catalogue text for a service error.
    public var servicesSpeakIt: Bool { self == .zhCN || self == .en }

    /// The services' texts (LocalizedText) exist in zh-CN and en; ru and ar
    /// pages show the English one, marked lang="en".
    public var contentLanguage: PortalLanguage { servicesSpeakIt ? self : .en }

    /// What the portal sends the services as accept-language: the language
    /// itself first, English next, so a service that lacks it answers in
    /// English, never in Chinese.
    public var acceptLanguageHeader: String {
        switch self {
        case .zhCN: return "zh-CN"
        case .en: return "en"
        default: return "\(tag), en;q=0.8"
        }
    }

    /// "zh", "zh-Hans-CN", "ZH-cn" -> zh-CN; "en-US" -> en; ...
    public init?(matching tag: String) {
        let lower = tag.trimmingCharacters(in: .whitespaces).lowercased()
        let primary = lower.split(separator: "-").first.map(String.init) ?? lower
        switch primary {
        case "zh": self = .zhCN
        case "en": self = .en
        case "ru": self = .ru
        case "ar": self = .ar
        default: return nil
        }
    }

    /// The best language for an Accept-Language header (RFC 9110 weights;
    /// ties keep the header's order). Nothing usable: zh-CN, the programme's
    /// reference language.
    public static func negotiate(_ header: String?) -> PortalLanguage {
        guard let header, !header.isEmpty else { return .zhCN }
        var best: (language: PortalLanguage, quality: Double)?
        for part in header.split(separator: ",").prefix(32) {
            let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let range = fields.first, !range.isEmpty else { continue }
            var quality = 1.0
            for parameter in fields.dropFirst() {
                let lower = parameter.lowercased()
                if lower.hasPrefix("q=") { quality = Double(lower.dropFirst(2)) ?? 0 }
            }
            guard quality > 0, let language = PortalLanguage(matching: range) else { continue }
            if quality > (best?.quality ?? 0) { best = (language, quality) }
        }
        return best?.language ?? .zhCN
    }
}
