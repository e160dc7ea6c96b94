import Foundation
import GRPCCore
import HTTPTypes
import Hummingbird
import Logging
import NomadProtos
import SwiftProtobuf

/// Runs around every page: picks the language, opens the session (refreshing
/// its access token through identity when it is about to expire), checks the
/// CSRF token of every post before the page sees it, hands over the flash,
/// turns errors into pages, and sets the security headers.
public struct PortalMiddleware: RouterMiddleware {
    public typealias Context = PortalContext
    let portal: Portal

    public init(portal: Portal) {
        self.portal = portal
    }

    public func handle(
        _ request: Request, context: PortalContext, next: (Request, PortalContext) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        if path == "/healthz" || path.hasPrefix("/static/") {
            return try await next(request, context)
        }
        var context = context
        var request = request
        var cookies: [Cookie] = []

        if let chosen = request.cookies[CookieName.language]?.value, let language = PortalLanguage(rawValue: chosen) {
            context.language = language
            context.languageChosen = true
        } else {
            context.language = PortalLanguage.negotiate(request.headers[.acceptLanguage])
        }

        if let id = request.cookies[CookieName.csrf]?.value, (24...64).contains(id.count) {
            context.csrfID = id
        } else {
            context.csrfID = CSRF.newID()
            cookies.append(portal.cookie(CookieName.csrf, context.csrfID))
        }
        context.csrfToken = portal.csrf.token(for: context.csrfID)

        if let sealed = request.cookies[CookieName.session]?.value {
            if let session = portal.sealer.open(Session.self, from: sealed, purpose: CookieName.session),
                session.refreshExpires > Date()
            {
                if session.needsRefresh() {
                    switch await refresh(session, language: context.language) {
                    case .refreshed(let fresh):
                        context.session = fresh
                        if let cookie = try? portal.sessionCookie(fresh) { cookies.append(cookie) }
                    case .revoked:
                        cookies.append(portal.expiredCookie(CookieName.session))
                    case .unreachable:
                        context.session = session
                    }
                } else {
                    context.session = session
                }
            } else {
                cookies.append(portal.expiredCookie(CookieName.session))
            }
        }

        if let sealed = request.cookies[CookieName.flash]?.value {
            context.flash = portal.sealer.open(Flash.self, from: sealed, purpose: CookieName.flash)
            cookies.append(portal.expiredCookie(CookieName.flash))
        }

        var response: Response
        if request.method == .post {
            let contentType = request.headers[.contentType]?.lowercased() ?? ""
            if contentType.hasPrefix("application/x-www-form-urlencoded") {
                do {
                    let body = try await request.collectBody(upTo: context.maxUploadSize)
                    context.formMulti = FormBody.parseMulti(String(buffer: body))
                    context.form = context.formMulti.mapValues { $0.last ?? "" }
                } catch {
                    return finish(
                        errorPage(PageError(.contentTooLarge, "error.page.too_large"), context: context, path: path), cookies: cookies,
                        context: context)
                }
                guard portal.csrf.isValid(token: context.form[CSRF.fieldName], id: context.csrfID) else {
                    portal.logger.notice("post without a valid CSRF token refused", metadata: ["path": "\(path)"])
                    return finish(errorPage(.csrf, context: context, path: path), cookies: cookies, context: context)
                }
            } else if !contentType.hasPrefix("multipart/form-data") {
                // Multipart posts check their CSRF field as their first part.
                return finish(errorPage(.csrf, context: context, path: path), cookies: cookies, context: context)
            }
        }

        do {
            response = try await next(request, context)
        } catch let redirect as PageRedirect {
            response = Self.redirect(redirect.location)
            if let flash = redirect.flash, let cookie = portal.flashCookie(flash) { response.setCookie(cookie) }
        } catch let error as PageError {
            response = errorPage(error, context: context, path: path)
        } catch let error as RPCError {
            if error.code == .unauthenticated, context.session != nil {
                // The token was refused (revoked, key rotated): sign in again.
                response = Self.redirect("/signin?next=" + FormBody.encode(SafePath.check(path)))
                response.setCookie(portal.expiredCookie(CookieName.session))
            } else {
                response = errorPage(Self.pageError(for: error), context: context, path: path)
            }
        } catch let error as HTTPError {
            response = errorPage(
                PageError(error.status, error.status == .notFound ? "error.page.not_found" : "error.page.bad_request"), context: context,
                path: path)
        } catch {
            portal.logger.error("page failed", metadata: ["path": "\(path)", "error": "\(String(reflecting: error))"])
            response = errorPage(PageError(.internalServerError, "error.page.internal"), context: context, path: path)
        }
        return finish(response, cookies: cookies, context: context)
    }

    static func pageError(for error: RPCError) -> PageError {
        switch error.code {
        case .notFound: return .notFound
        case .permissionDenied: return .forbidden
        case .unauthenticated: return PageError(.forbidden, "error.page.sign_in_needed")
        case .unavailable, .deadlineExceeded, .cancelled: return PageError(.serviceUnavailable, "error.page.unavailable")
        case .invalidArgument: return PageError(.badRequest, "error.page.bad_request")
        default: return PageError(.internalServerError, "error.page.internal")
        }
    }

    func errorPage(_ error: PageError, context: PortalContext, path: String) -> Response {
        portal.renderer.page(
            "error", titleKey: "error.page.title", context: context, path: path,
            data: ["message": portal.catalogue(context).text(error.messageKey), "status": Int(error.status.code)],
            status: error.status)
    }

    public static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    func finish(_ response: Response, cookies: [Cookie], context: PortalContext) -> Response {
        var response = response
        for cookie in cookies { response.setCookie(cookie) }
        SecurityHeaders.apply(to: &response, tls: portal.config.servesTLS)
        return response
    }

    enum RefreshOutcome {
        case refreshed(Session)
        case revoked
        case unreachable
    }

    func refresh(_ session: Session, language: PortalLanguage) async -> RefreshOutcome {
        do {
            let pair = try await portal.backends.identity.refreshToken(
                .with { $0.refreshToken = session.refreshToken },
                metadata: portal.backends.call(nil, language).metadata, options: portal.backends.call(nil, language).options)
            var fresh = session
            fresh.accessToken = pair.accessToken
            fresh.accessExpires = pair.accessTokenExpiresAt.date
            fresh.refreshToken = pair.refreshToken
            fresh.refreshExpires = pair.refreshTokenExpiresAt.date
            if pair.hasAccount { fresh.displayName = pair.account.displayName }
            return .refreshed(fresh)
        } catch let error as RPCError where error.code == .unauthenticated || error.code == .permissionDenied {
            return .revoked
        } catch {
            portal.logger.warning("token refresh failed", metadata: ["error": "\(error)"])
            return .unreachable
        }
    }
}

/// Headers on every response: a Content-Security-Policy that allows only our
/// own script files (no inline script) and nothing from elsewhere, nosniff, a referrer policy, no
/// framing, and no caching of pages (every page carries a per-visitor CSRF
/// token, and private pages personal data).
public enum SecurityHeaders {
    public static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    public static func apply(to response: inout Response, tls: Bool) {
        response.headers[.contentSecurityPolicy] = contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        if response.headers[.cacheControl] == nil {
            response.headers[.cacheControl] = "no-store"
        }
        if tls {
            response.headers[.strictTransportSecurity] = "max-age=31536000"
        }
    }
}
