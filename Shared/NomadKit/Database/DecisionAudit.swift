import Foundation
import Logging
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// The one shape of every service's record of officers' (and admins')
/// decisions: who, their department, when, what on which subject, why, and
/// the subject before and after as JSON. Each service keeps it as its own
/// `audit_log` table (identity's first migration made it; the others add it
/// with `DecisionAudit.createTable`), declared append-only so the runtime role
/// may only insert and read it, and guarded by a trigger against the owner too.
/// A decision appends its row in its own transaction, so
/// the decision and its record commit or fail together.
public enum DecisionAudit {
    public static let table = "audit_log"

    /// The migration SQL, the same as identity's original table.
    public static let createTable = """
        CREATE TABLE audit_log (
          sequence bigserial PRIMARY KEY,
          at timestamptz NOT NULL DEFAULT now(),
          actor_id uuid NOT NULL,
          actor_department text NOT NULL DEFAULT '',
          action text NOT NULL,
          subject text NOT NULL,
          reason text NOT NULL DEFAULT '',
          before jsonb,
          after jsonb
        );
        CREATE INDEX audit_log_subject ON audit_log (subject, sequence);
        CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'audit_log is append-only';
        END;
        $$;
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
          FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
        """

    /// `before` and `after` are JSON texts (nil when there was nothing
    /// before, or nothing is left after).
    public static func append(
        _ tx: Tx, actor: Principal, action: String, subject: String, reason: String = "",
        before: String?, after: String?
    ) async throws {
        try await tx.query(
            """
            INSERT INTO audit_log (actor_id, actor_department, action, subject, reason, before, after)
            VALUES (\(actor.accountID), \(actor.department ?? ""), \(action), \(subject), \(reason), \(before)::jsonb,
              \(after)::jsonb)
            """)
    }

    /// The same, with the subject's API messages as before and after (in
    /// proto JSON, as a reader of the API would recognise them).
    public static func record(
        _ tx: Tx, actor: Principal, action: String, subject: String, reason: String = "",
        before: (any SwiftProtobuf.Message)?, after: (any SwiftProtobuf.Message)?
    ) async throws {
        try await append(
            tx, actor: actor, action: action, subject: subject, reason: reason,
            before: try before?.jsonString(), after: try after?.jsonString())
    }

    /// A flat JSON object for decisions whose subject has no message of its
    /// own to render (a rate, a freeze); keys sorted so rows compare.
    public static func json(_ fields: [String: String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// The entries, oldest first, of one department (nil: every department),
    /// optionally of one subject or one actor; `page.fetchLimit` rows.
    public static func list(
        _ tx: Tx, department: String?, subject: String?, actor: UUID?, page: Page
    ) async throws -> [Nomad_Common_V1_AuditEntry] {
        try await tx.query(
            """
            SELECT sequence, at, actor_id, actor_department, action, subject, reason,
              coalesce(before::text, ''), coalesce(after::text, '')
            FROM audit_log
            WHERE (\(department)::text IS NULL OR actor_department = \(department))
              AND (\(subject)::text IS NULL OR subject = \(subject))
              AND (\(actor)::uuid IS NULL OR actor_id = \(actor))
            ORDER BY sequence LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """
        ).collect().map { row in
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
