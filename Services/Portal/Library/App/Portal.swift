import Foundation
import Hummingbird
import Logging

/// What every page handler shares: configuration, the services' clients,
/// the renderer, the sealing key and the small in-process tables.
public final class Portal: Sendable {
    public let config: PortalConfig
    public let backends: Backends
    public let renderer: Renderer
    public let sealer: Sealer
    public let csrf: CSRF
    public let throttle: SignInThrottle
    public let cache: PublicCache
    public let logger: Logger

    public init(config: PortalConfig, backends: Backends, renderer: Renderer, logger: Logger) {
        self.config = config
        self.backends = backends
        self.renderer = renderer
        self.sealer = Sealer(keyData: config.sessionKey)
        self.csrf = CSRF(sealer: sealer)
        self.throttle = SignInThrottle()
        self.cache = PublicCache(ttl: .milliseconds(Int64(config.publicCacheSeconds * 1000)))
        self.logger = logger
    }

    public func catalogue(_ context: PortalContext) -> Catalogue { renderer.catalogues[context.language] }

    /// A cookie as the portal sets them all: HttpOnly, SameSite=Lax, Path=/,
    /// Secure when served over TLS.
    public func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> Cookie {
        Cookie(
            name: name, value: value, maxAge: maxAge, path: "/", secure: config.cookiesSecure, httpOnly: true,
            sameSite: .lax)
    }

    public func expiredCookie(_ name: String) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: config.cookiesSecure, httpOnly: true, sameSite: .lax)
    }

    public func sessionCookie(_ session: Session) throws -> Cookie {
        let remaining = max(60, Int(session.refreshExpires.timeIntervalSinceNow))
        return cookie(CookieName.session, try sealer.seal(session, purpose: CookieName.session), maxAge: remaining)
    }

    public func flashCookie(_ flash: Flash) -> Cookie? {
        guard let sealed = try? sealer.seal(flash, purpose: CookieName.flash) else { return nil }
        return cookie(CookieName.flash, sealed, maxAge: 120)
    }
}
