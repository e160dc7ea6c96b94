import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NomadKit

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
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.run() }
        do {
            let port = try await app.grpcPort()
            let client = GRPCClient(transport: try .http2NIOPosix(
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
            try await group.waitForAll()
            return result
        } catch {
            await app.shutdown()
            group.cancelAll()
            throw error
        }
    }
}

/// Request metadata: a bearer token and the caller's language.
public func callMetadata(token: String? = nil, language: String = "en") -> Metadata {
    var metadata: Metadata = ["accept-language": .string(language)]
    if let token { metadata.addString("Bearer \(token)", forKey: "authorization") }
    return metadata
}
