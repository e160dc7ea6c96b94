import Foundation
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// Every transition of a bounty and its applications, appended in the
/// transaction that makes it; the table refuses UPDATE, DELETE and TRUNCATE.
enum BountyAuditStore {
    static func append(
        _ tx: Tx, bountyID: UUID, actor: Principal, action: String,
        applicationID: UUID? = nil, detail: String = ""
    ) async throws {
        try await tx.query(
            """
            INSERT INTO bounty_audit (bounty_id, actor_id, actor_role, action, application_id, detail)
            VALUES (\(bountyID), \(actor.accountID), \(actor.role.rawValue), \(action), \(applicationID), \(detail))
            """)
    }

    /// One entry per application at once, for the losers when the places fill.
    static func appendEach(
        _ tx: Tx, bountyID: UUID, actor: Principal, action: String, applicationIDs: [UUID],
        detail: String = ""
    ) async throws {
        guard !applicationIDs.isEmpty else { return }
        try await tx.query(
            """
            INSERT INTO bounty_audit (bounty_id, actor_id, actor_role, action, application_id, detail)
            SELECT \(bountyID), \(actor.accountID), \(actor.role.rawValue), \(action), a, \(detail)
            FROM unnest(\(applicationIDs)::uuid[]) WITH ORDINALITY AS t(a, n) ORDER BY n
            """)
    }

    /// In the order the transitions happened.
    static func list(_ tx: Tx, bountyID: UUID, page: Page) async throws -> [Nomad_Jobs_V1_BountyAuditEntry] {
        try await tx.query(
            """
            SELECT at, actor_id, actor_role, action, application_id, detail FROM bounty_audit
            WHERE bounty_id = \(bountyID) ORDER BY sequence LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """
        ).collect().map { row in
            let (at, actor, role, action, application, detail) =
                try row.decode((Date, UUID, String, String, UUID?, String).self)
            return .with {
                $0.at = .init(date: at)
                $0.actorID = actor.text
                $0.actorRole = role
                $0.action = action
                $0.applicationID = application?.text ?? ""
                $0.detail = detail
            }
        }
    }
}
