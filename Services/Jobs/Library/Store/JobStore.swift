import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO

/// A job row with its required skills. Mode and status hold the proto enum
/// numbers.
struct JobRecord: Sendable {
    var id: UUID
    var enterpriseID: UUID
    var posting: JobPosting
    var seatsTaken: Int32 = 0
    var status: Int16 = JobRecord.open
    var closeReason: String?
    var contentHash: Data?
    var createdAt = Date()
    var updatedAt = Date()

    static let open = Int16(Nomad_Jobs_V1_JobStatus.open.rawValue)
    static let filled = Int16(Nomad_Jobs_V1_JobStatus.filled.rawValue)
    static let closed = Int16(Nomad_Jobs_V1_JobStatus.closed.rawValue)
}

/// Filters of the demand list and its summary.
struct DemandFilter: Sendable {
    var enterpriseID: UUID?
    var skillCode: String?
    var mode: Int16?
    var status: Int16 = JobRecord.open
}

enum JobStore {
    /// The zone day of the job's deadline: the last day of a claim's work.
    static func deadlineDay(_ tx: Tx, id: UUID) async throws -> ZoneDay? {
        try await tx.query(
            """
            SELECT to_char(deadline AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') FROM jobs WHERE id = \(id)
            """
        ).collect().first.flatMap { ZoneDay(iso: try $0.decode(String.self)) }
    }

    private static let columns = """
        id, enterprise_id, external_id, title, description, tools, budget_currency, budget_minor, mode, seats,
        seats_taken, deadline, languages, claimable, status, close_reason, content_hash, created_at, updated_at
        """

    /// A new job. An external id the enterprise already used is ALREADY_EXISTS.
    static func insert(_ tx: Tx, _ job: JobRecord) async throws {
        let p = job.posting
        let inserted = try await tx.query(
            """
            INSERT INTO jobs (id, enterprise_id, external_id, title, description, tools, budget_currency, budget_minor,
              mode, seats, deadline, languages, claimable, content_hash)
            VALUES (\(job.id), \(job.enterpriseID), \(p.externalID), \(p.title), \(p.description), \(p.tools),
              \(p.currency), \(p.budgetMinor), \(Int16(p.mode.rawValue)), \(Int32(p.seats)), \(p.deadline), \(p.languages),
              \(p.claimable), \(job.contentHash))
            ON CONFLICT (enterprise_id, external_id) DO NOTHING RETURNING 1
            """
        ).collect().count
        guard inserted == 1 else {
            throw NomadError(.alreadyExists, zh: "该外部编号已用于您的另一岗位", en: "You already have a job with this external_id")
        }
        try await insertSkills(tx, jobID: job.id, skills: p.skills)
    }

    /// Replaces an ingested job's posting. Seats taken stay; the status
    /// follows the new seat count (a job whose seats were raised reopens).
    static func update(_ tx: Tx, id: UUID, posting p: JobPosting, hash: Data) async throws {
        try await tx.query(
            """
            UPDATE jobs SET title = \(p.title), description = \(p.description), tools = \(p.tools),
              budget_currency = \(p.currency), budget_minor = \(p.budgetMinor), mode = \(Int16(p.mode.rawValue)),
              seats = \(Int32(p.seats)), deadline = \(p.deadline), languages = \(p.languages), claimable = \(p.claimable),
              content_hash = \(hash), updated_at = now(),
              status = CASE WHEN status = \(literal: Nomad_Jobs_V1_JobStatus.closed) THEN status
                WHEN seats_taken >= \(Int32(p.seats)) THEN \(literal: Nomad_Jobs_V1_JobStatus.filled) ELSE \(literal: Nomad_Jobs_V1_JobStatus.open) END
            WHERE id = \(id)
            """)
        try await tx.query("DELETE FROM job_skills WHERE job_id = \(id)")
        try await insertSkills(tx, jobID: id, skills: p.skills)
    }

    private static func insertSkills(_ tx: Tx, jobID: UUID, skills: [JobPosting.Skill]) async throws {
        try await tx.query(
            """
            INSERT INTO job_skills (job_id, skill_code, min_level, weight, essential)
            SELECT \(jobID), * FROM unnest(\(skills.map(\.code))::text[], \(skills.map(\.minLevel))::smallint[],
              \(skills.map(\.weight))::smallint[], \(skills.map(\.essential))::boolean[])
            """)
    }

    static func find(_ tx: Tx, id: UUID, lock: RowLock = .none) async throws -> JobRecord? {
        try await one(tx, "SELECT \(unescaped: columns) FROM jobs WHERE id = \(id)\(unescaped: lock.sql)")
    }

    /// The enterprise's job with this external id, locked for the upsert.
    static func findExternal(
        _ tx: Tx, enterpriseID: UUID, externalID: String
    ) async throws -> JobRecord? {
        try await one(
            tx,
            """
            SELECT \(unescaped: columns) FROM jobs WHERE enterprise_id = \(enterpriseID) AND external_id = \(externalID) FOR UPDATE
            """)
    }

    static func close(_ tx: Tx, id: UUID, reason: String) async throws {
        try await tx.query(
            """
            UPDATE jobs SET status = \(literal: Nomad_Jobs_V1_JobStatus.closed), close_reason = \(reason), updated_at = now() WHERE id = \(id)
            """)
    }

    /// Up to `page.fetchLimit` jobs, newest first. A skill filter takes the
    /// skill and every skill beneath it (codes sharing its dotted prefix).
    static func list(_ tx: Tx, filter: DemandFilter, page: Page) async throws -> [JobRecord] {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM jobs j
            WHERE j.status = \(filter.status) AND (\(filter.status) <> \(literal: Nomad_Jobs_V1_JobStatus.open) OR j.deadline > now())
              AND (\(filter.enterpriseID)::uuid IS NULL OR j.enterprise_id = \(filter.enterpriseID))
              AND (\(filter.mode)::smallint IS NULL OR j.mode = \(filter.mode))
              AND (\(filter.skillCode)::text IS NULL OR EXISTS (SELECT 1 FROM job_skills js WHERE js.job_id = j.id
                AND (js.skill_code = \(filter.skillCode) OR starts_with(js.skill_code, \(filter.skillCode) || '.'))))
            ORDER BY j.created_at DESC, j.id DESC LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        var jobs = try await rows.collect().map(record)
        let skills = try await skills(tx, jobIDs: jobs.map(\.id))
        for index in jobs.indices { jobs[index].posting.skills = skills[jobs[index].id] ?? [] }
        return jobs
    }

    struct SkillDemandRow: Sendable {
        var code: String
        var nameZh: String
        var nameEn: String
        var openJobs: Int32
        var openSeats: Int32
        var essentialIn: Int32
    }

    /// Open jobs, free seats and essential mentions per skill, over open jobs
    /// matching the filter; most free seats first.
    static func summarize(_ tx: Tx, filter: DemandFilter, page: Page) async throws -> [SkillDemandRow] {
        let rows = try await tx.query(
            """
            SELECT js.skill_code, s.name_zh, s.name_en, count(*)::int4, sum(j.seats - j.seats_taken)::int4,
              count(*) FILTER (WHERE js.essential)::int4
            FROM job_skills js JOIN jobs j ON j.id = js.job_id JOIN skills s ON s.code = js.skill_code
            WHERE j.status = \(literal: Nomad_Jobs_V1_JobStatus.open) AND j.deadline > now()
              AND (\(filter.enterpriseID)::uuid IS NULL OR j.enterprise_id = \(filter.enterpriseID))
              AND (\(filter.mode)::smallint IS NULL OR j.mode = \(filter.mode))
            GROUP BY js.skill_code, s.name_zh, s.name_en
            ORDER BY 5 DESC, 4 DESC, js.skill_code LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        var result: [SkillDemandRow] = []
        for try await (code, zh, en, jobs, seats, essential) in rows.decode((String, String, String, Int32, Int32, Int32).self) {
            result.append(.init(code: code, nameZh: zh, nameEn: en, openJobs: jobs, openSeats: seats, essentialIn: essential))
        }
        return result
    }

    private static func one(_ tx: Tx, _ query: PostgresQuery) async throws -> JobRecord? {
        guard var job = try await tx.query(query).collect().first.map(record) else { return nil }
        job.posting.skills = try await skills(tx, jobIDs: [job.id])[job.id] ?? []
        return job
    }

    private static func skills(_ tx: Tx, jobIDs: [UUID]) async throws -> [UUID: [JobPosting.Skill]] {
        guard !jobIDs.isEmpty else { return [:] }
        let rows = try await tx.query(
            """
            SELECT job_id, skill_code, min_level, weight, essential FROM job_skills
            WHERE job_id = ANY(\(jobIDs)) ORDER BY job_id, essential DESC, weight DESC, skill_code
            """)
        var result: [UUID: [JobPosting.Skill]] = [:]
        for try await (jobID, code, level, weight, essential) in rows.decode((UUID, String, Int16, Int16, Bool).self) {
            result[jobID, default: []].append(.init(code: code, minLevel: level, weight: weight, essential: essential))
        }
        return result
    }

    private static func record(_ row: PostgresRow) throws -> JobRecord {
        let r = row.makeRandomAccess()
        let posting = JobPosting(
            externalID: try r["external_id"].decode(String?.self),
            title: try r["title"].decode(String.self),
            description: try r["description"].decode(String.self),
            skills: [],
            tools: try r["tools"].decode([String].self),
            currency: try r["budget_currency"].decode(String.self),
            budgetMinor: try r["budget_minor"].decode(Int64.self),
            mode: .init(rawValue: Int(try r["mode"].decode(Int16.self))) ?? .unspecified,
            seats: try r["seats"].decode(Int32.self),
            deadline: try r["deadline"].decode(Date.self),
            languages: try r["languages"].decode([String].self),
            claimable: try r["claimable"].decode(Bool.self))
        return JobRecord(
            id: try r["id"].decode(UUID.self),
            enterpriseID: try r["enterprise_id"].decode(UUID.self),
            posting: posting,
            seatsTaken: try r["seats_taken"].decode(Int32.self),
            status: try r["status"].decode(Int16.self),
            closeReason: try r["close_reason"].decode(String?.self),
            contentHash: try r["content_hash"].decode(Data?.self),
            createdAt: try r["created_at"].decode(Date.self),
            updatedAt: try r["updated_at"].decode(Date.self))
    }
}
