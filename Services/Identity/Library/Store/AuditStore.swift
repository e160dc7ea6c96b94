import Foundation
import NomadKit
import NomadProtos
import PostgresNIO

/// The append-only log of officers' (and admins') decisions.
enum AuditStore {
    /// Identity's table is where the chassis' shared shape came from.
    static func append(
        _ tx: Tx, actor: Principal, action: String, subject: String, reason: String = "",
        before: String?, after: String?
    ) async throws {
        try await DecisionAudit.append(
            tx, actor: actor, action: action, subject: subject, reason: reason, before: before, after: after)
    }

    static func list(
        _ tx: Tx, department: String?, subject: String?, actor: UUID?, page: Page
    ) async throws -> [Nomad_Identity_V1_AuditEntry] {
        try await tx.query("""
            SELECT sequence, at, actor_id, actor_department, action, subject, reason,
              coalesce(before::text, ''), coalesce(after::text, '')
            FROM audit_log
            WHERE (\(department)::text IS NULL OR actor_department = \(department))
              AND (\(subject)::text IS NULL OR subject = \(subject))
              AND (\(actor)::uuid IS NULL OR actor_id = \(actor))
            ORDER BY sequence LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """).collect().map { row in
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
