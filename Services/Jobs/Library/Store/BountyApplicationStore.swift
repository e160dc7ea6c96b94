import Foundation
import GRPCCore
import NomadKit
import PostgresNIO

/// An application to a bounty with its members (the lead not included).
struct BountyApplicationRecord: Sendable {
    var id: UUID
    var bountyID: UUID
    var leadID: UUID
    var kind: Int16
    var teamName: String
    var members: [UUID] = []
    var proposal: String
    var evidenceHash: String
    var status: Int16
    var reviewReason: String
    var signedAt: Date?
    var createdAt: Date
    var updatedAt: Date
}

enum BountyApplicationStore {
    private static let columns = """
        id, bounty_id, lead_id, kind, team_name, proposal, evidence_hash, status, review_reason, signed_at, created_at, updated_at
        """

    /// A lead's second application to the same bounty is ALREADY_EXISTS.
    static func insert(
        _ tx: Tx, id: UUID, bountyID: UUID, lead: UUID, draft: ApplicationDraft
    ) async throws {
        do {
            try await tx.query(
                """
                INSERT INTO bounty_applications (id, bounty_id, lead_id, kind, team_name, proposal, evidence_hash)
                VALUES (\(id), \(bountyID), \(lead), \(draft.kind), \(draft.teamName), \(draft.proposal), \(draft.evidenceHash))
                """)
        } catch let error as PSQLError where error.isUniqueViolation {
            throw NomadError(.alreadyExists, zh: "您已为该榜单提交过申请", en: "You have already applied to this bounty")
        }
        for (position, member) in draft.members.enumerated() {
            try await tx.query(
                """
                INSERT INTO bounty_application_members (application_id, position, member_id)
                VALUES (\(id), \(position), \(member))
                """)
        }
    }

    static func find(_ tx: Tx, id: UUID, lock: RowLock = .none) async throws -> BountyApplicationRecord? {
        let rows = try await tx.query(
            "SELECT \(unescaped: columns) FROM bounty_applications WHERE id = \(id)\(unescaped: lock.sql)")
        var found: BountyApplicationRecord?
        for try await row in rows { found = try record(row) }
        guard var application = found else { return nil }
        application.members = try await members(tx, of: [id])[id] ?? []
        return application
    }

    /// In submission order; `status` nil lists every status.
    static func list(
        _ tx: Tx, bountyID: UUID, status: Int16?, page: Page
    ) async throws -> [BountyApplicationRecord] {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM bounty_applications
            WHERE bounty_id = \(bountyID) AND (\(status)::smallint IS NULL OR status = \(status))
            ORDER BY created_at, id LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        return try await withMembers(tx, rows)
    }

    /// A nomad's own applications, as lead or member, the latest change first.
    static func list(
        _ tx: Tx, involving nomad: UUID, status: Int16?, page: Page
    ) async throws -> [BountyApplicationRecord] {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM bounty_applications
            WHERE (lead_id = \(nomad)
                   OR id IN (SELECT application_id FROM bounty_application_members WHERE member_id = \(nomad)))
              AND (\(status)::smallint IS NULL OR status = \(status))
            ORDER BY updated_at DESC, id DESC LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        return try await withMembers(tx, rows)
    }

    static func review(
        _ tx: Tx, id: UUID, status: Int16, reason: String, reviewer: UUID
    ) async throws {
        try await tx.query(
            """
            UPDATE bounty_applications SET status = \(status), review_reason = \(reason), reviewed_by = \(reviewer),
              reviewed_at = now(), updated_at = now()
            WHERE id = \(id)
            """)
    }

    /// Signs a winner at `rank` (1, 2, ... in signing order). The unique rank
    /// per bounty refuses a second winner in the same place even if a caller
    /// skipped the bounty lock.
    static func markWon(_ tx: Tx, id: UUID, rank: Int) async throws -> Date {
        let rows = try await tx.query(
            """
            UPDATE bounty_applications SET status = \(literal: BountyRules.ApplicationStatus.won), winner_rank = \(rank),
              signed_at = now(), updated_at = now()
            WHERE id = \(id) RETURNING signed_at
            """)
        for try await signedAt in rows.decode(Date.self) { return signedAt }
        throw NomadError.internalError
    }

    /// Once every place is taken, the applications still waiting lose; returns their ids.
    static func markNotSelected(_ tx: Tx, bountyID: UUID) async throws -> [UUID] {
        let rows = try await tx.query(
            """
            UPDATE bounty_applications SET status = \(literal: BountyRules.ApplicationStatus.notSelected), updated_at = now()
            WHERE bounty_id = \(bountyID)
              AND status IN (\(literal: BountyRules.ApplicationStatus.submitted), \(literal: BountyRules.ApplicationStatus.qualified))
            RETURNING id
            """)
        var ids: [UUID] = []
        for try await id in rows.decode(UUID.self) { ids.append(id) }
        return ids
    }

    /// The winning applications in signing order.
    static func winners(_ tx: Tx, bountyID: UUID) async throws -> [BountyApplicationRecord] {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM bounty_applications
            WHERE bounty_id = \(bountyID) AND winner_rank IS NOT NULL ORDER BY winner_rank
            """)
        return try await withMembers(tx, rows)
    }

    /// For each required skill, the best level any of `nomads` declares.
    static func bestLevels(
        _ tx: Tx, nomads: [UUID], codes: [String]
    ) async throws -> [String: Int16] {
        guard !codes.isEmpty else { return [:] }
        var levels: [String: Int16] = [:]
        for try await (code, level) in try await tx.query(
            """
            SELECT skill_code, max(level) FROM profile_skills
            WHERE nomad_id = ANY(\(nomads)) AND skill_code = ANY(\(codes))
            GROUP BY skill_code
            """
        ).decode((String, Int16).self) {
            levels[code] = level
        }
        return levels
    }

    /// The rows as records, each with its members (one query for them all).
    private static func withMembers(
        _ tx: Tx, _ rows: PostgresRowSequence
    ) async throws -> [BountyApplicationRecord] {
        var applications: [BountyApplicationRecord] = []
        for try await row in rows { applications.append(try record(row)) }
        let members = try await members(tx, of: applications.map(\.id))
        for index in applications.indices {
            applications[index].members = members[applications[index].id] ?? []
        }
        return applications
    }

    private static func members(_ tx: Tx, of ids: [UUID]) async throws -> [UUID: [UUID]] {
        guard !ids.isEmpty else { return [:] }
        var result: [UUID: [UUID]] = [:]
        for try await (application, member) in try await tx.query(
            """
            SELECT application_id, member_id FROM bounty_application_members
            WHERE application_id = ANY(\(ids)) ORDER BY application_id, position
            """
        ).decode((UUID, UUID).self) {
            result[application, default: []].append(member)
        }
        return result
    }

    private static func record(_ row: PostgresRow) throws -> BountyApplicationRecord {
        let r = row.makeRandomAccess()
        return BountyApplicationRecord(
            id: try r["id"].decode(UUID.self),
            bountyID: try r["bounty_id"].decode(UUID.self),
            leadID: try r["lead_id"].decode(UUID.self),
            kind: try r["kind"].decode(Int16.self),
            teamName: try r["team_name"].decode(String.self),
            proposal: try r["proposal"].decode(String.self),
            evidenceHash: try r["evidence_hash"].decode(String.self),
            status: try r["status"].decode(Int16.self),
            reviewReason: try r["review_reason"].decode(String.self),
            signedAt: try r["signed_at"].decode(Date?.self),
            createdAt: try r["created_at"].decode(Date.self),
            updatedAt: try r["updated_at"].decode(Date.self))
    }
}
