import Foundation
import Logging
import PostgresNIO

/// One numbered step of a schema's history. Never edit a released migration:
/// add the next number.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(_ version: Int, _ name: String, _ sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// Applies the chassis' tables and a service's migrations to its schema, in one
/// transaction under an advisory lock: N replicas starting together apply each
/// step exactly once, and a failed step leaves nothing half-done.
///
/// With a migration URL (the owner role, see `ServiceRoles`) the migrations
/// run on a connection of their own as the owner, and the same transaction
/// then restates the runtime role's grants (`RuntimeGrants`). Without one the
/// service's own pool migrates, and the one role owns what it serves: the
/// append-only tables are then guarded by their triggers alone.
public enum Migrator {
    public static func migrate(
        _ database: Database, component: String, migrations: [Migration], appendOnlyTables: [String] = [],
        migrationURL: String? = nil, runtimeRole: String? = nil, logger: Logger
    ) async throws {
        let schema = database.schema
        precondition(Database.isValidSchemaName(schema))
        let sorted = migrations.sorted { $0.version < $1.version }
        precondition(Set(sorted.map(\.version)).count == sorted.count, "duplicate migration version in \(component)")
        guard let migrationURL else {
            try await run(on: database.client, schema: schema, component: component, migrations: sorted, grants: [], logger: logger)
            return
        }
        var grants: [String] = []
        if let runtimeRole, runtimeRole != ServiceRoles.user(of: migrationURL) {
            grants = RuntimeGrants.statements(schema: schema, runtime: runtimeRole, appendOnlyTables: appendOnlyTables)
        }
        // One connection, for the length of the migration only: the owner's
        // credentials are not held by a pool that serves calls.
        let owner = try Database.makeClient(url: migrationURL, schema: schema, poolSize: 1, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await owner.run() }
            defer { group.cancelAll() }
            try await run(on: owner, schema: schema, component: component, migrations: sorted, grants: grants, logger: logger)
        }
    }

    private static func run(
        on client: PostgresClient, schema: String, component: String, migrations sorted: [Migration],
        grants: [String], logger: Logger
    ) async throws {
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                let lockKey = "nomad-migrate:\(schema)"
                try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(lockKey)))", logger: logger)
                let exists =
                    try await connection.query(
                        "SELECT 1 FROM pg_namespace WHERE nspname = \(schema)", logger: logger
                    ).collect().count > 0
                if !exists {
                    try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \"\(schema)\""), logger: logger)
                }
                try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL search_path TO \"\(schema)\""), logger: logger)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                      component text NOT NULL,
                      version integer NOT NULL,
                      name text NOT NULL,
                      applied_at timestamptz NOT NULL DEFAULT now(),
                      PRIMARY KEY (component, version)
                    )
                    """, logger: logger)
                try await apply(ChassisMigrations.all, component: "nomadkit", on: connection, logger: logger)
                try await apply(sorted, component: component, on: connection, logger: logger)
                // Grants rewrite the schema's and tables' catalog rows, which a
                // concurrent bootstrap of the same schema also writes ("tuple
                // concurrently updated"): wait for it (it holds this key).
                if !grants.isEmpty {
                    try await connection.query(
                        "SELECT pg_advisory_xact_lock(\(ServiceRoles.bootstrapLockKey))", logger: logger)
                }
                for statement in grants {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    private static func apply(
        _ migrations: [Migration], component: String, on connection: PostgresConnection, logger: Logger
    ) async throws {
        var applied = Set<Int>()
        for try await version in try await connection.query(
            "SELECT version FROM schema_migrations WHERE component = \(component)", logger: logger
        ).decode(Int.self) {
            applied.insert(version)
        }
        for migration in migrations where !applied.contains(migration.version) {
            logger.info(
                "applying migration",
                metadata: [
                    "component": "\(component)", "version": "\(migration.version)", "name": "\(migration.name)",
                ])
            // postgres-nio sends every query as a prepared statement, which
            // holds one command; PL/pgSQL's EXECUTE runs a whole script.
            let body = "$nomad_migration_body$", block = "$nomad_migration_do$"
            precondition(!migration.sql.contains(body) && !migration.sql.contains(block))
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: "DO \(block) BEGIN EXECUTE \(body)\(migration.sql)\(body); END \(block)"), logger: logger)
            try await connection.query(
                """
                INSERT INTO schema_migrations (component, version, name)
                VALUES (\(component), \(migration.version), \(migration.name))
                """, logger: logger)
        }
    }
}

/// Tables every service has: idempotency keys and the transactional outbox.
enum ChassisMigrations {
    static let all = [
        Migration(
            1, "idempotency_and_outbox",
            """
            CREATE TABLE idempotency_keys (
              caller text NOT NULL,
              method text NOT NULL,
              request_id text NOT NULL,
              request_hash bytea NOT NULL,
              response bytea,
              created_at timestamptz NOT NULL DEFAULT now(),
              PRIMARY KEY (caller, method, request_id)
            );
            CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

            CREATE TABLE outbox (
              id uuid PRIMARY KEY,
              type text NOT NULL,
              schema_version integer NOT NULL,
              subject_ids jsonb NOT NULL,
              payload jsonb NOT NULL,
              occurred_at timestamptz NOT NULL DEFAULT now(),
              delivered_at timestamptz
            );
            CREATE INDEX outbox_undelivered ON outbox (occurred_at) WHERE delivered_at IS NULL;
            """),
        Migration(2, "one_statement_mutations", OneStatementMutation.migration),
        // The W3C traceparent of the request that wrote the event, so the
        // relay's batch can link back to it (null for rows written outside a
        // span). SQL functions leave it to the default, which reads what the
        // calling statement set (`OneStatementMutation.sql`).
        Migration(
            3, "outbox_traceparent",
            """
            ALTER TABLE outbox ADD COLUMN traceparent text
              DEFAULT nullif(current_setting('nomad.traceparent', true), '');
            """),
    ]
}
