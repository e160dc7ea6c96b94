import GRPCCore
import Logging
import ServiceLifecycle

/// What the chassis needs to run one service; a service's library provides it
/// and its executable only hands it to `NomadApp`.
public struct ServiceDefinition: Sendable {
    /// "identity", "jobs", ...: the default schema, ports and the log's service field.
    public let name: String
    public let migrations: [Migration]
    /// Tables whose rows are never changed or deleted once written (audit
    /// logs, ledger entries): the runtime role may only read and insert them
    /// (see `RuntimeGrants`). Their triggers say the same to the owner.
    public let appendOnlyTables: [String]
    public let policy: AccessPolicy
    /// The fully qualified gRPC service names health reports on.
    public let grpcServiceNames: [String]
    public let makeServices: @Sendable (ServiceContext) throws -> [any RegistrableRPCService]
    /// Runs once after migrations and before serving (seeding a first admin).
    public let startup: @Sendable (ServiceContext) async throws -> Void
    /// Periodic work that runs beside the server (sweeps), started after migrations.
    public let makeBackgroundTasks: @Sendable (ServiceContext) -> [BackgroundTask]
    /// How the service learns that an account was disabled. Nil (every
    /// service but identity): identity's list, polled (NOMAD_IDENTITY_ADDRESS).
    /// Identity, which owns the accounts, asks its own table instead.
    public let makeRevocationCheck: (@Sendable (ServiceContext) -> any RevocationCheck)?

    public init(
        name: String, migrations: [Migration], appendOnlyTables: [String] = [], policy: AccessPolicy,
        grpcServiceNames: [String],
        makeServices: @escaping @Sendable (ServiceContext) throws -> [any RegistrableRPCService],
        startup: @escaping @Sendable (ServiceContext) async throws -> Void = { _ in },
        makeBackgroundTasks: @escaping @Sendable (ServiceContext) -> [BackgroundTask] = { _ in [] },
        makeRevocationCheck: (@Sendable (ServiceContext) -> any RevocationCheck)? = nil
    ) {
        self.name = name
        self.migrations = migrations
        self.appendOnlyTables = appendOnlyTables
        self.policy = policy
        self.grpcServiceNames = grpcServiceNames
        self.makeServices = makeServices
        self.startup = startup
        self.makeBackgroundTasks = makeBackgroundTasks
        self.makeRevocationCheck = makeRevocationCheck
    }
}

/// What a service's handlers are built from.
public struct ServiceContext: Sendable {
    public let config: NomadConfig
    public let database: Database
    public let logger: Logger

    public var tokens: AccessTokens { config.accessTokens }

    public var protection: DataProtection { config.dataProtection }
}

/// Work repeated every `interval` until shutdown. Each run must be safe with
/// several replicas running it at once (row locks, not process state).
public struct BackgroundTask: Sendable {
    public let name: String
    public let interval: Duration
    public let run: @Sendable () async throws -> Void

    public init(name: String, interval: Duration, run: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.interval = interval
        self.run = run
    }
}
