import Foundation

/// The settings every service reads at start. Defaults make `nomadctl up`
/// work with no configuration; the README lists each variable.
public struct NomadConfig: Sendable {
    /// Which service this process is: "identity", "jobs", ...
    public var serviceName: String
    public var grpcHost: String
    public var grpcPort: Int
    /// -1 disables the metrics endpoint; 0 picks a free port (tests).
    public var metricsPort: Int
    public var metricsHost: String
    /// The runtime role's URL: what the service serves with.
    public var databaseURL: String
    /// The owner role's URL (NOMAD_MIGRATION_DATABASE_URL), used only to
    /// migrate at start; nil migrates with `databaseURL` (one role for both,
    /// which leaves append-only tables to their triggers; see ServiceRoles).
    public var migrationDatabaseURL: String?
    /// The schema the service owns; its migrations and tables live there.
    public var databaseSchema: String
    public var databasePoolSize: Int
    public var logLevel: String
    /// "json" (default) or "text".
    public var logFormat: String
    public var tokenIssuer: String
    public var tokenAudience: String
    public var keys: KeyRing
    public var maxRequestBytes: Int
    /// How long SIGTERM waits for in-flight calls before it stops anyway.
    public var drainTimeoutSeconds: Double
    /// How often health asks the database whether it answers.
    public var healthIntervalSeconds: Double
    /// After the drain, how long cancelling what is left may take before the
    /// process stops itself with a fatal error (a stuck task must not keep a
    /// replica half-alive). Not an environment variable: tests raise it, since
    /// one test process hosts many services on a loaded machine.
    public var cancellationTimeoutSeconds: Double = 5
    /// How long a request_id is remembered for retries.
    public var idempotencyRetentionHours: Double = 24
    /// PEM files; with a certificate the server speaks TLS, with a client CA
    /// too it requires client certificates signed by that CA (mutual TLS).
    public var tlsCertificateFile: String?
    public var tlsKeyFile: String?
    public var tlsClientCAFile: String?
    /// host:port of analytics; set, the service relays its outbox there
    /// (NOMAD_ANALYTICS_ADDRESS). Unset, events stay in the outbox.
    public var analyticsAddress: String?
    /// The suite's service-token key (NOMAD_SERVICE_TOKEN_KEY, kid:seed): the
    /// relay signs its calls with it and analytics verifies them. Tokens it
    /// signs only ever carry the service role (see ServiceTokens).
    public var serviceTokenKey: SigningKey?
    /// PEM CA that signed analytics' server certificate (NOMAD_ANALYTICS_CA_FILE).
    /// Set, the relay speaks TLS to analytics, presenting this service's own
    /// NOMAD_TLS_CERT_FILE/KEY as its client certificate when it has them
    /// (mutual TLS). Unset, the relay is plaintext (loopback, local runs).
    public var analyticsCAFile: String?
    /// host:port of identity (NOMAD_IDENTITY_ADDRESS). Set, a service other
    /// than identity polls identity's list of disabled accounts and refuses
    /// their tokens; unset, a disabled account's token works until it expires.
    public var identityAddress: String?
    /// PEM CA of identity's certificate (NOMAD_IDENTITY_CA_FILE): the poller
    /// speaks TLS to identity, as the relay does to analytics.
    public var identityCAFile: String?
    /// How often the list of disabled accounts is read (NOMAD_REVOCATION_POLL_SECONDS).
    public var revocationPollSeconds: Double = 2
    /// Batch size, deadline, poll interval and backoff of the outbox relay.
    public var relay = OutboxRelay.Settings()
    /// The per-address limit on calls without a token (NOMAD_ANONYMOUS_*,
    /// NOMAD_TRUSTED_FORWARDERS).
    public var anonymousRate = AnonymousRateLimiter.Settings.defaults

    /// Seals personal numbers and stored idempotent responses, and hashes
    /// numbers for lookups (NOMAD_DATA_KEYS, NOMAD_DATA_HASH_KEY). Fresh keys
    /// unless configured: every replica of a service must share the same ones.
    public var dataProtection = DataProtection.ephemeral()

    public static let defaultPorts: [String: (grpc: Int, metrics: Int)] = [
        "identity": (50051, 9051),
        "jobs": (50052, 9052),
        "assets": (50053, 9053),
        "events": (50054, 9054),
        "analytics": (50055, 9055),
    ]

    public init(
        serviceName: String, grpcHost: String = "127.0.0.1", grpcPort: Int, metricsPort: Int,
        metricsHost: String = "127.0.0.1", databaseURL: String, databaseSchema: String,
        databasePoolSize: Int = 10, logLevel: String = "info", logFormat: String = "json",
        tokenIssuer: String = "nomad-identity", tokenAudience: String = "nomad-zone", keys: KeyRing,
        maxRequestBytes: Int = 1 << 20, drainTimeoutSeconds: Double = 20, healthIntervalSeconds: Double = 2
    ) {
        self.serviceName = serviceName
        self.grpcHost = grpcHost
        self.grpcPort = grpcPort
        self.metricsPort = metricsPort
        self.metricsHost = metricsHost
        self.databaseURL = databaseURL
        self.databaseSchema = databaseSchema
        self.databasePoolSize = databasePoolSize
        self.logLevel = logLevel
        self.logFormat = logFormat
        self.tokenIssuer = tokenIssuer
        self.tokenAudience = tokenAudience
        self.keys = keys
        self.maxRequestBytes = maxRequestBytes
        self.drainTimeoutSeconds = drainTimeoutSeconds
        self.healthIntervalSeconds = healthIntervalSeconds
    }

    /// Reads NOMAD_* variables. `signs` is true for identity, the only service
    /// that holds a private key.
    public static func fromEnvironment(service: String, signs: Bool = false, _ env: Environment = Environment()) throws -> NomadConfig {
        let ports = defaultPorts[service] ?? (50050, 9050)
        var signingKey: SigningKey?
        if signs {
            if let encoded = try env.secret("NOMAD_SIGNING_KEY") {
                signingKey = try SigningKey(encoded: encoded)
            } else {
                // A fresh key per start: fine for a local run, and tokens issued
                // before a restart stop working, which is the safe failure.
                signingKey = SigningKey.generate(keyID: "ephemeral-\(UUID().uuidString.prefix(8).lowercased())")
            }
        }
        let verifyKeys = try (env.optionalString("NOMAD_VERIFY_KEYS") ?? "")
            .split(separator: ",").map { try VerificationKey(encoded: String($0).trimmingCharacters(in: .whitespaces)) }
        let url = withPassword(
            env.string("NOMAD_DATABASE_URL", default: "postgres://nomad_\(service)@127.0.0.1:5432/nomad"),
            try env.secret("NOMAD_DATABASE_PASSWORD"))
        let migrationURL = try env.optionalString("NOMAD_MIGRATION_DATABASE_URL").map {
            withPassword($0, try env.secret("NOMAD_MIGRATION_DATABASE_PASSWORD"))
        }
        let format = env.string("NOMAD_LOG_FORMAT", default: "json")
        guard format == "json" || format == "text" else { throw ConfigError.invalid("NOMAD_LOG_FORMAT", "json or text") }
        var config = NomadConfig(
            serviceName: service,
            grpcHost: env.string("NOMAD_GRPC_HOST", default: "127.0.0.1"),
            grpcPort: try env.int("NOMAD_GRPC_PORT", default: ports.grpc),
            metricsPort: try env.int("NOMAD_METRICS_PORT", default: ports.metrics),
            metricsHost: env.string("NOMAD_METRICS_HOST", default: "127.0.0.1"),
            databaseURL: url,
            databaseSchema: env.string("NOMAD_DATABASE_SCHEMA", default: service),
            databasePoolSize: try env.int("NOMAD_DATABASE_POOL_SIZE", default: 10),
            logLevel: env.string("NOMAD_LOG_LEVEL", default: "info"),
            logFormat: format,
            tokenIssuer: env.string("NOMAD_TOKEN_ISSUER", default: "nomad-identity"),
            tokenAudience: env.string("NOMAD_TOKEN_AUDIENCE", default: "nomad-zone"),
            keys: KeyRing(signingKey: signingKey, verificationKeys: verifyKeys),
            maxRequestBytes: try env.int("NOMAD_MAX_REQUEST_BYTES", default: 1 << 20),
            drainTimeoutSeconds: try env.seconds("NOMAD_DRAIN_TIMEOUT_SECONDS", default: 20),
            healthIntervalSeconds: try env.seconds("NOMAD_HEALTH_INTERVAL_SECONDS", default: 2)
        )
        config.migrationDatabaseURL = migrationURL
        config.idempotencyRetentionHours = try env.seconds("NOMAD_IDEMPOTENCY_RETENTION_HOURS", default: 24)
        config.tlsCertificateFile = env.optionalString("NOMAD_TLS_CERT_FILE")
        config.tlsKeyFile = env.optionalString("NOMAD_TLS_KEY_FILE")
        config.tlsClientCAFile = env.optionalString("NOMAD_TLS_CLIENT_CA_FILE")
        config.analyticsAddress = env.optionalString("NOMAD_ANALYTICS_ADDRESS")
        config.analyticsCAFile = env.optionalString("NOMAD_ANALYTICS_CA_FILE")
        config.identityAddress = env.optionalString("NOMAD_IDENTITY_ADDRESS")
        config.identityCAFile = env.optionalString("NOMAD_IDENTITY_CA_FILE")
        config.revocationPollSeconds = try env.seconds("NOMAD_REVOCATION_POLL_SECONDS", default: 2)
        guard config.revocationPollSeconds >= 0.1 else {
            throw ConfigError.invalid("NOMAD_REVOCATION_POLL_SECONDS", "at least 0.1")
        }
        if let address = config.identityAddress {
            _ = try ServiceAddress(address, variable: "NOMAD_IDENTITY_ADDRESS")
        }
        let maxBackoff = try env.seconds("NOMAD_RELAY_MAX_BACKOFF_SECONDS", default: 30)
        guard maxBackoff >= 0.2 else {
            throw ConfigError.invalid("NOMAD_RELAY_MAX_BACKOFF_SECONDS", "at least 0.2 (the first retry's delay)")
        }
        config.relay.maxBackoff = .milliseconds(Int64(maxBackoff * 1000))
        config.anonymousRate = try anonymousRate(env)
        if let encoded = try env.secret("NOMAD_SERVICE_TOKEN_KEY") {
            do { config.serviceTokenKey = try SigningKey(encoded: encoded) } catch {
                throw ConfigError.invalid("NOMAD_SERVICE_TOKEN_KEY", "expected kid:base64url(32-byte Ed25519 seed)")
            }
        }
        if let protection = try DataProtection.fromEnvironment(env) {
            config.dataProtection = protection
        } else {
            FileHandle.standardError.write(
                Data(
                    "nomad-\(service): warning: NOMAD_DATA_KEYS and NOMAD_DATA_HASH_KEY are not set; personal numbers are sealed with ephemeral keys and cannot be read after a restart\n"
                        .utf8))
        }
        if config.analyticsAddress != nil, config.serviceTokenKey == nil {
            throw ConfigError.invalid("NOMAD_ANALYTICS_ADDRESS", "needs NOMAD_SERVICE_TOKEN_KEY to authenticate the relay")
        }
        if config.identityAddress != nil, config.serviceTokenKey == nil, service != "identity" {
            throw ConfigError.invalid("NOMAD_IDENTITY_ADDRESS", "needs NOMAD_SERVICE_TOKEN_KEY to read identity's revocation list")
        }
        if (config.tlsCertificateFile == nil) != (config.tlsKeyFile == nil) {
            throw ConfigError.invalid("NOMAD_TLS_CERT_FILE", "NOMAD_TLS_CERT_FILE and NOMAD_TLS_KEY_FILE go together")
        }
        if config.tlsClientCAFile != nil, config.tlsCertificateFile == nil {
            throw ConfigError.invalid("NOMAD_TLS_CLIENT_CA_FILE", "needs NOMAD_TLS_CERT_FILE and NOMAD_TLS_KEY_FILE")
        }
        return config
    }

    /// A password from its own variable (a container secret) goes into a URL that has none.
    private static func withPassword(_ url: String, _ password: String?) -> String {
        guard let password, var components = URLComponents(string: url), components.password == nil else { return url }
        components.password = password
        return components.string ?? url
    }

    /// NOMAD_ANONYMOUS_RATE_PER_SECOND (0 turns the limit off),
    /// NOMAD_ANONYMOUS_BURST and NOMAD_TRUSTED_FORWARDERS (IP addresses or CIDR networks, comma-separated).
    static func anonymousRate(_ env: Environment) throws -> AnonymousRateLimiter.Settings {
        let defaults = AnonymousRateLimiter.Settings.defaults
        let rate = try env.seconds("NOMAD_ANONYMOUS_RATE_PER_SECOND", default: defaults.ratePerSecond)
        let burst = try env.seconds("NOMAD_ANONYMOUS_BURST", default: max(defaults.burst, rate * 2))
        guard rate == 0 || burst >= 1 else { throw ConfigError.invalid("NOMAD_ANONYMOUS_BURST", "at least 1") }
        let forwarders = Set(
            (env.optionalString("NOMAD_TRUSTED_FORWARDERS") ?? "").split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty })
        for entry in forwarders where AddressRange(entry) == nil {
            throw ConfigError.invalid("NOMAD_TRUSTED_FORWARDERS", "not an IP address or a network (CIDR): \(entry)")
        }
        return .init(ratePerSecond: rate, burst: burst, trustedForwarders: forwarders)
    }

    public var serviceTokens: ServiceTokens? {
        serviceTokenKey.map { ServiceTokens(key: $0) }
    }

    public var accessTokens: AccessTokens {
        AccessTokens(issuer: tokenIssuer, audience: tokenAudience, keys: keys)
    }
}
