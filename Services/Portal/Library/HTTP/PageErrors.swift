import Foundation
import Hummingbird

/// Thrown by a page to answer with a redirect (303 See Other), optionally
/// handing a flash to the page it goes to.
public struct PageRedirect: Error {
    public let location: String
    public let flash: Flash?

    public init(_ location: String, flash: Flash? = nil) {
        self.location = location
        self.flash = flash
    }
}

/// Thrown by a page to answer with an error page.
public struct PageError: Error {
    public let status: HTTPResponse.Status
    /// Catalogue key of the sentence shown.
    public let messageKey: String

    public init(_ status: HTTPResponse.Status, _ messageKey: String) {
        self.status = status
        self.messageKey = messageKey
    }

    public static let notFound = PageError(.notFound, "error.page.not_found")
    public static let forbidden = PageError(.forbidden, "error.page.forbidden")
    public static let csrf = PageError(.forbidden, "error.page.csrf")
}

/// Paths the portal may send someone back to after signing in or choosing a
/// language: same-site relative paths only ("/card", not "//evil.example"
/// nor "https://...").
public enum SafePath {
    public static func check(_ candidate: String?, fallback: String = "/") -> String {
        guard let candidate, candidate.hasPrefix("/"), !candidate.hasPrefix("//"), !candidate.hasPrefix("/\\"),
            candidate.count <= 512,
            !candidate.contains(where: { $0.isNewline || $0 == "\\" || $0.asciiValue.map { $0 < 0x20 } == true })
        else { return fallback }
        return candidate
    }
}
