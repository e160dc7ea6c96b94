import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import NomadProtos
import PostgresNIO
import ServiceLifecycle
import UnixSignals
import Synchronization

/// Runs one service: the PostgreSQL pool, the metrics endpoint and the gRPC
/// server in a ServiceGroup. SIGTERM (or `shutdown()`) marks health
/// NOT_SERVING, lets in-flight calls finish, then stops the server, the
/// metrics endpoint and finally the pool, in that order.
public final class NomadApp: Sendable {
    public let config: NomadConfig
    public let health: HealthState
    public let logger: Logger
    public let definition: ServiceDefinition
    let group: ServiceGroup
    let server: GRPCServer<HTTP2ServerTransport.Posix>
    let context: ServiceContext

    /// The service's database, for tools and tests that look behind the API.
    public var database: Database { context.database }
    private let metricsPort = BoundPort()

    public init(definition: ServiceDefinition, config: NomadConfig, signals: [UnixSignal] = [.sigterm, .sigint]) throws {
        LogSetup.bootstrap(service: definition.name, level: config.logLevel, format: config.logFormat)
        MetricsSetup.bootstrap()
        var logger = Logger(label: "nomad.\(definition.name)")
        logger.logLevel = Logger.Level(rawValue: config.logLevel) ?? .info
        self.logger = logger
        self.config = config
        self.definition = definition
        guard definition.policy.duplicates.isEmpty else {
            throw ConfigError.invalid(
                "access policy of \(definition.name)",
                "more than one rule for \(definition.policy.duplicates.map(\.fullyQualifiedMethod).joined(separator: ", "))")
        }

        if config.migrationDatabaseURL == nil {
            logger.warning(
                "no NOMAD_MIGRATION_DATABASE_URL: one role migrates and serves, so it owns its tables and only triggers guard the append-only ones"
            )
        }
        let health = HealthState(serviceNames: definition.grpcServiceNames)
        self.health = health
        let client = try Database.makeClient(
            url: config.databaseURL, schema: config.databaseSchema, poolSize: config.databasePoolSize, logger: logger)
        let database = Database(
            client: client, schema: config.databaseSchema, logger: logger, protection: config.dataProtection)
        let context = ServiceContext(config: config, database: database, logger: logger)
        self.context = context

        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: config.grpcHost, port: config.grpcPort),
            transportSecurity: Self.transportSecurity(config),
            config: .defaults {
                $0.rpc.maxRequestPayloadSize = Self.transportCeiling(config.maxRequestBytes)
                $0.http2.maxConcurrentStreams = Self.maxConcurrentStreams
            })
        let healthDescriptor = Grpc_Health_V1_Health.descriptor
        let reflectionDescriptors = [
            Grpc_Reflection_V1_ServerReflection.descriptor, Grpc_Reflection_V1alpha_ServerReflection.descriptor,
        ]
        let reflection = ReflectionService(
            serviceNames: ([healthDescriptor] + reflectionDescriptors).map(\.fullyQualifiedService) + definition.grpcServiceNames)
        // Identity asks its own table; everyone else polls identity's list.
        var poller: RevocationPoller?
        let revocations: (any RevocationCheck)?
        if let make = definition.makeRevocationCheck {
            revocations = make(context)
        } else if let address = config.identityAddress, let tokens = config.serviceTokens {
            let list = RevocationList()
            revocations = list
            poller = RevocationPoller(
                list: list, address: try ServiceAddress(address, variable: "NOMAD_IDENTITY_ADDRESS"), tokens: tokens,
                security: ServiceAddress.security(ca: config.identityCAFile, config),
                interval: .milliseconds(Int64(config.revocationPollSeconds * 1000)), service: definition.name,
                logger: logger)
        } else {
            revocations = nil
            logger.warning("no NOMAD_IDENTITY_ADDRESS: a disabled account's tokens are accepted here until they expire")
        }
        server = GRPCServer(
            transport: transport,
            services: [HealthService(state: health), reflection, ReflectionServiceV1Alpha(reflection)]
                + (try definition.makeServices(context)),
            interceptorPipeline: [
                .apply(
                    ObservabilityInterceptor(logger: logger, maxRequestBytes: config.maxRequestBytes, health: health), to: .all),
                .apply(
                    AuthInterceptor(
                        tokens: config.accessTokens, policy: definition.policy, logger: logger,
                        serviceTokens: config.serviceTokens, revocations: revocations,
                        anonymousLimiter: AnonymousRateLimiter(config.anonymousRate)),
                    to: .allExcluding(services: Set([healthDescriptor] + reflectionDescriptors), methods: [])),
            ])

        // The span exporter (only with an OTLP endpoint) first, so it stops last.
        var services: [any Service] = (TraceSetup.takeExporterService(logger: logger).map { [$0] } ?? []) + [client]
        if config.metricsPort >= 0 {
            let port = metricsPort
            services.append(
                MetricsEndpoint.make(host: config.metricsHost, port: config.metricsPort, logger: logger) { bound in
                    port.value.withLock { $0 = bound }
                })
        }
        services.append(
            ServerRunner(
                server: server, health: health, database: database, component: definition.name,
                migrations: definition.migrations, appendOnlyTables: definition.appendOnlyTables,
                migrationURL: config.migrationDatabaseURL, runtimeRole: ServiceRoles.user(of: config.databaseURL),
                startup: { try await definition.startup(context) },
                healthInterval: .milliseconds(Int64(config.healthIntervalSeconds * 1000)),
                backgroundTasks: [Idempotency.purgeTask(database, retention: config.idempotencyRetentionHours)]
                    + definition.makeBackgroundTasks(context),
                logger: logger))
        // Last, so a shutdown stops the relay first, while the pool still runs.
        if let address = config.analyticsAddress, let tokens = config.serviceTokens {
            services.append(
                try OutboxRelay(
                    database: database, source: definition.name, address: address, tokens: tokens,
                    security: ServiceAddress.security(ca: config.analyticsCAFile, config), settings: config.relay,
                    ready: { health.status(of: "") == .serving }, logger: logger))
        }
        if let poller { services.append(poller) }
        var groupConfig = ServiceGroupConfiguration(
            services: services.map { Self.boundedByTheDrain($0, config: config, logger: logger) }, logger: logger)
        groupConfig.gracefulShutdownSignals = signals
        groupConfig.maximumGracefulShutdownDuration = .milliseconds(Int64(config.drainTimeoutSeconds * 1000))
        groupConfig.maximumCancellationDuration = .milliseconds(Int64(config.cancellationTimeoutSeconds * 1000))
        group = ServiceGroup(configuration: groupConfig)
    }

    /// Each service stops within the drain, and at once when the group cancels:
    /// a task that cancellation cannot reach (a database connection attempt
    /// waiting on a DNS answer while the database is away) would otherwise
    /// overrun ServiceGroup's cancellation limit, which aborts the process
    /// (exit 132, seen by the compose smoke test when a service stopped just
    /// after a database failover). What is left ends with the process.
    static func boundedByTheDrain(_ service: any Service, config: NomadConfig, logger: Logger) -> any Service {
        if service is BoundedShutdownService { return service }
        return BoundedShutdownService(
            base: service, name: String(describing: type(of: service)),
            limit: .milliseconds(Int64(config.drainTimeoutSeconds * 1000)), logger: logger)
    }

    /// Runs until SIGTERM/SIGINT or `shutdown()`.
    public func run() async throws {
        try await group.run()
    }

    public func shutdown() async {
        await group.triggerGracefulShutdown()
    }

    /// The bound gRPC port (useful with port 0); waits until the server listens.
    public func grpcPort() async throws -> Int {
        guard let port = try await server.transport.listeningAddress.ipv4?.port else {
            throw ConfigError.invalid("NOMAD_GRPC_HOST", "not an IPv4 address")
        }
        return port
    }

    /// The bound metrics port; waits until the endpoint listens.
    public func boundMetricsPort() async throws -> Int {
        for _ in 0..<500 {
            if let port = metricsPort.value.withLock({ $0 }) { return port }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw ConfigError.invalid("NOMAD_METRICS_PORT", "metrics endpoint did not start")
    }

    /// Messages up to this size reach the interceptor, which refuses those
    /// over the configured limit with RESOURCE_EXHAUSTED; beyond it the
    /// transport resets the stream without reading the rest.
    static func transportCeiling(_ limit: Int) -> Int {
        max(limit * 4, 4 << 20)
    }

    /// Calls one client connection may have open at once, said explicitly:
    /// without it the server allows unbounded streams, while swift-nio-http2
    /// clients assume 100 and queue the rest, and a call whose deadline passes
    /// while queued trips an assertion in grpc-swift-nio-transport's client
    /// (reproduced by StreamLimitTests).
    static let maxConcurrentStreams = 1000

    static func transportSecurity(_ config: NomadConfig) -> HTTP2ServerTransport.Posix.TransportSecurity {
        guard let cert = config.tlsCertificateFile, let key = config.tlsKeyFile else { return .plaintext }
        let chain: [TLSConfig.CertificateSource] = [.file(path: cert, format: .pem)]
        let privateKey: TLSConfig.PrivateKeySource = .file(path: key, format: .pem)
        if let clientCA = config.tlsClientCAFile {
            return .mTLS(certificateChain: chain, privateKey: privateKey) {
                $0.trustRoots = .certificates([.file(path: clientCA, format: .pem)])
            }
        }
        return .tls(certificateChain: chain, privateKey: privateKey)
    }
}

/// Migrates (retrying while the database is away), then serves until the
/// graceful shutdown, keeping health in step with the database.
struct ServerRunner: Service {
    let server: GRPCServer<HTTP2ServerTransport.Posix>
    let health: HealthState
    let database: Database
    let component: String
    let migrations: [Migration]
    let appendOnlyTables: [String]
    let migrationURL: String?
    let runtimeRole: String?
    let startup: @Sendable () async throws -> Void
    let healthInterval: Duration
    let backgroundTasks: [BackgroundTask]
    let logger: Logger

    func run() async throws {
        let database = self.database
        var delay = Duration.milliseconds(200)
        while true {
            do {
                try await Migrator.migrate(
                    database, component: component, migrations: migrations, appendOnlyTables: appendOnlyTables,
                    migrationURL: migrationURL, runtimeRole: runtimeRole, logger: logger)
                try await startup()
                break
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { return }
                logger.warning("start-up failed; retrying", metadata: ["error": "\(String(reflecting: error))"])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
        let health = self.health
        // The database just answered the migrations: serve from the first call.
        health.setServing(true)
        let interval = healthInterval
        let tasks = backgroundTasks
        let logger = self.logger
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                await cancelWhenGracefulShutdown {
                    // One slow answer on a busy machine is not an outage: the
                    // database counts as away after three missed checks in a row,
                    // and calls completing since the last check count as an answer
                    // (a saturated pool would keep the ping itself waiting).
                    var missed = 0
                    while !Task.isCancelled {
                        if database.answered(within: interval + .seconds(2)), health.databaseReachable {
                            missed = 0
                        } else if await database.ping(timeout: .seconds(2)) {
                            missed = 0
                            health.setServing(true)
                        } else {
                            missed += 1
                            if missed >= 3 { health.setServing(false) }
                        }
                        try? await Task.sleep(for: interval)
                    }
                }
            }
            for task in tasks {
                group.addTask {
                    await cancelWhenGracefulShutdown {
                        while !Task.isCancelled {
                            do { try await task.run() } catch {
                                logger.warning("background task failed", metadata: ["task": "\(task.name)", "error": "\(error)"])
                            }
                            try? await Task.sleep(for: task.interval)
                        }
                    }
                }
            }
            try await withGracefulShutdownHandler {
                try await server.serve()
            } onGracefulShutdown: {
                logger.info("draining")
                health.beginDraining()
                server.beginGracefulShutdown()
            }
        }
    }
}

/// The port the metrics endpoint bound, set once it listens.
final class BoundPort: Sendable {
    let value = Mutex<Int?>(nil)
}
