import Foundation
import NomadKit
import NomadProtos
import PostgresNIO

/// The reads matching needs: a job's requirements, a nomad's profile, and the
/// candidates on either side. Everything that can be decided by an index is
/// decided in SQL (who holds a job's skills, who passes the essential rule);
/// scoring and explanations stay in `MatchScoring`.
enum MatchStore {
    struct JobRow: Sendable {
        var id: UUID
        var enterpriseID: UUID
        var status: Int16
        var job: MatchScoring.Job
    }

    struct SkillName: Sendable {
        var zh: String
        var en: String
    }

    /// A job's owner, status, tools, languages and requirements (essential
    /// first, then by weight); nil when there is no such job.
    static func job(_ connection: PostgresConnection, id: UUID, logger: Logger) async throws -> JobRow? {
        let rows = try await connection.query("""
            SELECT j.enterprise_id, j.status, j.tools, j.languages,
              COALESCE(array_agg(js.skill_code ORDER BY js.essential DESC, js.weight DESC, js.skill_code)
                FILTER (WHERE js.skill_code IS NOT NULL), '{}'),
              COALESCE(array_agg(js.min_level ORDER BY js.essential DESC, js.weight DESC, js.skill_code)
                FILTER (WHERE js.skill_code IS NOT NULL), '{}'),
              COALESCE(array_agg(js.weight ORDER BY js.essential DESC, js.weight DESC, js.skill_code)
                FILTER (WHERE js.skill_code IS NOT NULL), '{}'),
              COALESCE(array_agg(js.essential::int::int2 ORDER BY js.essential DESC, js.weight DESC, js.skill_code)
                FILTER (WHERE js.skill_code IS NOT NULL), '{}')
            FROM jobs j LEFT JOIN job_skills js ON js.job_id = j.id
            WHERE j.id = \(id)
            GROUP BY j.id
            """, logger: logger)
        for try await (enterprise, status, tools, languages, codes, levels, weights, essentials)
            in rows.decode((UUID, Int16, [String], [String], [String], [Int16], [Int16], [Int16]).self) {
            return JobRow(
                id: id, enterpriseID: enterprise, status: status,
                job: MatchScoring.Job(
                    requirements: requirements(codes, levels, weights, essentials), tools: tools, languages: languages))
        }
        return nil
    }

    /// A nomad's profile for scoring; nil when they have none.
    static func profile(_ connection: PostgresConnection, nomadID: UUID, logger: Logger) async throws -> MatchScoring.Nomad? {
        let rows = try await connection.query("""
            SELECT p.availability, p.languages,
              COALESCE(array_agg(ps.skill_code) FILTER (WHERE ps.skill_code IS NOT NULL), '{}'),
              COALESCE(array_agg(ps.level) FILTER (WHERE ps.skill_code IS NOT NULL), '{}'),
              COALESCE(array_agg(ps.verified_level) FILTER (WHERE ps.skill_code IS NOT NULL), '{}'),
              ARRAY(SELECT DISTINCT t FROM profile_skills s, unnest(s.tools) t WHERE s.nomad_id = p.nomad_id)
            FROM profiles p LEFT JOIN profile_skills ps ON ps.nomad_id = p.nomad_id
            WHERE p.nomad_id = \(nomadID)
            GROUP BY p.nomad_id
            """, logger: logger)
        for try await (availability, languages, codes, levels, verified, tools)
            in rows.decode((Int16, [String], [String], [Int16], [Int16], [String]).self) {
            return MatchScoring.Nomad(
                skills: held(codes, levels, verified), tools: tools, availability: self.availability(availability),
                languages: languages)
        }
        return nil
    }

    /// Most required skills a job can have (PublishJob's limit); the candidate
    /// scan packs ten per bigint, in three.
    static let maxRequirements = 30

    /// Candidates for a job: every nomad holding at least one of its essential
    /// skills (any of its skills when none is essential), split in SQL by the
    /// essential rule. Returns how many the rule excluded
    /// and the rest, with their levels in the job's skills only (tools come
    /// later, and only for those who can still reach the top).
    ///
    /// The scan reads only the matching index (index-only, availability and
    /// languages included: see migration 5) and aggregates per nomad into plain
    /// integers: each requirement's position gets six bits holding
    /// `level × 6 + verified_level` (0 when not held), which costs far less per
    /// group than building arrays for thousands of holders.
    static func nomadCandidates(
        _ connection: PostgresConnection, requirements: [MatchScoring.Requirement], logger: Logger
    ) async throws -> (excluded: Int, candidates: [(id: UUID, nomad: MatchScoring.Nomad)]) {
        guard !requirements.isEmpty else { return (0, []) }
        guard requirements.count <= maxRequirements else {
            throw NomadError.wrongState(
                "岗位技能要求超过 \(maxRequirements) 项", "the job lists more than \(maxRequirements) required skills")
        }
        let codes = requirements.map(\.skillCode)
        let minimums = requirements.map { Int16($0.minLevel) }
        let essentials = requirements.map { Int16($0.essential ? 1 : 0) }
        let essentialCount = requirements.filter(\.essential).count
        // With essential skills (the usual job), the essential rule is decided
        // first over the essential skills' holders alone, from a narrow index
        // (index-only: skill, nomad, levels; migration 5), and only the nomads
        // who pass are read in the job's other skills. Most holders fail the
        // rule (about 6 in 7 on the benchmark's data): aggregating every holder
        // of every skill was where the time went.
        let rows = try await connection.query("""
            WITH req AS (
              SELECT code, min_level, essential <> 0 AS essential, (ord - 1)::int AS pos
              FROM unnest(\(codes)::text[], \(minimums)::int2[], \(essentials)::int2[])
                WITH ORDINALITY AS r(code, min_level, essential, ord)
            ), holders AS (
              SELECT ps.nomad_id,
                count(*) FILTER (WHERE NOT r.essential OR ps.level >= r.min_level - 1
                                   OR ps.verified_level >= r.min_level - 1) AS met
              FROM req r JOIN profile_skills ps ON ps.skill_code = r.code
              WHERE r.essential OR \(essentialCount) = 0
              GROUP BY ps.nomad_id
            ), held AS (
              SELECT ps.nomad_id,
                COALESCE(bit_or((ps.level * 6 + ps.verified_level)::bigint << (6 * (r.pos % 10)))
                  FILTER (WHERE r.pos / 10 = 0), 0) AS p0,
                COALESCE(bit_or((ps.level * 6 + ps.verified_level)::bigint << (6 * (r.pos % 10)))
                  FILTER (WHERE r.pos / 10 = 1), 0) AS p1,
                COALESCE(bit_or((ps.level * 6 + ps.verified_level)::bigint << (6 * (r.pos % 10)))
                  FILTER (WHERE r.pos / 10 = 2), 0) AS p2,
                min(ps.availability) AS availability, min(ps.languages) AS languages
              FROM holders h JOIN profile_skills ps ON ps.nomad_id = h.nomad_id
              JOIN req r ON r.code = ps.skill_code
              WHERE \(essentialCount) = 0 OR h.met = \(essentialCount)
              GROUP BY ps.nomad_id
            )
            SELECT (SELECT count(*) FROM holders), e.nomad_id, e.p0, e.p1, e.p2, e.availability, e.languages
            FROM (SELECT 1) one LEFT JOIN held e ON true
            """, logger: logger)
        var total = 0
        var candidates: [(id: UUID, nomad: MatchScoring.Nomad)] = []
        for try await (count, id, p0, p1, p2, availability, languages)
            in rows.decode((Int, UUID?, Int64?, Int64?, Int64?, Int16?, [String]?).self) {
            total = count
            guard let id, let p0, let p1, let p2, let availability, let languages else { continue }
            let words = [p0, p1, p2]
            var skills: [String: MatchScoring.Held] = [:]
            for (position, code) in codes.enumerated() {
                let value = Int((words[position / 10] >> (6 * Int64(position % 10))) & 63)
                if value > 0 { skills[code] = MatchScoring.Held(level: value / 6, verifiedLevel: value % 6) }
            }
            candidates.append((id, MatchScoring.Nomad(
                skills: skills, tools: [], availability: self.availability(availability), languages: languages)))
        }
        return (total - candidates.count, candidates)
    }

    /// The tools each of `nomadIDs` lists that are among `tools`, lower-cased.
    static func matchingTools(
        _ connection: PostgresConnection, nomadIDs: [UUID], tools: [String], logger: Logger
    ) async throws -> [UUID: [String]] {
        guard !nomadIDs.isEmpty, !tools.isEmpty else { return [:] }
        let wanted = tools.map { $0.lowercased() }
        let rows = try await connection.query("""
            SELECT ps.nomad_id, array_agg(DISTINCT lower(t))
            FROM profile_skills ps, unnest(ps.tools) t
            WHERE ps.nomad_id = ANY(\(nomadIDs)) AND lower(t) = ANY(\(wanted))
            GROUP BY ps.nomad_id
            """, logger: logger)
        var result: [UUID: [String]] = [:]
        for try await (id, found) in rows.decode((UUID, [String]).self) {
            result[id] = found
        }
        return result
    }

    /// Open jobs before their deadline requiring at least one of the skills,
    /// with all their requirements (the essential rule is applied by the caller,
    /// since a nomad's few skills make that cheap in Swift).
    static func openJobsRequiring(
        _ connection: PostgresConnection, skills: [String], logger: Logger
    ) async throws -> [(id: UUID, job: MatchScoring.Job)] {
        guard !skills.isEmpty else { return [] }
        let rows = try await connection.query("""
            WITH touched AS (
              SELECT DISTINCT job_id FROM job_skills WHERE skill_code = ANY(\(skills))
            )
            SELECT j.id, j.tools, j.languages,
              array_agg(js.skill_code), array_agg(js.min_level), array_agg(js.weight), array_agg(js.essential::int::int2)
            FROM touched t
            JOIN jobs j ON j.id = t.job_id
            JOIN job_skills js ON js.job_id = j.id
            WHERE j.status = 1 AND j.deadline > now()
            GROUP BY j.id
            """, logger: logger)
        var result: [(id: UUID, job: MatchScoring.Job)] = []
        for try await (id, tools, languages, codes, levels, weights, essentials)
            in rows.decode((UUID, [String], [String], [String], [Int16], [Int16], [Int16]).self) {
            result.append((id, MatchScoring.Job(
                requirements: requirements(codes, levels, weights, essentials), tools: tools, languages: languages)))
        }
        return result
    }

    /// Names of skills, by code.
    static func names(_ connection: PostgresConnection, codes: [String], logger: Logger) async throws -> [String: SkillName] {
        guard !codes.isEmpty else { return [:] }
        let rows = try await connection.query(
            "SELECT code, name_zh, name_en FROM skills WHERE code = ANY(\(codes))", logger: logger)
        var result: [String: SkillName] = [:]
        for try await (code, zh, en) in rows.decode((String, String, String).self) {
            result[code] = SkillName(zh: zh, en: en)
        }
        return result
    }

    /// Training scenarios closing each gap: the same skill or one beneath it
    /// (by code prefix), at the required level or above; easiest first, then
    /// shortest. At most `perGap` each.
    static func scenarios(
        _ connection: PostgresConnection, gaps: [(code: String, level: Int)], perGap: Int, logger: Logger
    ) async throws -> [String: [Nomad_Jobs_V1_Scenario]] {
        guard !gaps.isEmpty else { return [:] }
        let codes = gaps.map(\.code)
        let levels = gaps.map { Int16($0.level) }
        let rows = try await connection.query("""
            SELECT g.code, s.id, s.skill_code, s.level, s.title_zh, s.title_en, s.description_zh, s.description_en,
              s.provider, s.hours
            FROM unnest(\(codes)::text[], \(levels)::int2[]) AS g(code, level)
            CROSS JOIN LATERAL (
              SELECT * FROM scenarios s
              WHERE (s.skill_code = g.code OR left(s.skill_code, length(g.code) + 1) = g.code || '.')
                AND s.level >= g.level
              ORDER BY s.level, s.hours, s.id
              LIMIT \(perGap)
            ) s
            ORDER BY g.code, s.level, s.hours, s.id
            """, logger: logger)
        var result: [String: [Nomad_Jobs_V1_Scenario]] = [:]
        for try await (gap, id, code, level, titleZh, titleEn, descriptionZh, descriptionEn, provider, hours)
            in rows.decode((String, UUID, String, Int16, String, String, String, String, String, Int).self) {
            result[gap, default: []].append(.with {
                $0.scenarioID = id.text
                $0.skillCode = code
                $0.level = Int32(level)
                $0.title = .with { $0.zhCn = titleZh; $0.en = titleEn }
                $0.description_p = .with { $0.zhCn = descriptionZh; $0.en = descriptionEn }
                $0.provider = provider
                $0.hours = Int32(hours)
            })
        }
        return result
    }

    // MARK: - Decoding helpers

    private static func requirements(
        _ codes: [String], _ levels: [Int16], _ weights: [Int16], _ essentials: [Int16]
    ) -> [MatchScoring.Requirement] {
        codes.indices.map { index in
            MatchScoring.Requirement(
                skillCode: codes[index], minLevel: Int(levels[index]), weight: Int(weights[index]),
                essential: essentials[index] != 0)
        }
    }

    private static func held(_ codes: [String], _ levels: [Int16], _ verified: [Int16]) -> [String: MatchScoring.Held] {
        var result: [String: MatchScoring.Held] = [:]
        for index in codes.indices {
            result[codes[index]] = MatchScoring.Held(level: Int(levels[index]), verifiedLevel: Int(verified[index]))
        }
        return result
    }

    static func availability(_ stored: Int16) -> MatchScoring.Availability {
        switch Nomad_Jobs_V1_Availability(rawValue: Int(stored)) {
        case .fullTime: .fullTime
        case .partTime: .partTime
        case .occasional: .occasional
        case .unavailable: .unavailable
        default: .unstated
        }
    }
}
