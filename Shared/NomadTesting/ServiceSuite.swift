import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import NomadKit
import NomadLocal
import NomadProtos
import PostgresNIO
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One service of a suite a test runs as real processes: which executable,
/// and whether it is running when the test body starts.
public struct SuiteMember: Sendable {
    /// "identity", "jobs", ...: names the schema prefix and the process.
    public let service: String
    /// The executable built next to the test bundle, "nomad-<service>" by default.
    public let product: String
    /// Variables on top of the ones every member gets.
    public let environment: [String: String]
    /// false: the member's port and schema are reserved, but it starts only
    /// when the test calls `start()` (e.g. analytics after an outage).
    public let startsRunning: Bool
    /// With a path prefix, each start's stdout and stderr (its logs) go to
    /// `<prefix>-<n>.out` and `.err`; otherwise they are not kept.
    public let outputPrefix: String?

    public init(
        _ service: String, product: String? = nil, environment: [String: String] = [:], startsRunning: Bool = true,
        outputPrefix: String? = nil
    ) {
        self.service = service
        self.product = product ?? "nomad-\(service)"
        self.environment = environment
        self.startsRunning = startsRunning
        self.outputPrefix = outputPrefix
    }
}

/// Several different service executables as real processes against one
/// database, each on a fresh schema of its own as in production, every
/// producer relaying its outbox to the member named "analytics" (when there
/// is one). A member can be stopped (SIGTERM or SIGKILL) and started again on
/// the SAME schema and port, which is what restart tests need and
/// `withServiceProcesses` (always a fresh schema) does not give.
public final class ServiceSuite: Sendable {
    /// The key events signs tickets with in every suite a test process runs.
    public static let eventsTicketKey = SigningKey.generate(keyID: "test-tickets-1")

    public let members: [String: SuiteService]

    init(members: [String: SuiteService]) {
        self.members = members
    }

    public subscript(service: String) -> SuiteService {
        guard let member = members[service] else { fatalError("no member \(service) in this suite") }
        return member
    }
}

/// One member's process, restartable on its schema and port. Each start makes
/// a new client; `client` is the current one.
public final class SuiteService: Sendable {
    public let service: String
    public let schema: String
    public let port: Int
    /// A superuser's URL, for what tests arrange or observe behind the API.
    public let databaseURL: String
    /// What the process serves with and migrates with.
    public let roleURLs: DatabaseRoleURLs
    let executable: String
    let environment: [String: String]
    let outputPrefix: String?
    private let state = Mutex<Running?>(nil)
    /// How many times the member was started, for process names in messages.
    private let starts = Mutex(0)

    struct Running: Sendable {
        let process: ChildProcess
        let client: GRPCClient<HTTP2ClientTransport.Posix>
        let connections: Task<Void, Never>
    }

    init(
        service: String, schema: String, port: Int, databaseURL: String, roleURLs: DatabaseRoleURLs,
        executable: String, environment: [String: String], outputPrefix: String? = nil
    ) {
        self.outputPrefix = outputPrefix
        self.service = service
        self.schema = schema
        self.port = port
        self.databaseURL = databaseURL
        self.roleURLs = roleURLs
        self.executable = executable
        self.environment = environment
    }

    /// "127.0.0.1:<port>", for a NOMAD_<X>_ADDRESS variable.
    public var address: String { "127.0.0.1:\(port)" }

    /// The client of the running process.
    public var client: GRPCClient<HTTP2ClientTransport.Posix> {
        get throws {
            guard let running = state.withLock({ $0 }) else { throw ChildProcessError("\(service) is not running") }
            return running.client
        }
    }

    public var process: ChildProcess? { state.withLock { $0?.process } }

    public var isRunning: Bool { state.withLock { $0.map { !$0.process.hasExited } ?? false } }

    /// Starts the process on this member's schema and port and waits until it
    /// reports SERVING.
    public func start() async throws {
        if isRunning { return }
        let index = starts.withLock { count in
            count += 1
            return count
        }
        let process = try ChildProcess.spawn(
            name: "\(service)-\(index)", executable: executable, arguments: [], environment: environment,
            stdoutPath: outputPrefix.map { "\($0)-\(index).out" }, stderrPath: outputPrefix.map { "\($0)-\(index).err" })
        let client = GRPCClient(
            transport: try .http2NIOPosix(
                target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext))
        let connections = Task {
            do { try await client.runConnections() } catch {}
        }
        state.withLock { $0 = Running(process: process, client: client, connections: connections) }
        do {
            try await waitUntilServing(name: process.name, process: process, client: client)
        } catch {
            // A start that failed leaves nothing behind: no process, and no
            // client still dialling a port some other test may bind next.
            await stop(SIGKILL)
            throw error
        }
    }

    /// Stops the process: SIGTERM drains (SIGKILL after a grace period),
    /// SIGKILL ends it at once with whatever it held uncommitted.
    public func stop(_ signal: Int32 = SIGTERM) async {
        guard
            let running = state.withLock({ state -> Running? in
                defer { state = nil }
                return state
            })
        else { return }
        if signal == SIGTERM {
            _ = await running.process.terminate(grace: .seconds(10))
        } else {
            running.process.signal(signal)
            _ = await running.process.waitForExit(timeout: .seconds(10))
        }
        running.client.beginGracefulShutdown()
        // The process is gone, so its calls end by themselves; a connection
        // that still has not closed after 10 s is cancelled, never awaited for good.
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await running.connections.value
                return true
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(10))
                return false
            }
            if await group.next() == false { running.connections.cancel() }
            group.cancelAll()
        }
    }

    /// Kills without waiting, for cleanup where nothing can be awaited.
    func kill() {
        state.withLock { $0?.process.signal(SIGKILL) }
    }

    /// Runs `body` on a connection of its own to this member's schema, for what
    /// no RPC can observe (outbox rows) or arrange (time passing).
    public func withDatabase<Result: Sendable>(
        _ body: @escaping @Sendable (Tx) async throws -> Result
    ) async throws -> Result {
        // The pool warns when leased a moment before run() starts; that race is harmless here.
        var quiet = TestApp.sqlLogger
        quiet.logLevel = .error
        let client = try Database.makeClient(url: databaseURL, schema: schema, poolSize: 1, logger: quiet)
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await client.withConnection { connection in try await body(Tx(connection: connection, logger: quiet)) }
        }
    }
}

/// Runs `members` as real processes (see `ServiceSuite`), runs `body`, then
/// stops every process still running with SIGTERM. `serviceTokenKey` signs the
/// relays' calls to analytics and is what analytics verifies. `databaseURL`
/// (superuser) is the test process' shared cluster unless a test brings its own,
/// e.g. to restart it.
public func withServiceSuite<Result: Sendable>(
    _ members: [SuiteMember], serviceTokenKey: SigningKey, databaseURL: String? = nil,
    _ body: (ServiceSuite) async throws -> Result
) async throws -> Result {
    try await withTestGate(exclusive: true) {
        try await withServiceSuiteUngated(
            members, serviceTokenKey: serviceTokenKey, baseURL: try databaseURL ?? TestDatabase.baseURL(), body)
    }
}

private func withServiceSuiteUngated<Result: Sendable>(
    _ members: [SuiteMember], serviceTokenKey: SigningKey, baseURL: String, _ body: (ServiceSuite) async throws -> Result
) async throws -> Result {
    let directory = URL(fileURLWithPath: testBundleExecutable()).deletingLastPathComponent()
    var ports: [String: Int] = [:]
    for member in members { ports[member.service] = try Loopback.portForLater() }
    var services: [String: SuiteService] = [:]
    for member in members {
        let executable = directory.appendingPathComponent(member.product).path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw ChildProcessError("no \(member.product) in \(directory.path): run `swift build` before `swift test`")
        }
        // Nothing of the developer's shell configures the service: a test sets
        // what it needs (an OTLP endpoint left in OTEL_* would export every test's spans).
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("NOMAD_") && !$0.key.hasPrefix("OTEL_") }
        environment["NOMAD_GRPC_PORT"] = String(ports[member.service]!)
        environment["NOMAD_METRICS_PORT"] = String(try Loopback.portForLater())
        environment["NOMAD_VERIFY_KEYS"] = TestKeys.signing.verificationKey.encoded
        environment.merge(TestKeys.dataEnvironment) { _, own in own }
        environment["NOMAD_LOG_LEVEL"] = ProcessInfo.processInfo.environment["NOMAD_TEST_LOG_LEVEL"] ?? "critical"
        environment["NOMAD_SERVICE_TOKEN_KEY"] = serviceTokenKey.encoded
        // A relay that backed off while analytics was away retries within a second of its return.
        environment["NOMAD_RELAY_MAX_BACKOFF_SECONDS"] = "1"
        switch member.service {
        case "analytics":
            break
        case "identity":
            // Test tokens are signed with TestKeys.signing, so identity's own verify.
            environment["NOMAD_SIGNING_KEY"] = TestKeys.signing.encoded
            environment["NOMAD_PASSWORD_COST_LOG2"] = "10"
        case "events":
            environment["NOMAD_EVENTS_TICKET_KEY"] = ServiceSuite.eventsTicketKey.encoded
        default:
            break
        }
        if member.service != "analytics", let analytics = ports["analytics"] {
            environment["NOMAD_ANALYTICS_ADDRESS"] = "127.0.0.1:\(analytics)"
        }
        if member.service != "identity", let identity = ports["identity"] {
            environment["NOMAD_IDENTITY_ADDRESS"] = "127.0.0.1:\(identity)"
            environment["NOMAD_REVOCATION_POLL_SECONDS"] = "0.5"
        }
        let schema = TestDatabase.freshSchema(prefix: member.service)
        let urls = try await TestDatabase.serviceURLs(base: baseURL, service: member.service, schema: schema)
        environment["NOMAD_DATABASE_URL"] = urls.runtime
        environment["NOMAD_MIGRATION_DATABASE_URL"] = urls.migration
        environment.merge(member.environment) { _, own in own }
        environment["NOMAD_DATABASE_SCHEMA"] = schema
        services[member.service] = SuiteService(
            service: member.service, schema: schema, port: ports[member.service]!, databaseURL: baseURL,
            roleURLs: urls, executable: executable, environment: environment, outputPrefix: member.outputPrefix)
    }
    let suite = ServiceSuite(members: services)
    defer { for service in services.values { service.kill() } }
    do {
        // Analytics first when it runs from the start, so nothing waits on it.
        let order = members.sorted { ($0.service == "analytics" ? 0 : 1) < ($1.service == "analytics" ? 0 : 1) }
        for member in order where member.startsRunning { try await services[member.service]!.start() }
        let result = try await body(suite)
        for service in services.values { await service.stop() }
        return result
    } catch {
        for service in services.values { await service.stop(SIGKILL) }
        throw error
    }
}

private func waitUntilServing(
    name: String, process: ChildProcess, client: GRPCClient<HTTP2ClientTransport.Posix>
) async throws {
    let health = Grpc_Health_V1_Health.Client(wrapping: client)
    let deadline = ContinuousClock.now + .seconds(60)
    while true {
        if process.hasExited { throw ChildProcessError("\(name) \(process.exitDescription) during start-up") }
        var options = CallOptions.defaults
        options.timeout = .seconds(2)
        if let answer = try? await health.check(.init(), options: options), answer.status == .serving { return }
        if ContinuousClock.now >= deadline { throw ChildProcessError("\(name) did not report SERVING") }
        try await Task.sleep(for: .milliseconds(200))
    }
}
