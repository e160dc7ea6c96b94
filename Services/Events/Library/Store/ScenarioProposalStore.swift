import Foundation
import NomadKit
import PostgresNIO

struct ScenarioProposalRecord: Sendable {
    var id: UUID
    var scenarioID: UUID
    var proposerID: UUID
    /// The proposer first.
    var members: [UUID]
    var summary: String
    var links: [String]
    var evidenceHash: String
    var status: Int16
    var pairingNote: String
    var createdAt: Date
    var shortlistedAt: Date?
    var pairedAt: Date?
}

/// Proposals to open-day scenarios.
enum ScenarioProposalStore {
    private static let columns = """
        id, scenario_id, proposer_id, member_ids, summary, links, evidence_hash, status, pairing_note, created_at, \
        shortlisted_at, paired_at
        """

    /// ALREADY_EXISTS when the proposer already proposed to the scenario.
    static func insert(
        _ tx: Tx, id: UUID, scenarioID: UUID, draft: ProposalDraft
    ) async throws {
        do {
            try await tx.query(
                """
                INSERT INTO scenario_proposals (id, scenario_id, proposer_id, member_ids, summary, links, evidence_hash)
                VALUES (\(id), \(scenarioID), \(draft.members[0]), \(draft.members), \(draft.summary), \(draft.links),
                  \(draft.evidenceHash))
                """)
        } catch let error as PSQLError where error.isUniqueViolation {
            throw CompetitionErrors.exists("您已为该场景提交过方案", "You have already proposed a solution to this scenario")
        }
    }

    static func find(_ tx: Tx, id: UUID, lock: RowLock = .none) async throws -> ScenarioProposalRecord? {
        let rows = try await tx.query(
            "SELECT \(unescaped: columns) FROM scenario_proposals WHERE id = \(id)\(unescaped: lock.sql)")
        for try await row in rows { return try record(row) }
        return nil
    }

    /// Oldest first; `member` limits the list to the proposals they are in.
    static func list(
        _ tx: Tx, scenarioID: UUID, member: UUID?, page: Page
    ) async throws -> [ScenarioProposalRecord] {
        let memberArray = member.map { [$0] }
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM scenario_proposals
            WHERE scenario_id = \(scenarioID) AND (\(memberArray)::uuid[] IS NULL OR member_ids @> \(memberArray)::uuid[])
            ORDER BY created_at, id LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        var proposals: [ScenarioProposalRecord] = []
        for try await row in rows { proposals.append(try record(row)) }
        return proposals
    }

    static func markShortlisted(_ tx: Tx, id: UUID) async throws {
        try await tx.query(
            """
            UPDATE scenario_proposals SET status = \(OpenDayRules.ProposalStatus.shortlisted.rawValue), shortlisted_at = now()
            WHERE id = \(id)
            """)
    }

    static func markPaired(_ tx: Tx, id: UUID, note: String) async throws {
        try await tx.query(
            """
            UPDATE scenario_proposals SET status = \(OpenDayRules.ProposalStatus.paired.rawValue), paired_at = now(),
              pairing_note = \(note)
            WHERE id = \(id)
            """)
    }

    private static func record(_ row: PostgresRow) throws -> ScenarioProposalRecord {
        let r = row.makeRandomAccess()
        return ScenarioProposalRecord(
            id: try r["id"].decode(UUID.self),
            scenarioID: try r["scenario_id"].decode(UUID.self),
            proposerID: try r["proposer_id"].decode(UUID.self),
            members: try r["member_ids"].decode([UUID].self),
            summary: try r["summary"].decode(String.self),
            links: try r["links"].decode([String].self),
            evidenceHash: try r["evidence_hash"].decode(String.self),
            status: try r["status"].decode(Int16.self),
            pairingNote: try r["pairing_note"].decode(String.self),
            createdAt: try r["created_at"].decode(Date.self),
            shortlistedAt: try r["shortlisted_at"].decode(Date?.self),
            pairedAt: try r["paired_at"].decode(Date?.self))
    }
}
