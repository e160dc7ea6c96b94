import Foundation
import GRPCCore
import Logging
import NomadProtos
import PostgresNIO
import SwiftProtobuf
import Synchronization

/// The service's PostgreSQL pool, confined to its own schema by the role's
/// search_path. Every mutation runs through `transaction`, which also refuses
/// to commit once the caller's deadline has passed or the call was cancelled.
public struct Database: Sendable {
    public let client: PostgresClient
    public let schema: String
    let logger: Logger
    /// Seals the responses kept for retries: one may hold a card or document number.
    public let protection: DataProtection
    let lastAnswer = LastAnswer()

    public init(client: PostgresClient, schema: String, logger: Logger, protection: DataProtection) {
        self.client = client
        self.schema = schema
        self.logger = logger
        self.protection = protection
    }

    /// postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require]
    public static func makeClient(url: String, schema: String, poolSize: Int, logger: Logger) throws -> PostgresClient {
        guard Self.isValidSchemaName(schema) else {
            throw ConfigError.invalid("NOMAD_DATABASE_SCHEMA", "a lower-case SQL identifier")
        }
        guard let components = URLComponents(string: url), components.scheme == "postgres" || components.scheme == "postgresql",
            let host = components.host, let user = components.user
        else { throw ConfigError.invalid("NOMAD_DATABASE_URL", "expected postgres://user@host:port/database") }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let sslMode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "disable"
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case "disable": tls = .disable
        case "prefer": tls = .prefer(.makeClientConfiguration())
        case "require": tls = .require(.makeClientConfiguration())
        default: throw ConfigError.invalid("NOMAD_DATABASE_URL", "sslmode must be disable, prefer or require")
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user,
            password: components.password?.removingPercentEncoding, database: database.isEmpty ? nil : database, tls: tls)
        configuration.options.maximumConnections = max(1, poolSize)
        configuration.options.connectTimeout = .seconds(5)
        // Every connection starts inside the service's own schema, so queries
        // never name it and a test can run the same code in a schema of its own.
        configuration.options.additionalStartupParameters = [("search_path", schema)]
        return PostgresClient(configuration: configuration, backgroundLogger: logger)
    }

    public static func isValidSchemaName(_ name: String) -> Bool {
        name.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil
    }

    public func transaction<Result: Sendable>(
        _ body: (Tx) async throws -> Result
    ) async throws -> Result {
        let logger = self.logger
        return try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                let result = try await body(Tx(connection: connection, logger: logger))
                // Finishing after the caller has given up would change data the
                // caller believes unchanged; roll back instead.
                try RequestContext.current.checkNotCancelled()
                try await connection.query("COMMIT", logger: logger)
                lastAnswer.mark()
                return result
            } catch {
                do {
                    try await connection.query("ROLLBACK", logger: logger)
                    lastAnswer.mark()
                } catch {
                    logger.warning("rollback failed", metadata: ["error": "\(String(reflecting: error))"])
                }
                throw error
            }
        }
    }

    /// A mutating RPC's body: one transaction, run once per (caller, method,
    /// request_id) (see `Idempotency`); the method is the call's own. The
    /// request_id was checked as the message arrived (`ObservabilityInterceptor`).
    public func mutation<Response: SwiftProtobuf.Message & Sendable>(
        _ request: some IdempotentRequest, _ body: (Tx) async throws -> Response
    ) async throws -> Response {
        try await mutation(requestID: request.requestID, fingerprint: request, body)
    }

    /// The same for a request whose id travels inside a streamed message (an
    /// upload's header, whose rules check the id as it arrives): `fingerprint`
    /// stands for what a retry must repeat.
    public func mutation<Response: SwiftProtobuf.Message & Sendable>(
        requestID: String, fingerprint: some SwiftProtobuf.Message, _ body: (Tx) async throws -> Response
    ) async throws -> Response {
        if requestID.isEmpty { throw NomadError.required("request_id") }
        let context = RequestContext.current
        return try await transaction { tx in
            try await Idempotency.once(
                tx, method: context.method, requestID: requestID, request: fingerprint, caller: context.principal,
                protection: protection
            ) { try await body(tx) }
        }
    }

    /// One statement, which PostgreSQL runs as its own transaction: no
    /// BEGIN and COMMIT round trips around it. Sent only while the caller
    /// still waits, since once sent it commits.
    public func statement<Result: Sendable>(_ body: (Tx) async throws -> Result) async throws -> Result {
        try RequestContext.current.checkNotCancelled()
        return try await read(body)
    }

    /// Reads that must agree with one another (a report, a statement of
    /// account): one read-only transaction on a single snapshot.
    public func snapshot<Result: Sendable>(_ body: (Tx) async throws -> Result) async throws -> Result {
        try await transaction { tx in
            try await tx.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return try await body(tx)
        }
    }

    /// A read outside any explicit transaction.
    public func read<Result: Sendable>(_ body: (Tx) async throws -> Result) async throws -> Result {
        let logger = self.logger
        let result = try await client.withConnection { connection in try await body(Tx(connection: connection, logger: logger)) }
        lastAnswer.mark()
        return result
    }

    /// Whether the server answered a call within `window`. Under load every
    /// pooled connection is busy and a ping waits in the queue behind the
    /// calls; those calls completing is proof enough that the database is there.
    public func answered(within window: Duration) -> Bool {
        lastAnswer.isWithin(window)
    }

    /// Whether the database answers within `timeout`. A pool that cannot
    /// connect queues requests rather than failing them, so the wait is bounded here.
    public func ping(timeout: Duration) async -> Bool {
        let client = self.client, logger = self.logger
        // A race that returns at the timeout even when the query does not: a
        // query waiting in the pool for a connection to a stopped server is
        // not cancellable (it waits for the pool's own circuit breaker, 15 s),
        // and a task group would wait for it, so three "2 s" pings took 45 s
        // and more to report an outage. The abandoned query ends on its own.
        let answer = FirstAnswer()
        return await withCheckedContinuation { continuation in
            let query = Task {
                let ok: Bool
                do {
                    try await client.query("SELECT 1", logger: logger)
                    ok = true
                } catch {
                    ok = false
                }
                if answer.claim() { continuation.resume(returning: ok) }
            }
            Task {
                try? await Task.sleep(for: timeout)
                if answer.claim() {
                    query.cancel()
                    continuation.resume(returning: false)
                }
            }
        }
    }
}

/// Lets exactly one of several racers resume a continuation.
private final class FirstAnswer: Sendable {
    private let claimed = Atomic<Bool>(false)

    func claim() -> Bool {
        !claimed.exchange(true, ordering: .acquiringAndReleasing)
    }
}

/// When the database last completed a call.
final class LastAnswer: Sendable {
    private static let origin = ContinuousClock.now
    private let nanoseconds = Atomic<Int64>(Int64.min)

    func mark() {
        let elapsed = ContinuousClock.now - Self.origin
        nanoseconds.store(
            elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000,
            ordering: .relaxed)
    }

    func isWithin(_ window: Duration) -> Bool {
        let last = nanoseconds.load(ordering: .relaxed)
        guard last != Int64.min else { return false }
        let now = ContinuousClock.now - Self.origin
        let nowNanos = now.components.seconds * 1_000_000_000 + now.components.attoseconds / 1_000_000_000
        let windowNanos = window.components.seconds * 1_000_000_000 + window.components.attoseconds / 1_000_000_000
        return nowNanos - last <= windowNanos
    }
}

extension PSQLError {
    /// The SQLSTATE the server reported, if the error came from the server.
    public var sqlState: String? { serverInfo?[.sqlState] }

    public var constraintName: String? { serverInfo?[.constraintName] }

    public var isUniqueViolation: Bool { sqlState == PostgresError.Code.uniqueViolation.raw }

    public var isSerializationFailure: Bool {
        sqlState == PostgresError.Code.serializationFailure.raw || sqlState == PostgresError.Code.deadlockDetected.raw
    }

    /// Class 22 (data exception: a number out of range, a malformed date, a
    /// NUL byte) and 54000 (a value too large for an index): what PostgreSQL
    /// says about a value, never about our SQL or the server.
    public var isRefusedValue: Bool {
        guard let sqlState else { return false }
        return sqlState.hasPrefix("22") || sqlState == "54000"
    }
}
