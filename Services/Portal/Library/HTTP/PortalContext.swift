import Foundation
import Hummingbird
import Logging
import NIOCore

/// What the portal knows about one request: set by PortalMiddleware before
/// any page runs.
public struct PortalContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's address, for the sign-in throttle.
    public let remoteAddress: String
    public var language: PortalLanguage = .zhCN
    /// True when the language came from the person's own choice (cookie).
    public var languageChosen = false
    public var session: Session?
    /// The browser's CSRF id (nz_csrf cookie), new when it had none.
    public var csrfID = ""
    public var csrfToken = ""
    /// The flash handed over by the post that redirected here.
    public var flash: Flash?
    /// A urlencoded form body, read and checked by the middleware.
    public var form: [String: String] = [:]
    /// Every value of each name (checkbox groups).
    public var formMulti: [String: [String]] = [:]

    /// A context without a connection (tests, rendering outside a request).
    init(language: PortalLanguage, csrfToken: String) {
        coreContext = .init(source: DetachedSource(logger: Logger(label: "nomad.portal")))
        remoteAddress = "unknown"
        self.language = language
        self.csrfToken = csrfToken
    }

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Evidence documents are streamed, not collected: this bounds only
    /// what a page collects whole (urlencoded forms).
    public var maxUploadSize: Int { 64 * 1024 }
}

struct DetachedSource: RequestContextSource {
    let logger: Logger
}
