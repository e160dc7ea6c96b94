import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
@testable import Portal

/// A portal wired to service addresses nothing listens on: enough for the
/// pages and refusals that happen before any gRPC call. Its clients never
/// run their connections, so a test that reached a call would fail loudly.
enum TestPortal {
    static let key = Data((0..<32).map { UInt8($0) })

    static func config(secureCookies: Bool = false) throws -> PortalConfig {
        let nowhere = try ServiceAddress(parsing: "127.0.0.1:9", variable: "test")
        var config = PortalConfig(
            identity: nowhere, jobs: nowhere, assets: nowhere, events: nowhere, analytics: nowhere, sessionKey: key)
        config.secureCookies = secureCookies
        config.callTimeoutSeconds = 1
        return config
    }

    static func renderer() async throws -> Renderer {
        try await Renderer.load(from: PortalResources.directory())
    }

    static func make(secureCookies: Bool = false) async throws -> Portal {
        let config = try config(secureCookies: secureCookies)
        return Portal(
            config: config, backends: try Backends(config: config), renderer: try await renderer(),
            logger: Logger(label: "test"))
    }

    static func application(_ portal: Portal) -> some ApplicationProtocol {
        let directory = PortalResources.directory()
        return Application(router: PortalRouter.make(portal: portal, staticDirectory: directory.appendingPathComponent("static")))
    }

    /// The Set-Cookie headers of a response, by cookie name.
    static func setCookies(_ response: TestResponse) -> [String: String] {
        var result: [String: String] = [:]
        for value in response.headers[values: .setCookie] {
            let name = String(value.prefix { $0 != "=" })
            result[name] = value
        }
        return result
    }

    static func body(_ response: TestResponse) -> String {
        String(buffer: response.body)
    }

    /// The CSRF cookie id and form token a first visit hands out.
    static func csrf(_ client: some TestClientProtocol) async throws -> (cookie: String, token: String) {
        try await client.execute(uri: "/signin", method: .get) { response in
            let cookie = setCookies(response)[CookieName.csrf] ?? ""
            let id = String(cookie.dropFirst(CookieName.csrf.count + 1).prefix { $0 != ";" })
            let page = body(response)
            guard let range = page.range(of: "name=\"_csrf\" value=\"") else { return (id, "") }
            let token = String(page[range.upperBound...].prefix { $0 != "\"" })
            return (id, token)
        }
    }

    /// The sealed session cookie value of a signed-in `role`, as sign-in would set it.
    static func session(_ portal: Portal, role: String, department: String? = nil) throws -> String {
        try portal.sealer.seal(
            Session(
                accessToken: "t", accessExpires: Date().addingTimeInterval(3600), refreshToken: "r",
                refreshExpires: Date().addingTimeInterval(7200), accountID: "a", username: "lin", displayName: "Lin",
                role: role, foreign: false, department: department), purpose: CookieName.session)
    }

    /// A browser with the CSRF cookie and its form token, visiting as one of
    /// `sessions` (by name) or signed out.
    struct Visitor {
        let client: any TestClientProtocol
        let csrf: String
        let token: String
        let sessions: [String: String]

        init(_ client: any TestClientProtocol, sessions: [String: String]) async throws {
            self.client = client
            (csrf, token) = try await TestPortal.csrf(client)
            self.sessions = sessions
        }

        /// A GET, or a form POST carrying the token after `form`.
        func visit(_ method: HTTPRequest.Method, _ path: String, as who: String?, form: String = "") async throws -> TestResponse {
            var cookie = "\(CookieName.csrf)=\(csrf)"
            if let who { cookie += "; \(CookieName.session)=\(sessions[who] ?? "")" }
            return try await client.executeRequest(
                uri: path, method: method, headers: [.contentType: "application/x-www-form-urlencoded", .cookie: cookie],
                body: method == .post ? ByteBuffer(string: form + "&_csrf=" + FormBody.encode(token)) : nil)
        }
    }
}
