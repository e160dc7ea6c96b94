import Foundation
import NomadKit
import NomadProtos
import PostgresNIO

/// The append-only log of officers' (and admins') decisions.
enum AuditStore {
    /// Identity's table is where the chassis' shared shape came from.
    static func append(
        _ connection: PostgresConnection, actor: Principal, action: String, subject: String, reason: String = "",
        before: String?, after: String?, logger: Logger
    ) async throws {
        try await DecisionAudit.append(
            connection, actor: actor, action: action, subject: subject, reason: reason, before: before, after: after,
            logger: logger)
    }

    static func list(
        _ connection: PostgresConnection, department: String?, subject: String?, actor: UUID?, page: Page, logger: Logger
    ) async throws -> [Nomad_Identity_V1_AuditEntry] {
        try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT sequence, at, actor_id, actor_department, action, subject, reason,
              coalesce(before::text, ''), coalesce(after::text, '')
            FROM audit_log
            WHERE ($1::text IS NULL OR actor_department = $1) AND ($2::text IS NULL OR subject = $2)
              AND ($3::uuid IS NULL OR actor_id = $3)
            ORDER BY sequence LIMIT $4 OFFSET $5
            """, binds: binds(department, subject, actor, page.fetchLimit, page.offset)), logger: logger).collect().map { row in
            let (sequence, at, actorID, department, action, subject, reason, before, after) =
                try row.decode((Int64, Date, UUID, String, String, String, String, String, String).self)
            return .with {
                $0.sequence = sequence
                $0.at = .init(date: at)
                $0.actorID = actorID.uuidString.lowercased()
                $0.actorDepartment = department
                $0.action = action
                $0.subject = subject
                $0.reason = reason
                $0.beforeJson = before
                $0.afterJson = after
            }
        }
    }
}
