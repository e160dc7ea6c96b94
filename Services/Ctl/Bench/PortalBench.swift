import ArgumentParser
import Foundation
import GRPCProtobuf
import NomadKit
import NomadLocal
import NomadProtos
import SwiftProtobuf

/// Pages against the gRPC calls behind them, in one run: what the portal
/// adds on top of the services it calls.
struct PortalBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portal-bench",
        abstract: "Measure the portal's catalogue, KPI and nomad home pages with h2load, next to the gRPC calls each page makes.",
        discussion: """
            On release builds:

              scripts/build-release.sh nomadctl nomad-identity nomad-jobs nomad-assets nomad-events nomad-analytics nomad-portal
              .build/release/nomadctl portal-bench

            Starts a throwaway suite with the portal on free ports (like `up`), registers a foreign \
            nomad over gRPC and signs in to the portal as them (GET /signin, POST with the CSRF \
            token), then runs h2load over HTTP/1.1 at /catalogue, /kpis and /home (with the \
            session cookie), and h2load over gRPC at every call those pages make, with the same \
            nomad's token. Each pass is a warm-up and a measured pass; p50/p99 come from h2load's \
            per-request log. The public pages reuse the services' answers for \
            NOMAD_PORTAL_PUBLIC_CACHE_SECONDS, so they mostly measure rendering; /home calls seven \
            services' RPCs on every request, concurrently.
            """)

    @Option(help: "Requests in each measured pass.")
    var requests: Int = 5_000

    @Option(help: "Connections h2load opens (HTTP/1.1 to the portal: one request at a time on each).")
    var connections: Int = 16

    @Option(help: "Requests in each warm-up pass.")
    var warmup: Int = 500

    @OptionGroup(title: "The suite")
    var suite: SuiteFlags

    func validate() throws {
        guard requests >= connections, connections >= 1, warmup >= connections else {
            throw ValidationError("--requests and --warmup must be at least --connections, which must be at least 1")
        }
    }

    /// One gRPC call a page makes.
    struct Call {
        let service: String
        let method: String
        let body: [UInt8]
    }

    struct Page {
        let path: String
        let signedIn: Bool
        let calls: [Call]
    }

    func run() async throws {
        try await BenchResources.measuring(measure)
    }

    private func measure(h2load: H2Load, signals: SignalWatcher, resources: BenchResources) async throws {
        var options = try suite.options()
        for service in options.services where options.ports[service.name] == nil {
            options.ports[service.name] = Ports(grpc: try Loopback.freePort(), metrics: try Loopback.freePort())
        }
        let running = try await LocalSuite.start(options, signals: signals, say: say)
        resources.suite = running
        guard let portal = running.running("portal"), let identity = running.running("identity") else {
            throw CtlError("the suite has no portal or no identity service")
        }
        let portalPort = portal.ports.grpc

        say("registering a nomad and signing in to the portal on 127.0.0.1:\(portalPort) ...")
        let nomad = try await BenchClient.registerNomad(at: identity.grpcAddress)
        let cookie = try PortalSignIn.sessionCookie(port: UInt16(portalPort), username: nomad.username, password: nomad.password)

        let pages = try Self.pages()
        let abandon: @Sendable () -> Bool = { signals.interrupted }
        func pass(port: Int, path: String, body: [UInt8]?, headers: [String]) async throws -> H2Load.Result {
            // HTTP/1.1 carries one request at a time per connection; gRPC gets
            // the same number of streams in flight, over one connection each.
            _ = try await h2load.run(
                port: port, path: path, body: body, headers: headers,
                load: .init(requests: warmup, connections: connections, streams: 1), perRequestLog: false, abandon: abandon)
            return try await h2load.run(
                port: port, path: path, body: body, headers: headers,
                load: .init(requests: requests, connections: connections, streams: 1), perRequestLog: true, abandon: abandon)
        }

        var rows: [(label: String, result: H2Load.Result)] = []
        var refusals: [String] = []
        for page in pages {
            say("page \(page.path): \(requests) requests ...")
            let headers = page.signedIn ? ["cookie:\(cookie)"] : []
            let result = try await pass(port: portalPort, path: String(page.path.dropFirst()), body: nil, headers: headers)
            rows.append(("GET \(page.path)", result))
            for call in page.calls {
                guard let service = running.running(call.service) else { throw CtlError("no \(call.service) service") }
                say("  \(call.method): \(requests) requests ...")
                let name = call.method.split(separator: "/").last.map(String.init) ?? call.method
                let before = await BenchClient.handledCounts(metricsURL: service.metricsURL, method: name) ?? [:]
                let result = try await pass(
                    port: service.ports.grpc, path: call.method, body: call.body,
                    headers: ["authorization:Bearer \(nomad.accessToken)"])
                // h2load sees HTTP 200 even for a refused call; the service's
                // own counts by grpc-status say whether each one answered OK.
                let after = await BenchClient.handledCounts(metricsURL: service.metricsURL, method: name) ?? [:]
                for (code, count) in after where code != "ok" && count > before[code, default: 0] {
                    refusals.append("\(name): \(Int(count - before[code, default: 0])) \(code)")
                }
                if after["ok", default: 0] - before["ok", default: 0] < Double(requests) {
                    refusals.append("\(name): only \(Int(after["ok", default: 0] - before["ok", default: 0])) OK in the service's /metrics")
                }
                rows.append(("  gRPC " + name, result))
            }
        }
        report(rows, refusals: refusals)
    }

    private func report(_ rows: [(label: String, result: H2Load.Result)], refusals: [String]) {
        func ms(_ micros: Double?) -> String { micros.map { String(format: "%.2f", $0 / 1000) } ?? "-" }
        func right(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
        var lines = [""]
        lines.append(
            "nomadctl portal-bench: h2load, \(connections) connections, one request in flight on each, \(requests) requests per measured pass (after \(warmup) warm-up), \(ProcessInfo.processInfo.activeProcessorCount) CPUs"
        )
        lines.append("  pages over HTTP/1.1 to nomad-portal; each page's gRPC calls straight to the service, as the same nomad")
        #if DEBUG
            lines.append("  WARNING: a debug build of nomadctl; run .build/release/nomadctl with release services for real figures")
        #endif
        lines.append("")
        lines.append("".padding(toLength: 40, withPad: " ", startingAt: 0) + "  requests     req/s   p50 ms    p99 ms  non-2xx")
        for (label, result) in rows {
            lines.append(
                label.padding(toLength: 40, withPad: " ", startingAt: 0)
                    + right(String(result.requests), 10) + right(String(format: "%.0f", result.requestsPerSecond), 10)
                    + right(ms(result.p50), 9) + right(ms(result.p99), 10)
                    + right(String(result.requests - result.status2xx), 9))
        }
        lines.append("")
        lines.append(
            "  non-2xx: HTTP statuses. gRPC answers by grpc-status, from each service's /metrics over the warm-up and measured passes: "
                + (refusals.isEmpty ? "all OK" : refusals.joined(separator: "; ")))
        // A page that makes its calls one after another could not beat the
        // sum of their costs; /home makes them concurrently, on 2 cores.
        var index = 0
        while index < rows.count {
            let page = rows[index]
            let calls = rows[(index + 1)...].prefix { $0.label.hasPrefix("  ") }
            index += 1 + calls.count
            guard calls.count > 1 else { continue }
            let serial = 1 / calls.map { 1 / max($0.result.requestsPerSecond, 1) }.reduce(0, +)
            lines.append(
                "  \(page.label.dropFirst(4)): its \(calls.count) calls, each at its own measured rate, allow at most "
                    + String(format: "%.0f", serial) + " pages/s; the page reached "
                    + String(format: "%.0f%%", page.result.requestsPerSecond / serial * 100))
        }
        emit(lines.joined(separator: "\n"))
    }

    /// The pages and, for each, the calls its handler makes (Services/Portal/Library/Pages).
    static func pages() throws -> [Page] {
        func call<M: SwiftProtobuf.Message>(_ service: String, _ method: String, _ message: M) throws -> Call {
            Call(service: service, method: method, body: grpcFrame(try ProtobufSerializer<M>().serialize(message)))
        }
        let page20 = Nomad_Common_V1_PageRequest.with { $0.pageSize = 20 }
        return [
            Page(
                path: "/catalogue", signedIn: false,
                calls: [
                    try call(
                        "identity", "nomad.identity.v1.IdentityService/ListCatalogue",
                        Nomad_Identity_V1_ListCatalogueRequest.with { $0.page.pageSize = 100 })
                ]),
            Page(
                path: "/kpis", signedIn: false,
                calls: [
                    try call("analytics", "nomad.analytics.v1.AnalyticsService/ListKpis", Nomad_Analytics_V1_ListKpisRequest())
                ]),
            Page(
                path: "/home", signedIn: true,
                calls: [
                    try call(
                        "identity", "nomad.identity.v1.IdentityService/ListCertifications",
                        Nomad_Identity_V1_ListCertificationsRequest.with { $0.page = page20 }),
                    try call(
                        "identity", "nomad.identity.v1.IdentityService/ListPermits",
                        Nomad_Identity_V1_ListPermitsRequest.with { $0.page = page20 }),
                    try call(
                        "events", "nomad.events.v1.EventsService/ListMyRegistrations",
                        Nomad_Events_V1_ListMyRegistrationsRequest.with { $0.page.pageSize = 50 }),
                    try call(
                        "jobs", "nomad.jobs.v1.JobsService/ListOrders",
                        Nomad_Jobs_V1_ListOrdersRequest.with {
                            $0.status = .active; $0.page.pageSize = 50
                        }),
                    try call("assets", "nomad.assets.v1.AssetsService/GetBalances", Nomad_Assets_V1_GetBalancesRequest()),
                    try call(
                        "identity", "nomad.identity.v1.IdentityService/ListApplications",
                        Nomad_Identity_V1_ListApplicationsRequest.with { $0.page = page20 }),
                    try call(
                        "jobs", "nomad.jobs.v1.JobsService/ListMyBountyApplications",
                        Nomad_Jobs_V1_ListMyBountyApplicationsRequest.with { $0.page = page20 }),
                ]),
        ]
    }
}

/// Signs in to the portal the way a browser does, over a plain loopback socket.
enum PortalSignIn {
    static func sessionCookie(port: UInt16, username: String, password: String) throws -> String {
        let form = try exchange(port: port, "GET /signin HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        guard let csrfCookie = form.cookies["nz_csrf"], let token = hiddenValue("_csrf", in: form.body) else {
            throw CtlError("the portal's sign-in page gave no CSRF cookie or token (status \(form.status))")
        }
        let body = [("_csrf", token), ("next", "/home"), ("username", username), ("password", password)]
            .map { "\($0)=\(urlEncode($1))" }.joined(separator: "&")
        let signedIn = try exchange(
            port: port,
            """
            POST /signin HTTP/1.0\r
            Host: 127.0.0.1\r
            Connection: close\r
            Cookie: nz_csrf=\(csrfCookie)\r
            Content-Type: application/x-www-form-urlencoded\r
            Content-Length: \(body.utf8.count)\r
            \r
            \(body)
            """)
        guard (300..<400).contains(signedIn.status), let session = signedIn.cookies["nz_session"] else {
            throw CtlError("signing in to the portal answered \(signedIn.status) without a session cookie")
        }
        let cookie = "nz_session=\(session); nz_csrf=\(csrfCookie)"
        let home = try exchange(port: port, "GET /home HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\nCookie: \(cookie)\r\n\r\n")
        guard home.status == 200 else { throw CtlError("the signed-in home page answered \(home.status)") }
        return cookie
    }

    struct Answer {
        var status = 0
        var cookies: [String: String] = [:]
        var body = ""
    }

    private static func exchange(port: UInt16, _ request: String) throws -> Answer {
        guard let raw = LoopbackHTTP.exchange(port: port, request: Array(request.utf8), timeoutSeconds: 10) else {
            throw CtlError("the portal on 127.0.0.1:\(port) did not answer")
        }
        let text = String(decoding: raw, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw CtlError("the portal answered no HTTP head") }
        var answer = Answer()
        answer.body = String(text[split.upperBound...])
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        answer.status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        for line in lines.dropFirst() where line.lowercased().hasPrefix("set-cookie:") {
            let pair = line.dropFirst("set-cookie:".count).split(separator: ";").first?.trimmingCharacters(in: .whitespaces) ?? ""
            guard let equals = pair.firstIndex(of: "=") else { continue }
            answer.cookies[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        return answer
    }

    private static func hiddenValue(_ name: String, in html: String) -> String? {
        guard let field = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[field.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    private static func urlEncode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
