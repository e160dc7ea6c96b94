import Foundation
import NomadKit
import NomadProtos
import PostgresNIO

/// A bounty row with its required skills, milestones and winners. Status
/// holds the proto enum number.
struct BountyRecord: Sendable {
    struct MilestoneRecord: Sendable {
        var title: String
        var due: Date
        var progressPercent: Int16 = 0
        var lastReport = ""
    }

    var id: UUID
    var publisherID: UUID
    var publisherRole: String
    var jobID: UUID
    var title: String
    var description: String
    var currency: String
    var budgetMinor: Int64
    var deadline: Date
    var applicantKinds: [Int16]
    var certifiedOnly: Bool
    var maxTeamSize: Int
    var winnerPlaces: Int
    var winners: Int
    var status: Int16
    var rewardCurrency: String?
    var rewardMinor: Int64?
    var createdAt: Date
    var updatedAt: Date
    var skills: [BountyDraft.Skill] = []
    var milestones: [MilestoneRecord] = []
    /// In signing order.
    var winnerApplicationIDs: [UUID] = []
}

enum BountyStore {
    private static let columns = """
        id, publisher_id, publisher_role, job_id, title, description, budget_currency, budget_minor, deadline, \
        applicant_kinds, certified_only, max_team_size, winner_places, winners, status, reward_currency, reward_minor, \
        created_at, updated_at
        """

    /// Inserts the bounty, its skills and milestones, and its companion job
    /// (mode OPEN_BOUNTY, one seat per winner place, not claimable) so the
    /// bounty is listed with the rest of the zone's demand.
    static func insert(
        _ tx: Tx, id: UUID, jobID: UUID, publisher: Principal, draft: BountyDraft
    ) async throws {
        try await tx.query(
            """
            INSERT INTO jobs (id, enterprise_id, title, description, budget_currency, budget_minor, mode, seats,
              deadline, claimable)
            VALUES (\(jobID), \(publisher.accountID), \(draft.title), \(draft.description), \(draft.currency),
              \(draft.budgetMinor), \(Int16(4)), \(draft.winnerPlaces), \(draft.deadline), false)
            """)
        for skill in draft.skills {
            try await tx.query(
                """
                INSERT INTO job_skills (job_id, skill_code, min_level, weight, essential)
                VALUES (\(jobID), \(skill.code), \(skill.minLevel), \(skill.weight), true)
                """)
        }
        try await tx.query(
            """
            INSERT INTO bounties (id, publisher_id, publisher_role, job_id, title, description, budget_currency,
              budget_minor, deadline, applicant_kinds, certified_only, max_team_size, winner_places)
            VALUES (\(id), \(publisher.accountID), \(publisher.role.rawValue), \(jobID), \(draft.title),
              \(draft.description), \(draft.currency), \(draft.budgetMinor), \(draft.deadline), \(draft.applicantKinds),
              \(draft.certifiedOnly), \(draft.maxTeamSize), \(draft.winnerPlaces))
            """)
        for (position, skill) in draft.skills.enumerated() {
            try await tx.query(
                """
                INSERT INTO bounty_skills (bounty_id, position, skill_code, min_level, weight)
                VALUES (\(id), \(position), \(skill.code), \(skill.minLevel), \(skill.weight))
                """)
        }
        for (position, milestone) in draft.milestones.enumerated() {
            try await tx.query(
                """
                INSERT INTO bounty_milestones (bounty_id, position, title, due)
                VALUES (\(id), \(position), \(milestone.title), \(milestone.due))
                """)
        }
    }

    /// The codes among `codes` that the skills library does not hold.
    static func unknownSkills(_ tx: Tx, codes: [String]) async throws -> [String] {
        guard !codes.isEmpty else { return [] }
        var known = Set<String>()
        for try await code in try await tx.query(
            "SELECT code FROM skills WHERE code = ANY(\(codes))"
        ).decode(String.self) {
            known.insert(code)
        }
        return codes.filter { !known.contains($0) }
    }

    /// The bounty; `lock` takes its row lock, which every change to the
    /// bounty or its applications holds, so winners are decided one at a time
    /// whichever replica the claims land on.
    static func find(
        _ tx: Tx, id: UUID, lock: RowLock = .none
    ) async throws -> BountyRecord? {
        let rows = try await tx.query(
            "SELECT \(unescaped: columns) FROM bounties WHERE id = \(id)\(unescaped: lock.sql)")
        var found: BountyRecord?
        for try await row in rows { found = try record(row) }
        guard var bounty = found else { return nil }
        try await complete(tx, &bounty)
        return bounty
    }

    /// Newest first; `status` nil lists every status.
    static func list(_ tx: Tx, status: Int16?, page: Page) async throws -> [BountyRecord] {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM bounties
            WHERE (\(status)::smallint IS NULL OR status = \(status))
            ORDER BY created_at DESC, id DESC LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        var bounties: [BountyRecord] = []
        for try await row in rows { bounties.append(try record(row)) }
        for index in bounties.indices {
            try await complete(tx, &bounties[index])
        }
        return bounties
    }

    /// Counts a new winner. When the places fill, the bounty moves to
    /// IN_PROGRESS. The companion job's seats follow, and it closes once the
    /// work has started. Call under the bounty row lock.
    static func addWinner(_ tx: Tx, _ bounty: BountyRecord) async throws -> (winners: Int, filled: Bool) {
        let rows = try await tx.query(
            """
            UPDATE bounties SET winners = winners + 1,
              status = CASE WHEN winners + 1 = winner_places THEN \(literal: BountyRules.Status.inProgress) ELSE status END,
              updated_at = now()
            WHERE id = \(bounty.id) AND status = \(literal: BountyRules.Status.open) AND winners < winner_places
            RETURNING winners, winners = winner_places
            """)
        var result: (Int, Bool)?
        for try await (winners, filled) in rows.decode((Int, Bool).self) { result = (winners, filled) }
        guard let result else { throw NomadError.wrongState("所有揭榜名额已被占满", "every winner place has been taken") }
        try await tx.query(
            """
            UPDATE jobs SET seats_taken = \(result.0),
              status = CASE WHEN \(result.1) THEN \(literal: Nomad_Jobs_V1_JobStatus.closed) ELSE status END,
              close_reason = CASE WHEN \(result.1) THEN 'bounty in progress' ELSE close_reason END,
              updated_at = now()
            WHERE id = \(bounty.jobID)
            """)
        return result
    }

    static func recordProgress(
        _ tx: Tx, bountyID: UUID, position: Int, percent: Int16, note: String, by reporter: UUID
    ) async throws {
        try await tx.query(
            """
            UPDATE bounty_milestones SET progress_percent = \(percent), last_report = \(note),
              reported_by = \(reporter), reported_at = now()
            WHERE bounty_id = \(bountyID) AND position = \(position)
            """)
        try await tx.query("UPDATE bounties SET updated_at = now() WHERE id = \(bountyID)")
    }

    static func markCompleted(
        _ tx: Tx, _ bounty: BountyRecord, rewardMinor: Int64
    ) async throws {
        try await tx.query(
            """
            UPDATE bounties SET status = \(literal: BountyRules.Status.completed), reward_currency = budget_currency,
              reward_minor = \(rewardMinor), completed_at = now(), updated_at = now()
            WHERE id = \(bounty.id)
            """)
        try await tx.query(
            """
            UPDATE jobs SET status = \(literal: Nomad_Jobs_V1_JobStatus.closed), close_reason = coalesce(close_reason, 'bounty completed'), updated_at = now()
            WHERE id = \(bounty.jobID)
            """)
    }

    /// Cancels the bounty and takes its row off the demand list; winners keep
    /// their WON record (the audit says what became of the work).
    static func markCancelled(_ tx: Tx, _ bounty: BountyRecord, reason: String) async throws {
        try await tx.query(
            """
            UPDATE bounties SET status = \(literal: BountyRules.Status.cancelled), updated_at = now() WHERE id = \(bounty.id)
            """)
        try await tx.query(
            """
            UPDATE jobs SET status = \(literal: Nomad_Jobs_V1_JobStatus.closed), close_reason = \("bounty cancelled: " + reason), updated_at = now()
            WHERE id = \(bounty.jobID)
            """)
    }

    private static func complete(_ tx: Tx, _ bounty: inout BountyRecord) async throws {
        for try await (code, level, weight) in try await tx.query(
            """
            SELECT skill_code, min_level, weight FROM bounty_skills WHERE bounty_id = \(bounty.id) ORDER BY position
            """
        ).decode((String, Int16, Int16).self) {
            bounty.skills.append(.init(code: code, minLevel: level, weight: weight))
        }
        for try await (title, due, percent, report) in try await tx.query(
            """
            SELECT title, due, progress_percent, last_report FROM bounty_milestones
            WHERE bounty_id = \(bounty.id) ORDER BY position
            """
        ).decode((String, Date, Int16, String).self) {
            bounty.milestones.append(.init(title: title, due: due, progressPercent: percent, lastReport: report))
        }
        for try await id in try await tx.query(
            """
            SELECT id FROM bounty_applications
            WHERE bounty_id = \(bounty.id) AND winner_rank IS NOT NULL ORDER BY winner_rank
            """
        ).decode(UUID.self) {
            bounty.winnerApplicationIDs.append(id)
        }
    }

    private static func record(_ row: PostgresRow) throws -> BountyRecord {
        let r = row.makeRandomAccess()
        return BountyRecord(
            id: try r["id"].decode(UUID.self),
            publisherID: try r["publisher_id"].decode(UUID.self),
            publisherRole: try r["publisher_role"].decode(String.self),
            jobID: try r["job_id"].decode(UUID.self),
            title: try r["title"].decode(String.self),
            description: try r["description"].decode(String.self),
            currency: try r["budget_currency"].decode(String.self),
            budgetMinor: try r["budget_minor"].decode(Int64.self),
            deadline: try r["deadline"].decode(Date.self),
            applicantKinds: try r["applicant_kinds"].decode([Int16].self),
            certifiedOnly: try r["certified_only"].decode(Bool.self),
            maxTeamSize: try r["max_team_size"].decode(Int.self),
            winnerPlaces: try r["winner_places"].decode(Int.self),
            winners: try r["winners"].decode(Int.self),
            status: try r["status"].decode(Int16.self),
            rewardCurrency: try r["reward_currency"].decode(String?.self),
            rewardMinor: try r["reward_minor"].decode(Int64?.self),
            createdAt: try r["created_at"].decode(Date.self),
            updatedAt: try r["updated_at"].decode(Date.self))
    }
}
