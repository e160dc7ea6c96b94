import Foundation
import Logging
import NomadKit
import PostgresNIO

/// One row of a service's decision audit (`DecisionAudit`), as tests read it.
public struct AuditRow: Sendable, Equatable {
    public let actorID: UUID
    public let actorDepartment: String
    public let action: String
    public let subject: String
    public let reason: String
    public let before: String?
    public let after: String?
}

extension TestApp {
    /// The audit rows whose subject is `subject`, oldest first.
    public func auditRows(subject: String) async throws -> [AuditRow] {
        try await withSchemaConnection { tx in
            try await tx.query(
                """
                SELECT actor_id, actor_department, action, subject, reason, before::text, after::text
                FROM audit_log WHERE subject = \(subject) ORDER BY sequence
                """
            ).collect().map { row in
                let (actor, department, action, subject, reason, before, after) =
                    try row.decode((UUID, String, String, String, String, String?, String?).self)
                return AuditRow(
                    actorID: actor, actorDepartment: department, action: action, subject: subject, reason: reason,
                    before: before, after: after)
            }
        }
    }

    public func auditCount() async throws -> Int {
        try await withSchemaConnection { tx in
            try await tx.query("SELECT count(*) FROM audit_log").collect().first!.decode(Int.self)
        }
    }

    /// The SQLSTATE `sql` fails with when run as the service's runtime role
    /// (the role it serves with), nil when it succeeds; run in a transaction
    /// rolled back at once either way.
    public func runtimeSQLState(_ sql: String) async throws -> String? {
        let urls = try await TestDatabase.serviceURLs(base: databaseURL, service: app.definition.name, schema: schema)
        let client = try Database.makeClient(url: urls.runtime, schema: schema, poolSize: 1, logger: TestApp.sqlLogger)
        return try await withThrowingTaskGroup(of: String??.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await client.withConnection { connection in
                let tx = Tx(connection: connection, logger: TestApp.sqlLogger)
                try await tx.query("BEGIN")
                do {
                    try await tx.query(PostgresQuery(unsafeSQL: sql))
                    try await tx.query("ROLLBACK")
                    return nil
                } catch let error as PSQLError {
                    try await tx.query("ROLLBACK")
                    return error.serverInfo?[.sqlState] ?? "no sqlstate"
                }
            }
        }
    }
}
