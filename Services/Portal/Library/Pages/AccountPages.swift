import Foundation
import GRPCCore
import Hummingbird
import NomadProtos
import SwiftProtobuf

/// Signing in and out, registering (nomad, domestic or foreign; enterprise),
/// one's own account and password, and the language selector.
enum AccountPages {
    static func register(on router: RouterGroup<PortalContext>, portal: Portal) {
        router.get("/signin") { request, context in
            let next = SafePath.check(request.uri.queryParameters.get("next"), fallback: "/home")
            return portal.renderer.page(
                "signin", titleKey: "signin.title", context: context, path: request.uri.path, data: ["next": next])
        }
        router.post("/signin") { request, context in try await signIn(request, context, portal) }
        router.post("/signout") { request, context in try await signOut(request, context, portal) }
        router.get("/register") { request, context in
            portal.renderer.page("register", titleKey: "register.title", context: context, path: request.uri.path)
        }
        router.get("/register/nomad") { request, context in
            let kind = request.uri.queryParameters.get("kind") == "foreign" ? "foreign" : "domestic"
            return portal.renderer.page(
                "register-nomad", titleKey: kind == "foreign" ? "register.foreign_title" : "register.domestic_title",
                context: context, path: request.uri.path,
                data: ["foreign": kind == "foreign", "kind": kind, "requestID": UUID().uuidString])
        }
        router.post("/register/nomad") { request, context in try await registerNomad(request, context, portal) }
        router.get("/register/enterprise") { request, context in
            portal.renderer.page(
                "register-enterprise", titleKey: "register.enterprise_title", context: context, path: request.uri.path,
                data: ["requestID": UUID().uuidString])
        }
        router.post("/register/enterprise") { request, context in try await registerEnterprise(request, context, portal) }
        router.get("/account") { request, context in try await account(request, context, portal) }
        router.post("/account") { request, context in try await updateAccount(request, context, portal) }
        router.get("/account/password") { request, context in
            _ = try portal.requireSession(context, request)
            return portal.renderer.page(
                "password", titleKey: "password.title", context: context, path: request.uri.path,
                data: ["requestID": UUID().uuidString])
        }
        router.post("/account/password") { request, context in try await changePassword(request, context, portal) }
        router.post("/language") { request, context in
            let back = SafePath.check(context.form["return_to"])
            guard let language = PortalLanguage(rawValue: context.form["lang"] ?? "") else { throw PageRedirect(back) }
            var response = PortalMiddleware.redirect(back)
            response.setCookie(portal.cookie(CookieName.language, language.tag, maxAge: 365 * 86400))
            return response
        }
    }

    // MARK: sign-in

    static func signIn(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        let username = (context.form["username"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = context.form["password"] ?? ""
        let next = SafePath.check(context.form["next"], fallback: "/home")
        let back = "/signin?next=" + FormBody.encode(next)
        let catalogue = portal.catalogue(context)
        var missing: [String: String] = [:]
        if username.isEmpty { missing["username"] = "form.required" }
        if password.isEmpty { missing["password"] = "form.required" }
        if !missing.isEmpty { throw portal.backToForm(back, context: context, errors: missing) }
        let wait = portal.throttle.wait(username: username, address: context.remoteAddress)
        if wait > 0 {
            throw PageRedirect(
                back,
                flash: Flash(
                    values: ["username": username],
                    notice: catalogue.text("signin.slow_down", ["seconds": Formatting(language: context.language).number(wait)]),
                    noticeIsError: true))
        }
        let pair: Nomad_Identity_V1_TokenPair
        do {
            let call = portal.backends.call(nil, context.language)
            pair = try await portal.backends.identity.login(
                .with {
                    $0.username = username; $0.password = password
                }, metadata: call.metadata, options: call.options)
        } catch let error as RPCError
            where error.code == .unauthenticated || error.code == .invalidArgument || error.code == .permissionDenied
        {
            portal.throttle.recordFailure(username: username, address: context.remoteAddress)
            var flash = Flash(values: ["username": username])
            flash.errors["password"] = catalogue.text("signin.wrong")
            flash.notice = "signin.wrong"
            flash.noticeIsError = true
            throw PageRedirect(back, flash: flash)
        }
        portal.throttle.recordSuccess(username: username)
        let session = session(from: pair)
        var response = PortalMiddleware.redirect(next)
        response.setCookie(try portal.sessionCookie(session))
        return response
    }

    static func session(from pair: Nomad_Identity_V1_TokenPair) -> Session {
        let account = pair.account
        let role: String
        switch account.role {
        case .nomad: role = "nomad"
        case .enterprise: role = "enterprise"
        case .officer: role = "officer"
        case .admin: role = "admin"
        default: role = "service"
        }
        var foreign = false
        var department: String?
        switch account.profile {
        case .nomad(let profile)?: foreign = profile.foreign
        case .officer(let profile)?: department = profile.department
        default: break
        }
        return Session(
            accessToken: pair.accessToken, accessExpires: pair.accessTokenExpiresAt.date,
            refreshToken: pair.refreshToken, refreshExpires: pair.refreshTokenExpiresAt.date,
            accountID: account.id, username: account.username,
            displayName: account.displayName.isEmpty ? account.username : account.displayName,
            role: role, foreign: foreign, department: department)
    }

    static func signOut(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        if let session = context.session {
            let call = portal.backends.call(nil, context.language)
            _ = try? await portal.backends.identity.logout(
                .with { $0.refreshToken = session.refreshToken }, metadata: call.metadata, options: call.options)
        }
        var response = PortalMiddleware.redirect("/")
        response.setCookie(portal.expiredCookie(CookieName.session))
        if let flash = portal.flashCookie(Flash(notice: "signout.done")) { response.setCookie(flash) }
        return response
    }

    /// Signs the new account in and goes home.
    static func signInAfterRegistering(
        username: String, password: String, context: PortalContext, portal: Portal, notice: String
    ) async throws -> Response {
        let call = portal.backends.call(nil, context.language)
        let pair = try await portal.backends.identity.login(
            .with {
                $0.username = username; $0.password = password
            }, metadata: call.metadata, options: call.options)
        var response = PortalMiddleware.redirect("/home")
        response.setCookie(try portal.sessionCookie(session(from: pair)))
        if let flash = portal.flashCookie(Flash(notice: notice)) { response.setCookie(flash) }
        return response
    }

    // MARK: registration

    static func registerNomad(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        let form = context.form
        let foreign = form["kind"] == "foreign"
        let back = "/register/nomad" + (foreign ? "?kind=foreign" : "")
        var errors: [String: String] = [:]
        for field in ["username", "password", "display_name", "document_number"]
        where (form[field] ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            errors[field] = "form.required"
        }
        if foreign, (form["nationality"] ?? "").isEmpty { errors["nationality"] = "form.required" }
        if foreign, (form["nationality"] ?? "").uppercased() == "CN" { errors["nationality"] = "register.foreign_not_cn" }
        if form["password"] != form["password_repeat"] { errors["password_repeat"] = "password.mismatch" }
        if !errors.isEmpty { throw portal.backToForm(back, context: context, errors: errors) }
        let username = (form["username"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = form["password"] ?? ""
        let languages = (context.formMulti["languages"] ?? []).filter { PortalLanguage(rawValue: $0) != nil }
        do {
            let call = portal.backends.call(nil, context.language)
            _ = try await portal.backends.identity.registerNomad(
                .with {
                    $0.requestID = requestID(form)
                    $0.username = username
                    $0.password = password
                    $0.displayName = (form["display_name"] ?? "").trimmingCharacters(in: .whitespaces)
                    $0.nationality = foreign ? (form["nationality"] ?? "").uppercased() : "CN"
                    $0.documentType = foreign ? .passport : .residentID
                    $0.documentNumber = (form["document_number"] ?? "").trimmingCharacters(in: .whitespaces).uppercased()
                    $0.languages = languages.isEmpty ? [context.language.tag] : languages
                }, metadata: call.metadata, options: call.options)
        } catch let error as RPCError where error.code != .unavailable && error.code != .deadlineExceeded {
            var keep = context.form
            keep["document_number"] = nil  // a document number goes back into no page
            throw portal.backToForm(back, context: context, error: error, operation: "register", keep: keep)
        }
        return try await signInAfterRegistering(
            username: username, password: password, context: context, portal: portal, notice: "register.welcome")
    }

    static func registerEnterprise(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        let form = context.form
        let back = "/register/enterprise"
        var errors: [String: String] = [:]
        for field in ["username", "password", "name", "credit_code"] where (form[field] ?? "").trimmingCharacters(in: .whitespaces).isEmpty
        {
            errors[field] = "form.required"
        }
        if form["password"] != form["password_repeat"] { errors["password_repeat"] = "password.mismatch" }
        if !errors.isEmpty { throw portal.backToForm(back, context: context, errors: errors) }
        let username = (form["username"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = form["password"] ?? ""
        do {
            let call = portal.backends.call(nil, context.language)
            _ = try await portal.backends.identity.registerEnterprise(
                .with {
                    $0.requestID = requestID(form)
                    $0.username = username
                    $0.password = password
                    $0.name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
                    $0.creditCode = (form["credit_code"] ?? "").trimmingCharacters(in: .whitespaces).uppercased()
                }, metadata: call.metadata, options: call.options)
        } catch let error as RPCError where error.code != .unavailable && error.code != .deadlineExceeded {
            throw portal.backToForm(back, context: context, error: error, operation: "register")
        }
        return try await signInAfterRegistering(
            username: username, password: password, context: context, portal: portal, notice: "register.welcome")
    }

    /// The form's request_id (chosen when the form was drawn, so a second
    /// press of the button is the same request), or a new one.
    static func requestID(_ form: [String: String]) -> String {
        if let id = form["request_id"], UUID(uuidString: id) != nil { return id }
        return UUID().uuidString
    }

    // MARK: own account

    static func account(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        let session = try portal.requireSession(context, request)
        let call = portal.call(context)
        let account = try await portal.backends.identity.getAccount(.init(), metadata: call.metadata, options: call.options)
        let catalogue = portal.catalogue(context)
        let format = Formatting(language: context.language)
        var data: [String: Any] = [
            "username": account.username,
            "created": format.timestamp(account.createdAt),
            "role": catalogue.text("role.\(session.role)"),
            "requestID": UUID().uuidString,
            "values": ["display_name": account.displayName],
        ]
        switch account.profile {
        case .nomad(let nomad)?:
            data["nomad"] = [
                "nationality": nomad.nationality,
                "document": catalogue.text(nomad.documentType == .passport ? "register.passport" : "register.resident_id"),
                "documentMasked": nomad.documentNumberMasked,
                "status": View.label("nomad_status", String(describing: nomad.status), catalogue),
            ]
            data["languageChoices"] = PortalLanguage.allCases.map { option in
                [
                    "tag": option.tag, "name": option.nativeName, "checked": nomad.languages.contains(option.tag),
                    "id": "languages_\(option.tag)",
                ]
            }
        case .enterprise(let enterprise)?:
            data["enterprise"] = ["name": enterprise.name, "creditCode": enterprise.creditCode]
        default:
            break
        }
        return portal.renderer.page("account", titleKey: "account.title", context: context, path: request.uri.path, data: data)
    }

    static func updateAccount(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        var session = try portal.requireSession(context, request)
        let form = context.form
        let displayName = (form["display_name"] ?? "").trimmingCharacters(in: .whitespaces)
        if displayName.isEmpty { throw portal.backToForm("/account", context: context, errors: ["display_name": "form.required"]) }
        let languages = (context.formMulti["languages"] ?? []).filter { PortalLanguage(rawValue: $0) != nil }
        let account: Nomad_Identity_V1_Account
        do {
            let call = portal.call(context)
            account = try await portal.backends.identity.updateAccount(
                .with {
                    $0.requestID = requestID(form)
                    $0.displayName = displayName
                    if session.isNomad, form["languages_present"] == "1" {
                        $0.languages = languages
                        $0.replaceLanguages = true
                    }
                }, metadata: call.metadata, options: call.options)
        } catch let error as RPCError where error.code != .unavailable && error.code != .unauthenticated {
            throw portal.backToForm("/account", context: context, error: error, operation: "account")
        }
        session.displayName = account.displayName.isEmpty ? session.displayName : account.displayName
        var response = PortalMiddleware.redirect("/account")
        response.setCookie(try portal.sessionCookie(session))
        if let flash = portal.flashCookie(Flash(notice: "account.saved")) { response.setCookie(flash) }
        return response
    }

    static func changePassword(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        let session = try portal.requireSession(context, request)
        let form = context.form
        let back = "/account/password"
        var errors: [String: String] = [:]
        if (form["current_password"] ?? "").isEmpty { errors["current_password"] = "form.required" }
        if (form["new_password"] ?? "").isEmpty { errors["new_password"] = "form.required" }
        if form["new_password"] != form["new_password_repeat"] { errors["new_password_repeat"] = "password.mismatch" }
        if !errors.isEmpty { throw portal.backToForm(back, context: context, errors: errors) }
        do {
            let call = portal.call(context)
            _ = try await portal.backends.identity.changePassword(
                .with {
                    $0.requestID = requestID(form)
                    $0.currentPassword = form["current_password"] ?? ""
                    $0.newPassword = form["new_password"] ?? ""
                    $0.keepRefreshToken = session.refreshToken
                }, metadata: call.metadata, options: call.options)
        } catch let error as RPCError where error.code == .unauthenticated || error.code == .permissionDenied {
            throw PageRedirect(
                back,
                flash: Flash(
                    errors: ["current_password": portal.catalogue(context).text("password.wrong_current")],
                    notice: "form.has_errors", noticeIsError: true))
        } catch let error as RPCError where error.code != .unavailable {
            throw portal.backToForm(
                back, context: context, error: error, operation: "password",
                fieldMap: ["password": "new_password"])
        }
        throw portal.done("/account", notice: "password.changed")
    }
}
