import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
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
}
