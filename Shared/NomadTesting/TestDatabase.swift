import Foundation
import Logging
import NomadKit
import NomadLocal
import PostgresNIO
import Synchronization

/// The PostgreSQL the tests of one process share: NOMAD_TEST_DATABASE_URL
/// when given, else a throwaway cluster started on first use and stopped by
/// its watchdog when the test process exits. Each test gets a schema of its
/// own, so tests run in parallel without seeing each other's rows.
public enum TestDatabase {
    private static let cluster = Mutex<Result<String, any Error>?>(nil)

    /// The server's base URL (superuser, database "postgres").
    public static func baseURL() throws -> String {
        try cluster.withLock { state in
            if let state { return try state.get() }
            let result = Result<String, any Error> {
                if let url = ProcessInfo.processInfo.environment["NOMAD_TEST_DATABASE_URL"], !url.isEmpty {
                    return url
                }
                let postgres = try LocalPostgres.start()
                return postgres.url()
            }
            state = result
            return try result.get()
        }
    }

    /// The two URLs a service under test uses, as in production: it migrates
    /// as `nomad_<service>_owner` and serves as `nomad_<service>`, which owns
    /// nothing (see `ServiceRoles`). Creates the roles and `schema` on the
    /// server of `base` (a superuser URL) first. The roles are shared by every
    /// schema of that service in the test cluster; their password is fixed, so
    /// a NOMAD_TEST_DATABASE_URL server may use password authentication.
    public static func serviceURLs(base: String, service: String, schema: String) async throws -> DatabaseRoleURLs {
        guard var components = URLComponents(string: base) else {
            throw ConfigError.invalid("NOMAD_TEST_DATABASE_URL", "expected postgres://user@host:port/database")
        }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let roles = ServiceRoles(service: service, schema: schema)
        let statements = roles.bootstrapStatements(
            database: path.isEmpty ? "postgres" : path, ownerPassword: rolePassword, runtimePassword: rolePassword)
        var logger = Logger(label: "tests.roles")
        logger.logLevel = .error
        let client = try Database.makeClient(url: base, schema: "public", poolSize: 1, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await client.withConnection { connection in
                let lock = ServiceRoles.bootstrapLockKey
                try await connection.query(PostgresQuery(unsafeSQL: "SELECT pg_advisory_lock(\(lock))"), logger: logger)
                do {
                    for statement in statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                } catch {
                    _ = try? await connection.query(PostgresQuery(unsafeSQL: "SELECT pg_advisory_unlock(\(lock))"), logger: logger)
                    throw error
                }
                try await connection.query(PostgresQuery(unsafeSQL: "SELECT pg_advisory_unlock(\(lock))"), logger: logger)
            }
        }
        components.password = rolePassword
        components.user = roles.runtime
        let runtime = components.string ?? base
        components.user = roles.owner
        let migration = components.string ?? base
        return DatabaseRoleURLs(runtime: runtime, migration: migration)
    }

    static let rolePassword = "nomad-test-role"

    /// A fresh schema name; the service's migrator creates it.
    public static func freshSchema(prefix: String = "t") -> String {
        "\(prefix)_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased())"
    }
}

/// A service's runtime and migration URLs (see `TestDatabase.serviceURLs`).
public struct DatabaseRoleURLs: Sendable {
    public let runtime: String
    public let migration: String
}
