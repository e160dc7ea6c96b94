import Foundation
import Logging
import NomadKit
import NomadTesting
import PostgresNIO
import Testing

/// Each service serves as a runtime role that owns nothing (ServiceRoles):
/// what its tables hold is bounded by grants, not by the service's good
/// behaviour. Connected as the very role the running processes use, after
/// they migrated: nothing here may unprotect an append-only table.
@Suite struct DatabaseRoleTests {
    /// Every append-only table, with its trigger where it has one.
    static let appendOnly: [(service: String, table: String, trigger: String?)] = [
        ("identity", "audit_log", "audit_log_no_update"),
        ("identity", "certification_history", nil),
        ("jobs", "bounty_audit", "bounty_audit_no_change"),
        ("assets", "ledger_entries", "ledger_entries_append_only"),
        ("assets", "ledger_transactions", nil),
        ("assets", "pool_reads", nil),
        ("assets", "ownership_changes", nil),
        ("assets", "registry_entries", nil),
        ("analytics", "ingested_events", nil),
        // Every service's record of officers' decisions (DecisionAudit).
        ("jobs", "audit_log", "audit_log_no_update"),
        ("assets", "audit_log", "audit_log_no_update"),
        ("events", "audit_log", "audit_log_no_update"),
        ("analytics", "audit_log", "audit_log_no_update"),
    ]

    @Test func theRuntimeRoleCannotDisableDropTruncateOrRewriteAppendOnlyTables() async throws {
        try await WholeSuite.run { suite in
            for (service, table, trigger) in Self.appendOnly {
                let member = suite[service]
                try await Self.asRuntime(member) { connection in
                    let column = try await Self.firstColumn(of: table, on: connection)
                    var refused = [
                        "ALTER TABLE \(table) DISABLE TRIGGER ALL",
                        "TRUNCATE \(table)",
                        "DROP TABLE \(table)",
                        "DELETE FROM \(table)",
                        "UPDATE \(table) SET \(column) = \(column)",
                        "ALTER TABLE \(table) OWNER TO \(ServiceRoles(service: service).runtime)",
                        "SET ROLE \(ServiceRoles(service: service).owner)",
                    ]
                    if let trigger {
                        refused += ["DROP TRIGGER \(trigger) ON \(table)", "ALTER TABLE \(table) DISABLE TRIGGER \(trigger)"]
                    }
                    for sql in refused {
                        let state = try await Self.sqlState(of: sql, on: connection)
                        #expect(state == "42501", "\(service): \(sql)")
                    }
                    // Reading stays allowed: the service reads its own record.
                    let state = try await Self.sqlState(of: "SELECT count(*) FROM \(table)", on: connection)
                    #expect(state == nil, "\(service).\(table)")
                }
            }
            // Ordinary tables stay writable, and the schema's history is the owner's.
            try await Self.asRuntime(suite["identity"]) { connection in
                let update = try await Self.sqlState(of: "UPDATE outbox SET delivered_at = delivered_at WHERE false", on: connection)
                #expect(update == nil)
                let history = try await Self.sqlState(of: "DELETE FROM schema_migrations", on: connection)
                #expect(history == "42501")
                let create = try await Self.sqlState(of: "CREATE TABLE sneaky (id int)", on: connection)
                #expect(create == "42501")
            }
        }
    }

    /// Every service's roles, runtime and owner, against every other
    /// service's schema: no read, no write, no new object. Each schema has the
    /// chassis' `outbox` and `idempotency_keys`, so one list of statements
    /// fits all five.
    @Test func noServicesRolesCanReadOrWriteAnotherServicesSchema() async throws {
        try await WholeSuite.run { suite in
            let services = WholeSuite.services
            for service in services {
                let member = suite[service]
                let roles = [("runtime", member.roleURLs.runtime), ("owner", member.roleURLs.migration)]
                for (kind, url) in roles {
                    try await Self.connect(url, schema: member.schema) { connection in
                        for other in services where other != service {
                            let schema = suite[other].schema
                            let statements = [
                                "SELECT count(*) FROM \(schema).outbox",
                                "SELECT count(*) FROM \(schema).idempotency_keys",
                                "INSERT INTO \(schema).outbox (id, type, schema_version, subject_ids, payload) "
                                    + "VALUES (gen_random_uuid(), 'x', 1, '{}', '{}')",
                                "UPDATE \(schema).outbox SET delivered_at = now()",
                                "DELETE FROM \(schema).idempotency_keys",
                                "CREATE TABLE \(schema).sneaky (id int)",
                            ]
                            for sql in statements {
                                let state = try await Self.sqlState(of: sql, on: connection)
                                #expect(state == "42501", "\(service) \(kind) role: \(sql)")
                            }
                        }
                        // Its own schema stays readable: the refusals above are about the other schemas.
                        #expect(try await Self.sqlState(of: "SELECT count(*) FROM outbox", on: connection) == nil, "\(service) \(kind)")
                    }
                }
            }
        }
    }

    static let logger = Logger(label: "tests.roles")

    static func asRuntime(_ member: SuiteService, _ body: @escaping @Sendable (PostgresConnection) async throws -> Void) async throws {
        try await connect(member.roleURLs.runtime, schema: member.schema, body)
    }

    static func connect(_ url: String, schema: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> Void) async throws {
        var quiet = logger
        quiet.logLevel = .error
        let client = try Database.makeClient(url: url, schema: schema, poolSize: 1, logger: quiet)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await client.withConnection { connection in try await body(connection) }
        }
    }

    /// nil when `sql` succeeds (inside a transaction rolled back at once, so a
    /// statement that should have been refused changes nothing), else its SQLSTATE.
    static func sqlState(of sql: String, on connection: PostgresConnection) async throws -> String? {
        try await connection.query("BEGIN", logger: logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            try await connection.query("ROLLBACK", logger: logger)
            return nil
        } catch let error as PSQLError {
            try await connection.query("ROLLBACK", logger: logger)
            return error.serverInfo?[.sqlState] ?? "no sqlstate: \(String(reflecting: error))"
        }
    }

    /// A column an UPDATE may name (identity columns refuse any UPDATE before privileges are checked).
    static func firstColumn(of table: String, on connection: PostgresConnection) async throws -> String {
        let rows = try await connection.query(
            """
            SELECT column_name::text FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = \(table)
              AND is_identity = 'NO' AND is_generated = 'NEVER'
            ORDER BY ordinal_position LIMIT 1
            """, logger: logger
        ).collect()
        return try #require(try rows.first?.decode(String.self))
    }
}
