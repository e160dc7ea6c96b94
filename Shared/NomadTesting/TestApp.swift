import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NomadKit
import NomadLocal
import Synchronization

/// Fixed keys for tests: tokens minted here verify in every test server.
public enum TestKeys {
    public static let signing = SigningKey.generate(keyID: "test-key-1")
    public static let ring = KeyRing(signingKey: signing, verificationKeys: [])
    public static let tokens = AccessTokens(issuer: "nomad-identity", audience: "nomad-zone", keys: ring)
    /// One data key and hash key for every service a test starts, in-process or
    /// as a process, so replicas open each other's sealed rows as in production.
    public static let dataKey = DataKey.generate(id: "test-data-1")
    public static let dataHashKey = DataProtection.generateHashKey()
    public static let data = try! DataProtection(keys: [dataKey], hashKey: Base64URL.decode(dataHashKey)!)
    /// NOMAD_DATA_KEYS and NOMAD_DATA_HASH_KEY for service processes.
    public static var dataEnvironment: [String: String] {
        ["NOMAD_DATA_KEYS": dataKey.encoded, "NOMAD_DATA_HASH_KEY": dataHashKey]
    }

    /// An access token for `principal`, as identity would issue it.
    public static func token(for principal: Principal, lifetime: TimeInterval = 600, now: Date = Date()) -> String {
        try! tokens.issue(for: principal, lifetime: lifetime, now: now).token
    }
}

/// A service started in-process over real HTTP/2 on a loopback port, with its
/// own schema in the test PostgreSQL, and a client connected to it.
public struct TestApp: Sendable {
    public let app: NomadApp
    public let port: Int
    public let client: GRPCClient<HTTP2ClientTransport.Posix>
    public let schema: String
    /// A superuser's URL, for what tests arrange or observe behind the API.
    public let databaseURL: String

    public var metricsPort: Int {
        get async throws { try await app.boundMetricsPort() }
    }
}

/// Starts `definition` on free ports, runs `body` with it, then drains and
/// stops it whatever `body` did.
public func withTestApp<Result: Sendable>(
    _ definition: ServiceDefinition,
    configure: (inout NomadConfig) -> Void = { _ in },
    _ body: (TestApp) async throws -> Result
) async throws -> Result {
    try await withTestGate { try await withTestAppUngated(definition, configure: configure, body) }
}

private func withTestAppUngated<Result: Sendable>(
    _ definition: ServiceDefinition,
    configure: (inout NomadConfig) -> Void,
    _ body: (TestApp) async throws -> Result
) async throws -> Result {
    // The test process never exports spans, whatever OTEL_* the shell has: the
    // first in-process app would own the exporter for every later one.
    TraceSetup.bootstrap(service: definition.name, environment: [:])
    let baseURL = try TestDatabase.baseURL()
    let schema = TestDatabase.freshSchema(prefix: definition.name)
    var config = NomadConfig(
        serviceName: definition.name, grpcPort: 0, metricsPort: 0, databaseURL: baseURL, databaseSchema: schema,
        databasePoolSize: 4, logLevel: ProcessInfo.processInfo.environment["NOMAD_TEST_LOG_LEVEL"] ?? "critical",
        keys: TestKeys.ring, drainTimeoutSeconds: 10, healthIntervalSeconds: 0.2)
    // A slow cancellation on a loaded machine must fail at most its own test,
    // not abort the whole test process with the chassis' fatal error.
    config.cancellationTimeoutSeconds = 60
    config.dataProtection = TestKeys.data
    configure(&config)
    // Whatever server the test chose, the service runs there as it would in
    // production: owner role to migrate, a runtime role that owns nothing.
    let superuserURL = config.databaseURL
    if config.migrationDatabaseURL == nil {
        let urls = try await TestDatabase.serviceURLs(
            base: superuserURL, service: definition.name, schema: config.databaseSchema)
        config.databaseURL = urls.runtime
        config.migrationDatabaseURL = urls.migration
    }
    let app = try NomadApp(definition: definition, config: config, signals: [])
    let stopped = StopSignal()
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { stopped.fire() }
            try await app.run()
        }
        do {
            let port = try await listeningPort(app, stopped: stopped, within: .seconds(120))
            let client = GRPCClient(
                transport: try .http2NIOPosix(
                    target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext))
            group.addTask { try await client.runConnections() }
            let testApp = TestApp(
                app: app, port: port, client: client, schema: config.databaseSchema, databaseURL: superuserURL)
            let result: Result
            do {
                result = try await body(testApp)
            } catch {
                client.beginGracefulShutdown()
                await app.shutdown()
                try? await group.waitForAll()
                throw error
            }
            client.beginGracefulShutdown()
            await app.shutdown()
            // The app drains within its own limits and the client's connections
            // end with it; if both have not a minute later, the test fails
            // (and the group cancels them) instead of holding its gate place.
            group.addTask {
                try await Task.sleep(for: .seconds(60))
                throw ChildProcessError("\(definition.name) did not stop within 60 s of its shutdown")
            }
            for _ in 0..<2 { try await group.next() }
            group.cancelAll()
            return result
        } catch {
            await app.shutdown()
            group.cancelAll()
            throw error
        }
    }
}

/// Set once the app's run() has returned or thrown.
final class StopSignal: Sendable {
    private let state = Mutex<(fired: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func fire() {
        let waiters = state.withLock { state in
            state.fired = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state in
                if state.fired { return true }
                state.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }
}

/// The app's gRPC port once it listens. Throws when the app stops before it
/// listens (its start-up failed or it was shut down: the transport's
/// listening address is then never resolved, and awaiting it alone held a
/// test's gate place for good, stalling the whole suite) or after `limit`.
func listeningPort(_ app: NomadApp, stopped: StopSignal, within limit: Duration) async throws -> Int {
    let outcome = SettleOnce()
    // Unstructured: the port lookup cannot be cancelled, so it is not awaited
    // when something else settles first (it ends with the app's transport).
    let name = app.config.serviceName
    let lookups = [
        Task {
            do { outcome.settle(.success(try await app.grpcPort())) } catch { outcome.settle(.failure(error)) }
        },
        Task {
            await stopped.wait()
            outcome.settle(.failure(ChildProcessError("\(name) stopped before it listened")))
        },
        Task {
            guard (try? await Task.sleep(for: limit)) != nil else { return }
            outcome.settle(.failure(ChildProcessError("\(name) did not listen within \(limit)")))
        },
    ]
    defer { lookups.forEach { $0.cancel() } }
    return try await outcome.value()
}

/// The first of several results; later ones are ignored.
final class SettleOnce: Sendable {
    private let state = Mutex<(result: Result<Int, any Error>?, waiter: CheckedContinuation<Int, any Error>?)>((nil, nil))

    func settle(_ result: Result<Int, any Error>) {
        let waiter = state.withLock { state -> CheckedContinuation<Int, any Error>? in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: result)
    }

    func value() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { state -> Result<Int, any Error>? in
                if let result = state.result { return result }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}

/// Request metadata: a bearer token and the caller's language.
public func callMetadata(token: String? = nil, language: String = "en") -> Metadata {
    var metadata: Metadata = ["accept-language": .string(language)]
    if let token { metadata.addString("Bearer \(token)", forKey: "authorization") }
    return metadata
}
