import Foundation
import NomadKit
import NomadLocal
import Synchronization

/// How to run the suite locally: what `up` and `bench --start` share.
struct SuiteOptions: Sendable {
    /// An existing database every service uses (each in its own schema); nil
    /// starts a throwaway PostgreSQL cluster with a role per service.
    var databaseURL: String?
    /// Keeps the throwaway cluster (and the suite's secrets) here between runs;
    /// nil uses a temporary directory removed on stop.
    var dataDirectory: String?
    /// Where the service executables are.
    var binDirectory: String
    /// Ports per service name; services missing here use their defaults.
    var ports: [String: Ports] = [:]
    /// How many processes of a service to run (jobs scales out); default 1.
    var replicas: [String: Int] = [:]
    /// Explicit ports per replica (measurements use free ports); otherwise
    /// replicas count up from the service's ports.
    var replicaPorts: [String: [Ports]] = [:]
    var services: [SuiteService] = SuiteService.all
    /// How long a service may drain after SIGTERM before SIGKILL.
    var drainTimeout: Duration = .seconds(20)
    /// How long a service may take to report SERVING.
    var startTimeout: Duration = .seconds(30)

    func ports(of service: SuiteService) -> Ports {
        ports[service.name] ?? service.defaultPorts
    }

    /// Every process to start, in order: a service's replicas one after the
    /// other. Replica r (from 1) listens 10 ports above replica r-1, so
    /// jobs runs on 50052, 50062, 50072 and its metrics on 9052, 9062, 9072.
    var instances: [Instance] {
        services.flatMap { service in
            let count = max(1, replicas[service.name] ?? 1)
            let base = ports(of: service)
            return (1...count).map { replica in
                if let given = replicaPorts[service.name], given.count >= replica {
                    return Instance(service: service, replica: replica, replicas: count, ports: given[replica - 1])
                }
                let shift = (replica - 1) * 10
                return Instance(
                    service: service, replica: replica, replicas: count,
                    ports: Ports(
                        grpc: base.grpc == 0 ? 0 : base.grpc + shift,
                        metrics: base.metrics == 0 ? 0 : base.metrics + shift))
            }
        }
    }
}

/// Where a service serves from (its runtime role) and migrates with (its
/// owner role; nil: the runtime URL does both).
struct DatabaseURLs: Sendable {
    let runtime: String
    let migration: String?
}

/// One process of the suite: a service, or one replica of it.
struct Instance: Sendable {
    let service: SuiteService
    let replica: Int
    let replicas: Int
    let ports: Ports

    /// "identity"; "jobs-1", "jobs-2" when a service runs as replicas.
    var name: String { replicas > 1 ? "\(service.name)-\(replica)" : service.name }
}

/// PostgreSQL plus every service as a child process. `start` cleans up after
/// itself when any step fails or a signal arrives; `stop` undoes a started suite.
final class LocalSuite: Sendable {
    /// One process of the suite, and what it takes to start it again: when
    /// `up` restarts a crashed service, `process` is the new one.
    final class Running: Sendable {
        let instance: Instance
        /// Nil for the portal, which has no database.
        let databaseURLs: DatabaseURLs?
        let executable: String
        let environment: [String: String]
        private let current: Mutex<ChildProcess>

        init(instance: Instance, process: ChildProcess, databaseURLs: DatabaseURLs?, executable: String, environment: [String: String]) {
            self.instance = instance
            self.databaseURLs = databaseURLs
            self.executable = executable
            self.environment = environment
            self.current = Mutex(process)
        }

        var process: ChildProcess { current.withLock { $0 } }
        var databaseURL: String { databaseURLs?.runtime ?? "" }
        var service: SuiteService { instance.service }
        var name: String { instance.name }
        var ports: Ports { instance.ports }

        var grpcAddress: HostPort { HostPort(host: "127.0.0.1", port: ports.grpc) }
        var metricsURL: String { "http://127.0.0.1:\(ports.metrics)/metrics" }
        /// The portal's web address (its HTTP port sits where a service's gRPC port does).
        var webURL: String { "http://127.0.0.1:\(ports.grpc)/" }

        /// Until the process reports ready: SERVING on grpc.health.v1, or the
        /// portal's /healthz answering 200 (every service it calls SERVING).
        func waitUntilReady(timeout: Duration, abandon: @escaping @Sendable () throws -> Void) async throws {
            switch service.kind {
            case .grpc:
                try await HealthProbe.waitUntilServing(grpcAddress, timeout: timeout, abandon: abandon)
            case .web:
                let deadline = ContinuousClock.now + timeout
                while await LoopbackHTTP.get(webURL + "healthz") == nil {
                    try abandon()
                    if ContinuousClock.now >= deadline { throw CtlError("\(name) did not answer \(webURL)healthz within \(timeout)") }
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
        }

        /// Starts the process again with the same executable and environment.
        func respawn() throws -> ChildProcess {
            let process = try ChildProcess.spawn(name: name, executable: executable, arguments: [], environment: environment)
            current.withLock { $0 = process }
            return process
        }
    }

    static let databaseName = "nomad"

    let postgres: LocalPostgres?
    let context: SuiteContext
    let running: [Running]
    /// The database as a superuser would reach it (for psql), or the given URL.
    let databaseURL: String
    let options: SuiteOptions

    private init(postgres: LocalPostgres?, context: SuiteContext, running: [Running], databaseURL: String, options: SuiteOptions) {
        self.postgres = postgres
        self.context = context
        self.running = running
        self.databaseURL = databaseURL
        self.options = options
    }

    /// The first (or only) process of a service.
    func running(_ name: String) -> Running? {
        running.first { $0.service.name == name }
    }

    /// Every replica of a service.
    func replicas(of name: String) -> [Running] {
        running.filter { $0.service.name == name }
    }

    // MARK: - Start

    static func start(_ options: SuiteOptions, signals: SignalWatcher, say: (String) -> Void) async throws -> LocalSuite {
        let ports = Dictionary(uniqueKeysWithValues: options.services.map { ($0.name, options.ports(of: $0)) })
        try checkBeforeStart(options, ports: ports)
        let secrets = try SuiteSecrets.loadOrCreate(in: options.dataDirectory)
        let dataKeys = try Self.dataKeys(secrets)
        let context = SuiteContext(
            signingKey: secrets.signingKey, eventsTicketKey: secrets.ticketKey, serviceTokenKey: secrets.serviceTokenKey,
            dataKeys: dataKeys.keys, dataHashKey: dataKeys.hashKey,
            adminUsername: "admin",
            adminPassword: secrets.adminPassword, ports: ports)

        var postgres: LocalPostgres?
        var started: [Running] = []
        do {
            let urls: [String: DatabaseURLs]
            let displayURL: String
            if let given = options.databaseURL {
                // Somebody else's database: its roles are theirs to arrange, so
                // one URL both migrates and serves.
                urls = Dictionary(
                    uniqueKeysWithValues: options.services.filter { $0.kind == .grpc }.map {
                        ($0.name, DatabaseURLs(runtime: given, migration: nil))
                    })
                displayURL = given
            } else {
                // Kept between runs, the cluster keeps what it acknowledged;
                // thrown away after the run, it need not survive a power cut.
                let durable = options.dataDirectory != nil
                say(
                    "starting PostgreSQL\(options.dataDirectory.map { " in \($0)" } ?? "") (\(durable ? "durable" : "throwaway: fsync off") ..."
                )
                let cluster = try LocalPostgres.start(
                    .init(baseDirectory: options.dataDirectory, stopWhenProcessExits: true, durable: durable))
                postgres = cluster
                try signals.throwIfInterrupted()
                try cluster.createDatabase(databaseName)
                for service in options.services where service.kind == .grpc {
                    try cluster.bootstrap(service.roles, database: databaseName)
                }
                urls = Dictionary(
                    uniqueKeysWithValues: options.services.filter { $0.kind == .grpc }.map {
                        (
                            $0.name,
                            DatabaseURLs(
                                runtime: cluster.url(database: databaseName, user: $0.roles.runtime),
                                migration: cluster.url(database: databaseName, user: $0.roles.owner))
                        )
                    })
                displayURL = cluster.url(database: databaseName)
            }
            try signals.throwIfInterrupted()

            for instance in options.instances {
                let service = instance.service
                let executable = URL(fileURLWithPath: options.binDirectory)
                    .appendingPathComponent(service.executable).standardizedFileURL.path
                guard FileManager.default.isExecutableFile(atPath: executable) else {
                    throw CtlError(
                        "no \(service.executable) in \(options.binDirectory): build it with `swift build --product \(service.executable)` (or pass --bin-dir)"
                    )
                }
                let databaseURLs = urls[service.name]
                say("starting \(instance.name) (\(executable)) on 127.0.0.1:\(instance.ports.grpc) ...")
                let variables = environment(for: instance, databaseURLs: databaseURLs, context: context)
                let process = try ChildProcess.spawn(
                    name: instance.name, executable: executable, arguments: [], environment: variables)
                started.append(
                    Running(
                        instance: instance, process: process, databaseURLs: databaseURLs, executable: executable,
                        environment: variables))
            }
            for running in started {
                let process = running.process
                try await running.waitUntilReady(timeout: options.startTimeout) {
                    if process.hasExited {
                        throw CtlError("\(running.name) \(process.exitDescription) during start-up (its log is above)")
                    }
                    try signals.throwIfInterrupted()
                }
            }
            return LocalSuite(postgres: postgres, context: context, running: started, databaseURL: displayURL, options: options)
        } catch {
            await stop(started, postgres: postgres, drainTimeout: options.drainTimeout, say: say)
            throw error
        }
    }

    /// NOMAD_DATA_KEYS and NOMAD_DATA_HASH_KEY for every service and replica of
    /// the run: the shell's (inline or _FILE) when it sets them, e.g. for a
    /// --database-url whose sealed numbers were written under them; otherwise
    /// the run's own, kept with --data-dir. Resolved here, so each service gets
    /// the same values whatever the shell holds.
    static func dataKeys(
        _ secrets: SuiteSecrets, shell: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> (keys: String, hashKey: String) {
        let environment = Environment(shell)
        do {
            if try DataProtection.fromEnvironment(environment) != nil,
                let keys = try environment.secret("NOMAD_DATA_KEYS"),
                let hashKey = try environment.secret("NOMAD_DATA_HASH_KEY")
            {
                return (keys, hashKey)
            }
        } catch {
            throw CtlError("\(error)")
        }
        guard let keys = secrets.dataKeysEncoded, let hashKey = secrets.dataHashKey else {
            throw CtlError("no data keys in the suite's secrets")
        }
        return (keys, hashKey)
    }

    /// Refuses ports somebody already listens on: a health check would
    /// otherwise happily report another suite's service as ours.
    private static func checkBeforeStart(_ options: SuiteOptions, ports: [String: Ports]) throws {
        for instance in options.instances {
            for port in [instance.ports.grpc, instance.ports.metrics] where port > 0 && loopbackPortInUse(port) {
                throw CtlError(
                    "port \(port) for \(instance.name) is already in use (another `nomadctl up`?); stop that or choose other ports")
            }
        }
    }

    /// The service's whole environment: ours minus any suite variable set in
    /// the shell, then the suite's, then the service's own.
    static func environment(for instance: Instance, databaseURLs: DatabaseURLs?, context: SuiteContext) -> [String: String] {
        let service = instance.service
        let owned = [
            "NOMAD_DATABASE_", "NOMAD_MIGRATION_DATABASE_", "NOMAD_SIGNING_KEY", "NOMAD_VERIFY_KEYS", "NOMAD_BOOTSTRAP_ADMIN_",
            "NOMAD_GRPC_PORT", "NOMAD_METRICS_PORT", "NOMAD_DATA_KEYS", "NOMAD_DATA_HASH_KEY",
        ]
        var environment = ProcessInfo.processInfo.environment.filter { entry in
            !owned.contains { entry.key.hasPrefix($0) }
        }
        let ports = instance.ports
        guard let databaseURLs else {
            // The portal: no database, no keys of the suite; its ports and the
            // services' addresses are its own variables.
            environment.merge(service.environment(context)) { _, own in own }
            return environment
        }
        environment["NOMAD_DATABASE_URL"] = databaseURLs.runtime
        if let migration = databaseURLs.migration { environment["NOMAD_MIGRATION_DATABASE_URL"] = migration }
        environment["NOMAD_GRPC_PORT"] = String(ports.grpc)
        environment["NOMAD_METRICS_PORT"] = String(ports.metrics)
        environment["NOMAD_VERIFY_KEYS"] = context.signingKey.verificationKey.encoded
        // The same for every service and replica: each seals its stored responses,
        // jobs replicas open each other's, identity reads its cards after a restart.
        environment["NOMAD_DATA_KEYS"] = context.dataKeys
        environment["NOMAD_DATA_HASH_KEY"] = context.dataHashKey
        // The portal calls from loopback for its visitors and names each in
        // x-forwarded-for, so anonymous limits apply per visitor, not to the
        // portal as one caller.
        if environment["NOMAD_TRUSTED_FORWARDERS"] == nil { environment["NOMAD_TRUSTED_FORWARDERS"] = "127.0.0.1" }
        environment.merge(service.environment(context)) { _, own in own }
        return environment
    }

    // MARK: - Stop

    /// Stops the services (last started first), then PostgreSQL. True when
    /// every service exited 0.
    @discardableResult
    func stop(say: (String) -> Void) async -> Bool {
        await Self.stop(running, postgres: postgres, drainTimeout: options.drainTimeout, say: say)
    }

    @discardableResult
    private static func stop(_ running: [Running], postgres: LocalPostgres?, drainTimeout: Duration, say: (String) -> Void) async -> Bool {
        var clean = true
        for service in running.reversed() {
            let wasRunning = !service.process.hasExited
            let outcome = await service.process.terminate(grace: drainTimeout)
            if wasRunning { say("\(service.name) stopped: \(outcome)") }
            if service.process.exitCode != 0 { clean = false }
        }
        if let postgres {
            postgres.stop()
            say("PostgreSQL stopped")
        }
        return clean
    }
}

/// The signing key and the bootstrap admin's password. Fresh each run, or
/// kept in `<data-dir>/nomadctl-secrets.json` (mode 0600) when a data
/// directory is reused, since the admin is created only once per database.
struct SuiteSecrets: Codable {
    var signingKeyEncoded: String
    var adminPassword: String
    /// Signs the events service's tickets. Absent in secrets files written
    /// before events existed: added on the next start.
    var ticketKeyEncoded: String?
    /// Signs the outbox relays' calls to analytics. Absent in secrets files
    /// written before analytics existed: added on the next start.
    var serviceTokenKeyEncoded: String?
    /// NOMAD_DATA_KEYS and NOMAD_DATA_HASH_KEY. Kept with a data directory,
    /// above all: a new key would leave the kept personal numbers unreadable.
    /// Absent in files written before numbers were sealed: added on the next start.
    var dataKeysEncoded: String?
    var dataHashKey: String?

    var signingKey: SigningKey {
        // Validated when loaded or generated.
        try! SigningKey(encoded: signingKeyEncoded)
    }

    var ticketKey: SigningKey {
        // Set and validated when loaded or generated.
        try! SigningKey(encoded: ticketKeyEncoded!)
    }

    var serviceTokenKey: SigningKey {
        // Set and validated when loaded or generated.
        try! SigningKey(encoded: serviceTokenKeyEncoded!)
    }

    static func generate() -> SuiteSecrets {
        let stamp = timestamp()
        return SuiteSecrets(
            signingKeyEncoded: SigningKey.generate(keyID: "local-\(stamp)").encoded, adminPassword: randomToken(length: 24),
            ticketKeyEncoded: SigningKey.generate(keyID: "events-ticket-\(stamp)").encoded,
            serviceTokenKeyEncoded: SigningKey.generate(keyID: "service-\(stamp)").encoded,
            dataKeysEncoded: DataKey.generate(id: "data-\(stamp)").encoded, dataHashKey: DataProtection.generateHashKey())
    }

    private static func timestamp() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: Date())
    }

    /// Kept in the data directory when there is one, so tokens and tickets
    /// issued before a restart still verify after it.
    static func loadOrCreate(in directory: String?) throws -> SuiteSecrets {
        guard let directory else { return generate() }
        let path = URL(fileURLWithPath: directory).appendingPathComponent("nomadctl-secrets.json").path
        if let data = FileManager.default.contents(atPath: path) {
            var secrets: SuiteSecrets
            do {
                secrets = try JSONDecoder().decode(SuiteSecrets.self, from: data)
                _ = try SigningKey(encoded: secrets.signingKeyEncoded)
                for key in [secrets.ticketKeyEncoded, secrets.serviceTokenKeyEncoded].compactMap({ $0 }) {
                    _ = try SigningKey(encoded: key)
                }
                if let keys = secrets.dataKeysEncoded, let hash = secrets.dataHashKey {
                    _ = try DataProtection.fromEnvironment(Environment(["NOMAD_DATA_KEYS": keys, "NOMAD_DATA_HASH_KEY": hash]))
                }
            } catch {
                throw CtlError("cannot read \(path): \(error); remove it to start afresh")
            }
            if secrets.ticketKeyEncoded == nil || secrets.serviceTokenKeyEncoded == nil || secrets.dataKeysEncoded == nil
                || secrets.dataHashKey == nil
            {
                let stamp = timestamp()
                if secrets.dataKeysEncoded == nil || secrets.dataHashKey == nil {
                    secrets.dataKeysEncoded = DataKey.generate(id: "data-\(stamp)").encoded
                    secrets.dataHashKey = DataProtection.generateHashKey()
                }
                if secrets.ticketKeyEncoded == nil {
                    secrets.ticketKeyEncoded = SigningKey.generate(keyID: "events-ticket-\(stamp)").encoded
                }
                if secrets.serviceTokenKeyEncoded == nil {
                    secrets.serviceTokenKeyEncoded = SigningKey.generate(keyID: "service-\(stamp)").encoded
                }
                try secrets.save(to: path)
            }
            return secrets
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let secrets = generate()
        try secrets.save(to: path)
        return secrets
    }

    private func save(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard
            FileManager.default.createFile(
                atPath: path, contents: try encoder.encode(self), attributes: [.posixPermissions: 0o600])
        else { throw CtlError("cannot write \(path)") }
    }
}
