import Foundation
import GRPCCore
import Hummingbird
import NomadProtos

/// Helpers every page uses: who is signed in, the call metadata, redirects
/// back to a form with its errors, the text of a service's LocalizedText.
extension Portal {
    /// The signed-in person, or a redirect to sign-in that comes back here.
    public func requireSession(_ context: PortalContext, _ request: Request) throws -> Session {
        guard let session = context.session else {
            var path = request.uri.path
            if request.method == .get, let query = request.uri.query, !query.isEmpty { path += "?" + query }
            throw PageRedirect("/signin?next=" + FormBody.encode(SafePath.check(path)))
        }
        return session
    }

    public func requireNomad(_ context: PortalContext, _ request: Request) throws -> Session {
        let session = try requireSession(context, request)
        guard session.isNomad else { throw PageError(.forbidden, "error.page.nomads_only") }
        return session
    }

    /// Officers and admins: the staff pages.
    public func requireStaff(_ context: PortalContext, _ request: Request) throws -> Session {
        let session = try requireSession(context, request)
        guard session.role == "officer" || session.role == "admin" else { throw PageError(.forbidden, "error.page.staff_only") }
        return session
    }

    /// Officers, with their department: the workbench is theirs alone (an
    /// admin decides nothing a department owns).
    public func requireOfficer(_ context: PortalContext, _ request: Request) async throws -> (Session, department: String) {
        let session = try requireSession(context, request)
        guard session.role == "officer" else { throw PageError(.forbidden, "error.page.officers_only") }
        if let department = session.department, !department.isEmpty { return (session, department) }
        // A session from before the portal kept the department.
        let call = call(context)
        let account = try await backends.identity.getAccount(.init(), metadata: call.metadata, options: call.options)
        guard case .officer(let profile)? = account.profile, !profile.department.isEmpty else {
            throw PageError(.forbidden, "error.page.officers_only")
        }
        return (session, profile.department)
    }

    public func call(_ context: PortalContext) -> Call {
        backends.call(context.session, context.language, visitor: context.remoteAddress)
    }

    /// Back to a form after a refusal: the error next to its field (or at
    /// the top), and what was typed (passwords never).
    public func backToForm(
        _ path: String, context: PortalContext, error: RPCError, operation: String,
        fieldMap: [String: String] = [:], keep: [String: String]? = nil
    ) -> PageRedirect {
        let text = ServiceErrorText(error, operation: operation, catalogue: catalogue(context))
        var flash = Flash(values: Self.keepable(keep ?? context.form))
        if let field = text.field {
            flash.errors[fieldMap[field] ?? field] = text.message
        }
        if flash.errors.isEmpty {
            flash.notice = text.message
            flash.noticeIsError = true
        } else {
            flash.notice = "form.has_errors"
            flash.noticeIsError = true
        }
        return PageRedirect(path, flash: flash)
    }

    public func backToForm(_ path: String, context: PortalContext, errors: [String: String], keep: [String: String]? = nil) -> PageRedirect
    {
        let catalogue = catalogue(context)
        var flash = Flash(values: Self.keepable(keep ?? context.form))
        for (field, key) in errors { flash.errors[field] = catalogue.text(key) }
        flash.notice = "form.has_errors"
        flash.noticeIsError = true
        return PageRedirect(path, flash: flash)
    }

    /// What may go back into a form: no passwords, no CSRF token, and
    /// nothing long enough to overflow the cookie.
    static func keepable(_ form: [String: String]) -> [String: String] {
        form.filter { key, value in
            !key.lowercased().contains("password") && key != CSRF.fieldName && value.utf8.count <= 600
        }
    }

    public func done(_ path: String, notice: String) -> PageRedirect {
        PageRedirect(path, flash: Flash(notice: notice))
    }
}

/// Converting service messages into what templates show.
enum View {
    /// A service's two-language text in the page's language: the English one
    /// on ru and ar pages (marked lang="en"), the other when one is empty.
    static func text(_ value: Nomad_Common_V1_LocalizedText, _ language: PortalLanguage) -> [String: String] {
        let preferZh = language == .zhCN
        let first = preferZh ? value.zhCn : value.en
        if !first.isEmpty { return ["text": first, "lang": preferZh ? "zh-CN" : "en"] }
        return ["text": preferZh ? value.en : value.zhCn, "lang": preferZh ? "en" : "zh-CN"]
    }

    /// The portal's own translation of a service's text where the catalogue has
    /// one (the services write zh-CN and en only); otherwise the service's text,
    /// marked with its language.
    static func catalogued(
        _ key: String, else value: Nomad_Common_V1_LocalizedText, _ language: PortalLanguage, _ catalogue: Catalogue
    ) -> [String: String] {
        catalogue.has(key) ? ["text": catalogue.text(key), "lang": language.tag] : text(value, language)
    }

    /// An event's title map ("zh-CN", "en", maybe more) in the page's language.
    static func text(_ map: [String: String], _ language: PortalLanguage) -> [String: String] {
        for tag in [language.tag, language.contentLanguage.tag, "en", "zh-CN"] {
            if let value = map[tag], !value.isEmpty { return ["text": value, "lang": tag] }
        }
        if let (tag, value) = map.first { return ["text": value, "lang": tag] }
        return ["text": "", "lang": language.tag]
    }

    static func department(_ code: String, _ catalogue: Catalogue) -> String {
        catalogue.has("dept.\(code)") ? catalogue.text("dept.\(code)") : code
    }

    /// An enum case's catalogue text: "status.certification.PENDING".
    static func label(_ prefix: String, _ name: String, _ catalogue: Catalogue) -> String {
        catalogue.text("\(prefix).\(name)")
    }
}

extension Date {
    var daysFromNow: Int {
        Int((timeIntervalSinceNow / 86400).rounded(.down))
    }
}
