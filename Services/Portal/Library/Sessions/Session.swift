import Foundation

/// A signed-in person, as the sealed session cookie carries it: the tokens
/// identity issued and what the pages show about the account. No password,
/// no document number.
public struct Session: Codable, Sendable, Equatable {
    public var accessToken: String
    public var accessExpires: Date
    public var refreshToken: String
    public var refreshExpires: Date
    public var accountID: String
    public var username: String
    public var displayName: String
    /// "nomad", "enterprise", "officer", "admin".
    public var role: String
    /// Nomads: whether their nationality is not CN (permits are theirs).
    public var foreign: Bool
    /// Officers: their department, which decides what their workbench shows.
    /// Optional, so a cookie sealed before it existed still opens.
    public var department: String?

    public init(
        accessToken: String, accessExpires: Date, refreshToken: String, refreshExpires: Date,
        accountID: String, username: String, displayName: String, role: String, foreign: Bool, department: String? = nil
    ) {
        self.accessToken = accessToken
        self.accessExpires = accessExpires
        self.refreshToken = refreshToken
        self.refreshExpires = refreshExpires
        self.accountID = accountID
        self.username = username
        self.displayName = displayName
        self.role = role
        self.foreign = foreign
        self.department = department
    }

    public var isNomad: Bool { role == "nomad" }

    /// The access token is refreshed a little before it expires, so a call
    /// never leaves with a token that lapses on the way.
    public func needsRefresh(now: Date = Date()) -> Bool {
        accessExpires.timeIntervalSince(now) < 30
    }
}

/// What a form post hands the page it redirects to (Post/Redirect/Get): the
/// errors next to their fields, what was typed (never passwords), a notice.
public struct Flash: Codable, Sendable, Equatable {
    public var errors: [String: String] = [:]
    public var values: [String: String] = [:]
    /// A sentence shown at the top of the page (a catalogue key or a text).
    public var notice: String?
    public var noticeIsError = false

    public init(errors: [String: String] = [:], values: [String: String] = [:], notice: String? = nil, noticeIsError: Bool = false) {
        self.errors = errors
        self.values = values
        self.notice = notice
        self.noticeIsError = noticeIsError
    }
}

/// The cookies the portal sets. All HttpOnly and SameSite=Lax; Secure when
/// the portal serves TLS (or says it sits behind TLS).
public enum CookieName {
    public static let session = "nz_session"
    public static let csrf = "nz_csrf"
    public static let flash = "nz_flash"
    public static let language = "nz_lang"
}
