import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Portal

@Suite struct SessionSealingTests {
    let sealer = Sealer(keyData: TestPortal.key)

    var session: Session {
        Session(
            accessToken: "access", accessExpires: Date(timeIntervalSince1970: 2_000_000_000), refreshToken: "refresh",
            refreshExpires: Date(timeIntervalSince1970: 2_000_100_000), accountID: "a1", username: "lin",
            displayName: "Lin <b>", role: "nomad", foreign: true)
    }

    @Test func roundTrip() throws {
        let sealed = try sealer.seal(session, purpose: CookieName.session)
        #expect(sealer.open(Session.self, from: sealed, purpose: CookieName.session) == session)
        #expect(!sealed.contains("refresh"), "the cookie must not show the token")
        #expect(sealed.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }, "cookie-safe")
    }

    @Test func tamperedWrongPurposeOrKeyRefused() throws {
        let sealed = try sealer.seal(session, purpose: CookieName.session)
        var bytes = Array(sealed)
        bytes[bytes.count / 2] = bytes[bytes.count / 2] == "A" ? "B" : "A"
        #expect(sealer.open(Session.self, from: String(bytes), purpose: CookieName.session) == nil)
        #expect(sealer.open(Session.self, from: sealed, purpose: CookieName.flash) == nil)
        let other = Sealer(keyData: Data(repeating: 7, count: 32))
        #expect(other.open(Session.self, from: sealed, purpose: CookieName.session) == nil)
        #expect(sealer.open(Session.self, from: "not-a-cookie", purpose: CookieName.session) == nil)
    }

    @Test func freshSealsDiffer() throws {
        // A new nonce each time: equal sessions never give equal cookies.
        #expect(try sealer.seal(session, purpose: "s") != sealer.seal(session, purpose: "s"))
    }

    @Test func csrfTokensBindToTheirID() {
        let csrf = CSRF(sealer: sealer)
        let id = CSRF.newID()
        let token = csrf.token(for: id)
        #expect(csrf.isValid(token: token, id: id))
        #expect(!csrf.isValid(token: token, id: CSRF.newID()))
        #expect(!csrf.isValid(token: nil, id: id))
        #expect(!csrf.isValid(token: "", id: id))
        #expect(!csrf.isValid(token: token + "x", id: id))
    }

    @Test func safeReturnPaths() {
        #expect(SafePath.check("/card") == "/card")
        #expect(SafePath.check("/certification/1?x=2") == "/certification/1?x=2")
        #expect(SafePath.check("//evil.example/") == "/")
        #expect(SafePath.check("https://evil.example/") == "/")
        #expect(SafePath.check("/\\evil.example") == "/")
        #expect(SafePath.check("/a\r\nSet-Cookie: x") == "/")
        #expect(SafePath.check(nil, fallback: "/home") == "/home")
    }

    @Test func signInThrottleBacksOffPerAccountAndAddress() {
        let throttle = SignInThrottle(capacity: 100, freeFailures: 3, maxDelay: 60)
        let now = Date()
        for _ in 0..<3 { throttle.recordFailure(username: "lin", address: "10.0.0.1", now: now) }
        #expect(throttle.wait(username: "lin", address: "10.0.0.2", now: now) == 0)
        throttle.recordFailure(username: "lin", address: "10.0.0.1", now: now)
        #expect(throttle.wait(username: "lin", address: "10.0.0.9", now: now) == 1)
        #expect(throttle.wait(username: "other", address: "10.0.0.1", now: now) == 1)
        for _ in 0..<10 { throttle.recordFailure(username: "lin", address: "10.0.0.1", now: now) }
        #expect(throttle.wait(username: "lin", address: "x", now: now) == 60)
        throttle.recordSuccess(username: "lin")
        #expect(throttle.wait(username: "lin", address: "x", now: now) == 0)
    }

    @Test func signInThrottleStaysBounded() {
        let throttle = SignInThrottle(capacity: 50)
        for index in 0..<1000 { throttle.recordFailure(username: "u\(index)", address: "a\(index)") }
        #expect(throttle.count <= 51)
    }
}

@Suite struct HTTPTests {
    @Test func postWithoutCSRFTokenIsRefused() async throws {
        let portal = try await TestPortal.make()
        try await TestPortal.application(portal).test(.router) { client in
            let (cookie, token) = try await TestPortal.csrf(client)
            #expect(!token.isEmpty)
            let form = "username=lin&password=secret-secret"
            // No token at all.
            try await client.execute(
                uri: "/signin", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "\(CookieName.csrf)=\(cookie)"],
                body: ByteBuffer(string: form)
            ) { response in
                #expect(response.status == .forbidden)
                #expect(TestPortal.setCookies(response)[CookieName.session] == nil)
            }
            // A token for another browser's id.
            try await client.execute(
                uri: "/signin", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "\(CookieName.csrf)=\(CSRF.newID())"],
                body: ByteBuffer(string: form + "&_csrf=" + token)
            ) { response in
                #expect(response.status == .forbidden)
            }
            // A signed-in nomad's multipart post whose first part is not the token.
            let session = Session(
                accessToken: "t", accessExpires: Date().addingTimeInterval(3600), refreshToken: "r",
                refreshExpires: Date().addingTimeInterval(7200), accountID: "a", username: "lin", displayName: "Lin",
                role: "nomad", foreign: false)
            let sealed = try portal.sealer.seal(session, purpose: CookieName.session)
            try await client.execute(
                uri: "/certification/apply", method: .post,
                headers: [
                    .contentType: "multipart/form-data; boundary=XyZ",
                    .cookie: "\(CookieName.csrf)=\(cookie); \(CookieName.session)=\(sealed)",
                ],
                body: ByteBuffer(string: "--XyZ\r\nContent-Disposition: form-data; name=\"income\"\r\n\r\n1\r\n--XyZ--\r\n")
            ) { response in
                #expect(response.status == .forbidden)
            }
            // With the token the post goes through (missing password: back to the form).
            try await client.execute(
                uri: "/signin", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "\(CookieName.csrf)=\(cookie)"],
                body: ByteBuffer(string: "username=lin&password=&_csrf=" + FormBody.encode(token))
            ) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location]?.hasPrefix("/signin") == true)
                #expect(TestPortal.setCookies(response)[CookieName.flash] != nil)
            }
        }
    }

    @Test func cookieFlagsAndSecurityHeaders() async throws {
        for secure in [false, true] {
            let portal = try await TestPortal.make(secureCookies: secure)
            try await TestPortal.application(portal).test(.router) { client in
                try await client.execute(uri: "/", method: .get) { response in
                    #expect(response.status == .ok)
                    let cookie = try #require(TestPortal.setCookies(response)[CookieName.csrf])
                    #expect(cookie.contains("HttpOnly"))
                    #expect(cookie.contains("SameSite=Lax"))
                    #expect(cookie.contains("Path=/"))
                    #expect(cookie.contains("Secure") == secure)
                    let csp = response.headers[.contentSecurityPolicy] ?? ""
                    #expect(csp.contains("default-src 'none'"))
                    #expect(!csp.contains("unsafe-inline"))
                    #expect(response.headers[.xContentTypeOptions] == "nosniff")
                    #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin")
                    #expect(response.headers[.cacheControl] == "no-store")
                }
                let (id, token) = try await TestPortal.csrf(client)
                try await client.execute(
                    uri: "/language", method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "\(CookieName.csrf)=\(id)"],
                    body: ByteBuffer(string: "lang=ar&return_to=%2Fkpis&_csrf=" + FormBody.encode(token))
                ) { response in
                    #expect(response.status == .seeOther)
                    #expect(response.headers[.location] == "/kpis")
                    let cookie = try #require(TestPortal.setCookies(response)[CookieName.language])
                    #expect(cookie.hasPrefix("nz_lang=ar"))
                    #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
                    #expect(cookie.contains("Secure") == secure)
                }
            }
        }
    }

    @Test func languageFromCookieOrAcceptLanguage() async throws {
        let portal = try await TestPortal.make()
        try await TestPortal.application(portal).test(.router) { client in
            try await client.execute(uri: "/", method: .get, headers: [.acceptLanguage: "ru-RU,ru;q=0.9"]) { response in
                let page = TestPortal.body(response)
                #expect(page.contains("<html lang=\"ru\" dir=\"ltr\">"))
                #expect(page.contains("Войти"))
            }
            try await client.execute(uri: "/", method: .get, headers: [.acceptLanguage: "ar"]) { response in
                #expect(TestPortal.body(response).contains("<html lang=\"ar\" dir=\"rtl\">"))
            }
            try await client.execute(
                uri: "/", method: .get, headers: [.acceptLanguage: "ar", .cookie: "\(CookieName.language)=en"]
            ) { response in
                #expect(TestPortal.body(response).contains("<html lang=\"en\" dir=\"ltr\">"))
            }
            try await client.execute(uri: "/", method: .get) { response in
                #expect(TestPortal.body(response).contains("<html lang=\"zh-CN\""))
            }
        }
    }

    @Test func privatePagesSendSignedOutPeopleToSignInAndBack() async throws {
        let portal = try await TestPortal.make()
        try await TestPortal.application(portal).test(.router) { client in
            for path in ["/home", "/card", "/certification", "/permits", "/applications", "/account"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .seeOther, "\(path)")
                    #expect(response.headers[.location] == "/signin?next=" + FormBody.encode(path))
                }
            }
            try await client.execute(uri: "/signin?next=%2Fcard", method: .get) { response in
                #expect(TestPortal.body(response).contains("name=\"next\" value=\"/card\""))
            }
            try await client.execute(uri: "/signin?next=https%3A%2F%2Fevil.example", method: .get) { response in
                #expect(TestPortal.body(response).contains("name=\"next\" value=\"/home\""))
            }
        }
    }

    /// The staff's KPI pages: signed-out people go to sign-in, nomads and
    /// enterprises are refused before any service is asked (this portal's
    /// services do not listen, so a call would show "unavailable", not 403).
    @Test func staffPagesAreForStaffOnly() async throws {
        let portal = try await TestPortal.make()
        let paths = [
            "/staff/kpis/nomad_visits", "/staff/kpis/nomad_visits/csv?year=2026",
            "/staff/kpis/nomad_visits/events/2026-03",
        ]
        try await TestPortal.application(portal).test(.router) { client in
            for path in paths {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .seeOther, "\(path)")
                    #expect(response.headers[.location]?.hasPrefix("/signin?next=") == true, "\(path)")
                }
            }
            for role in ["nomad", "enterprise"] {
                let session = Session(
                    accessToken: "t", accessExpires: Date().addingTimeInterval(3600), refreshToken: "r",
                    refreshExpires: Date().addingTimeInterval(7200), accountID: "a", username: "lin", displayName: "Lin",
                    role: role, foreign: false)
                let sealed = try portal.sealer.seal(session, purpose: CookieName.session)
                for path in paths {
                    try await client.execute(uri: path, method: .get, headers: [.cookie: "\(CookieName.session)=\(sealed)"]) { response in
                        #expect(response.status == .forbidden, "\(role) \(path)")
                        #expect(TestPortal.body(response).contains("仅供工作人员"), "\(role) \(path)")  // zh-CN, the default
                    }
                }
            }
        }
    }

    /// Desks: a site's desk is for officers alone (identity's VerifyCard), an
    /// event's gate for officers, admins and organizers (events' CheckIn).
    /// Signed-out people go to sign-in, GET and POST alike; the others are
    /// refused before any service is asked (nothing listens here, so a call
    /// would show "unavailable", not 403), and a refused post records nothing.
    @Test func deskPagesAreForDeskStaffOnly() async throws {
        let portal = try await TestPortal.make()
        let site = "/desk/sites/\(UUID().uuidString)"
        let gate = "/desk/events/\(UUID().uuidString)"
        let byUsername = site + "/username"
        var sealed: [String: String] = [:]
        for role in ["nomad", "enterprise", "officer", "admin"] {
            sealed[role] = try portal.sealer.seal(
                Session(
                    accessToken: "t", accessExpires: Date().addingTimeInterval(3600), refreshToken: "r",
                    refreshExpires: Date().addingTimeInterval(7200), accountID: "a", username: "lin", displayName: "Lin",
                    role: role, foreign: false), purpose: CookieName.session)
        }
        let sessions = sealed
        try await TestPortal.application(portal).test(.router) { client in
            let (csrf, token) = try await TestPortal.csrf(client)
            let form = "request_id=\(UUID().uuidString)&scan=a.b.c&username=lin&_csrf=" + FormBody.encode(token)
            func visit(_ method: HTTPRequest.Method, _ path: String, as role: String?) async throws -> TestResponse {
                var cookie = "\(CookieName.csrf)=\(csrf)"
                if let role { cookie += "; \(CookieName.session)=\(sessions[role] ?? "")" }
                return try await client.executeRequest(
                    uri: path, method: method,
                    headers: [.contentType: "application/x-www-form-urlencoded", .cookie: cookie],
                    body: method == .post ? ByteBuffer(string: form) : nil)
            }
            for path in ["/desk", site, gate, byUsername] {
                for method in [HTTPRequest.Method.get, .post]
                where (path != "/desk" || method == .get) && (path != byUsername || method == .post) {
                    let response = try await visit(method, path, as: nil)
                    #expect(response.status == .seeOther, "\(method) \(path)")
                    #expect(response.headers[.location]?.hasPrefix("/signin?next=") == true, "\(method) \(path)")
                }
            }
            let refusals: [(role: String, path: String, sentence: String)] = [
                ("nomad", "/desk", "服务台仅供"), ("nomad", site, "仅供值班工作人员"), ("nomad", gate, "活动签到入口仅供"),
                ("enterprise", site, "仅供值班工作人员"), ("admin", site, "仅供值班工作人员"),
                ("nomad", byUsername, "仅供值班工作人员"), ("enterprise", byUsername, "仅供值班工作人员"),
                ("admin", byUsername, "仅供值班工作人员"),
            ]
            for refusal in refusals {
                for method in [HTTPRequest.Method.get, .post]
                where (refusal.path != "/desk" || method == .get) && (refusal.path != byUsername || method == .post) {
                    let response = try await visit(method, refusal.path, as: refusal.role)
                    #expect(response.status == .forbidden, "\(refusal.role) \(method) \(refusal.path)")
                    #expect(TestPortal.body(response).contains(refusal.sentence), "\(refusal.role) \(method) \(refusal.path)")
                }
            }
            // A desk post without the form's token is refused like any other.
            for path in [site, byUsername] {
                try await client.execute(
                    uri: path, method: .post,
                    headers: [
                        .contentType: "application/x-www-form-urlencoded",
                        .cookie: "\(CookieName.csrf)=\(csrf); \(CookieName.session)=\(sessions["officer"] ?? "")",
                    ],
                    body: ByteBuffer(string: "scan=a.b.c&username=lin")
                ) { response in
                    #expect(response.status == .forbidden, "\(path)")
                }
            }
        }
    }

    @Test func everyPageHasLandmarksOneH1AndDataPage() async throws {
        let portal = try await TestPortal.make()
        try await TestPortal.application(portal).test(.router) { client in
            for path in ["/", "/signin", "/register", "/register/nomad?kind=foreign", "/register/enterprise", "/nowhere"] {
                try await client.execute(uri: path, method: .get) { response in
                    let page = TestPortal.body(response)
                    for landmark in ["<header", "<nav", "<main", "<footer"] { #expect(page.contains(landmark), "\(path) \(landmark)") }
                    #expect(page.components(separatedBy: "<h1").count == 2, "\(path): one h1")
                    #expect(page.contains("data-page=\""), "\(path)")
                    #expect(page.contains("name=\"_csrf\""), "\(path): the language form carries a token")
                }
            }
        }
    }
}
