import Foundation
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// The reads matching needs: a job's requirements, a nomad's profile, and the
/// candidates on either side. Everything that can be decided by an index is
/// decided in SQL (who holds a job's skills, who passes the essential rule,
/// and for MatchNomads an upper bound of each candidate's score, see
/// `MatchRanking`); scoring and explanations stay in `MatchScoring`. The
/// reads of every call are prepared statements, run outside any transaction.
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
    static func job(_ tx: Tx, id: UUID) async throws -> JobRow? {
        for try await row in try await tx.execute(JobStatement(id: id)) { return row }
        return nil
    }

    /// Prepared: read by MatchNomads and GetSkillGap on every call.
    struct JobStatement: PostgresPreparedStatement {
        static let sql = """
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
            WHERE j.id = $1
            GROUP BY j.id
            """
        let id: UUID

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(id)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> JobRow {
            let (enterprise, status, tools, languages, codes, levels, weights, essentials) =
                try row.decode((UUID, Int16, [String], [String], [String], [Int16], [Int16], [Int16]).self)
            return JobRow(
                id: id, enterpriseID: enterprise, status: status,
                job: MatchScoring.Job(
                    requirements: MatchStore.requirements(codes, levels, weights, essentials), tools: tools,
                    languages: languages))
        }
    }

    /// A nomad's profile for scoring; nil when they have none.
    static func profile(_ tx: Tx, nomadID: UUID) async throws -> MatchScoring.Nomad? {
        for try await nomad in try await tx.execute(ProfileStatement(nomadID: nomadID)) {
            return nomad
        }
        return nil
    }

    /// Prepared: read by MatchJobs and GetSkillGap on every call.
    struct ProfileStatement: PostgresPreparedStatement {
        static let sql = """
            SELECT p.availability, p.languages,
              COALESCE(array_agg(ps.skill_code) FILTER (WHERE ps.skill_code IS NOT NULL), '{}'),
              COALESCE(array_agg(ps.level) FILTER (WHERE ps.skill_code IS NOT NULL), '{}'),
              COALESCE(array_agg(ps.verified_level) FILTER (WHERE ps.skill_code IS NOT NULL), '{}'),
              ARRAY(SELECT DISTINCT t FROM profile_skills s, unnest(s.tools) t WHERE s.nomad_id = p.nomad_id)
            FROM profiles p LEFT JOIN profile_skills ps ON ps.nomad_id = p.nomad_id
            WHERE p.nomad_id = $1
            GROUP BY p.nomad_id
            """
        let nomadID: UUID

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(nomadID)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> MatchScoring.Nomad {
            let (availability, languages, codes, levels, verified, tools) =
                try row.decode((Int16, [String], [String], [Int16], [Int16], [String]).self)
            return MatchScoring.Nomad(
                skills: MatchStore.held(codes, levels, verified), tools: tools,
                availability: MatchStore.availability(availability), languages: languages)
        }
    }

    /// One read of MatchNomads' candidates, in the order of an upper bound of
    /// their score (see `MatchRanking`): the counts, when asked for, and up to
    /// `limit` candidates with what scoring them needs.
    struct RankedNomads: Sendable {
        /// Nomads holding an essential skill (any required skill when none
        /// is essential), and those of them who pass the essential rule.
        var holders: Int
        var candidates: Int
        var read: [Candidate]

        struct Candidate: Sendable {
            var id: UUID
            /// The bound, in hundredths of a point.
            var bound: Int
            var nomad: MatchScoring.Nomad
        }
    }

    /// Candidates for a job, best bound first (then by id), from
    /// `match_nomads_ranked` (migration 8): past `after` when given, with a
    /// bound of at least `atLeast` hundredths, at most `limit` of them.
    static func rankedNomads(
        _ tx: Tx, job: MatchScoring.Job, tables: MatchScoring.BoundTables,
        after: (bound: Int, id: UUID)?, atLeast: Int?, limit: Int, counts: Bool
    ) async throws -> RankedNomads {
        guard !job.requirements.isEmpty else { return RankedNomads(holders: 0, candidates: 0, read: []) }
        let statement = RankedNomadsStatement(
            job: job, tables: tables, after: after, atLeast: atLeast, limit: limit, counts: counts)
        var result = RankedNomads(holders: 0, candidates: 0, read: [])
        for try await row in try await tx.execute(statement) {
            result.holders = row.holders
            result.candidates = row.candidates
            if let candidate = row.candidate { result.read.append(candidate) }
        }
        return result
    }

    /// Prepared: the ranking SQL lives in the function, which plans it for
    /// the job's own skills on each call (a popular skill and a rare one want
    /// different plans).
    struct RankedNomadsStatement: PostgresPreparedStatement {
        static let sql = """
            SELECT holders, candidates, nomad_id, bound, availability, languages, held, tools
            FROM match_nomads_ranked($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
            """
        static let bindingDataTypes: [PostgresDataType] = [
            .textArray, .boolArray, .int2Array, .int4Array, .int4Array, .textArray, .int4Array, .int4, .textArray,
            .int4, .uuid, .int4, .int4, .bool,
        ]

        /// Availability points by the stored number, for the numbers the
        /// proto names (any other is bounded by the most there is).
        static let availabilityPoints: [Int32] = (0...4).map {
            Int32(MatchScoring.hundredths(MatchScoring.points(for: MatchStore.availability(Int16($0)))))
        }

        let job: MatchScoring.Job
        let tables: MatchScoring.BoundTables
        let after: (bound: Int, id: UUID)?
        let atLeast: Int?
        let limit: Int
        let counts: Bool

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(job.requirements.map(\.skillCode))
            bindings.append(job.requirements.map(\.essential))
            bindings.append(job.requirements.map { Int16($0.minLevel) })
            bindings.append(tables.skillPoints)
            bindings.append(Self.availabilityPoints)
            bindings.append(tables.languageKeys)
            bindings.append(tables.languagePoints)
            bindings.append(tables.toolsMax)
            // The same lower-casing as the scorer, on the database's side too.
            bindings.append(Array(Set(job.tools.map { $0.lowercased() })).sorted())
            bindings.append(after.map { Int32(clamping: $0.bound) })
            bindings.append(after?.id)
            bindings.append(atLeast.map { Int32(clamping: $0) })
            bindings.append(Int32(clamping: limit))
            bindings.append(counts)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> (holders: Int, candidates: Int, candidate: RankedNomads.Candidate?) {
            let (holders, candidates, id, bound, availability, languages, held, tools) =
                try row.decode((Int?, Int, UUID?, Int?, Int16?, [String]?, [Int32]?, [String]?).self)
            guard let id, let bound else { return (holders ?? 0, candidates, nil) }
            // Each held entry is `position * 36 + level * 6 + proven level`.
            var skills: [String: MatchScoring.Held] = [:]
            for value in held ?? [] {
                let position = Int(value) / 36, levels = Int(value) % 36
                guard job.requirements.indices.contains(position) else { continue }
                skills[job.requirements[position].skillCode] = MatchScoring.Held(level: levels / 6, verifiedLevel: levels % 6)
            }
            let nomad = MatchScoring.Nomad(
                skills: skills, tools: tools ?? [], availability: MatchStore.availability(availability ?? 0),
                languages: languages ?? [])
            return (holders ?? 0, candidates, RankedNomads.Candidate(id: id, bound: bound, nomad: nomad))
        }
    }

    /// MatchJobs' candidates: open jobs before their deadline requiring at
    /// least one of the nomad's skills. The essential rule is applied in SQL,
    /// so only the jobs that pass it are read with their requirements (a
    /// nomad with a popular skill touches hundreds of jobs, most of which
    /// need an essential skill they lack); `excluded` counts the others.
    static func jobsFor(
        _ tx: Tx, nomad: MatchScoring.Nomad
    ) async throws -> (excluded: Int, jobs: [(id: UUID, job: MatchScoring.Job)]) {
        guard !nomad.skills.isEmpty else { return (0, []) }
        var excluded = 0
        var jobs: [(id: UUID, job: MatchScoring.Job)] = []
        for try await row in try await tx.execute(JobsForNomadStatement(skills: nomad.skills)) {
            excluded = row.excluded
            if let job = row.job { jobs.append(job) }
        }
        return (excluded, jobs)
    }

    /// Prepared. A job passes when each of its essential skills is held at
    /// most one level below the minimum (`MatchScoring.isExcluded`, with the
    /// nomad's effective levels passed in).
    struct JobsForNomadStatement: PostgresPreparedStatement {
        static let sql = """
            WITH judged AS MATERIALIZED (
              SELECT j.id, j.tools, j.languages, p.passes
              FROM (SELECT DISTINCT t.job_id FROM job_skills t WHERE t.skill_code = ANY($1::text[])) touched
              -- A primary-key read per touched job: a few hundred at most,
              -- where the planner would rather scan every job (OFFSET 0 keeps
              -- the lateral from being flattened into that join).
              CROSS JOIN LATERAL (
                SELECT j.id, j.tools, j.languages FROM jobs j
                WHERE j.id = touched.job_id AND j.status = \(Nomad_Jobs_V1_JobStatus.open.rawValue) AND j.deadline > now() OFFSET 0
              ) j
              CROSS JOIN LATERAL (
                SELECT bool_and(NOT js.essential
                  OR COALESCE(($2::int2[])[array_position($1::text[], js.skill_code)] >= js.min_level - 1, false)) AS passes
                FROM job_skills js WHERE js.job_id = j.id
              ) p
            )
            SELECT (SELECT count(*) FROM judged WHERE NOT passes), q.id, q.tools, q.languages,
              r.codes, r.levels, r.weights, r.essentials
            FROM (SELECT 1) one
            LEFT JOIN judged q ON q.passes
            LEFT JOIN LATERAL (
              SELECT array_agg(js.skill_code ORDER BY js.essential DESC, js.weight DESC, js.skill_code) AS codes,
                array_agg(js.min_level ORDER BY js.essential DESC, js.weight DESC, js.skill_code) AS levels,
                array_agg(js.weight ORDER BY js.essential DESC, js.weight DESC, js.skill_code) AS weights,
                array_agg(js.essential::int::int2 ORDER BY js.essential DESC, js.weight DESC, js.skill_code) AS essentials
              FROM job_skills js WHERE js.job_id = q.id
            ) r ON true
            """
        let skills: [String: MatchScoring.Held]

        func makeBindings() throws -> PostgresBindings {
            let held = skills.sorted { $0.key < $1.key }
            var bindings = PostgresBindings()
            bindings.append(held.map(\.key))
            bindings.append(held.map { Int16($0.value.effective) })
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> (excluded: Int, job: (id: UUID, job: MatchScoring.Job)?) {
            let (excluded, id, tools, languages, codes, levels, weights, essentials) = try row.decode(
                (Int, UUID?, [String]?, [String]?, [String]?, [Int16]?, [Int16]?, [Int16]?).self)
            guard let id, let tools, let languages, let codes, let levels, let weights, let essentials else {
                return (excluded, nil)
            }
            return (
                excluded,
                (
                    id,
                    MatchScoring.Job(
                        requirements: MatchStore.requirements(codes, levels, weights, essentials), tools: tools,
                        languages: languages)
                )
            )
        }
    }

    /// Names of skills, by code.
    static func names(_ tx: Tx, codes: [String]) async throws -> [String: SkillName] {
        guard !codes.isEmpty else { return [:] }
        let rows = try await tx.query(
            "SELECT code, name_zh, name_en FROM skills WHERE code = ANY(\(codes))")
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
        _ tx: Tx, gaps: [(code: String, level: Int)], perGap: Int
    ) async throws -> [String: [Nomad_Jobs_V1_Scenario]] {
        guard !gaps.isEmpty else { return [:] }
        let codes = gaps.map(\.code)
        let levels = gaps.map { Int16($0.level) }
        let rows = try await tx.query(
            """
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
            """)
        var result: [String: [Nomad_Jobs_V1_Scenario]] = [:]
        for try await (gap, id, code, level, titleZh, titleEn, descriptionZh, descriptionEn, provider, hours)
            in rows.decode((String, UUID, String, Int16, String, String, String, String, String, Int).self)
        {
            result[gap, default: []].append(
                .with {
                    $0.scenarioID = id.text
                    $0.skillCode = code
                    $0.level = Int32(level)
                    $0.title = .with {
                        $0.zhCn = titleZh; $0.en = titleEn
                    }
                    $0.description_p = .with {
                        $0.zhCn = descriptionZh; $0.en = descriptionEn
                    }
                    $0.provider = provider
                    $0.hours = Int32(hours)
                })
        }
        return result
    }

    // MARK: - Decoding helpers

    static func requirements(
        _ codes: [String], _ levels: [Int16], _ weights: [Int16], _ essentials: [Int16]
    ) -> [MatchScoring.Requirement] {
        codes.indices.map { index in
            MatchScoring.Requirement(
                skillCode: codes[index], minLevel: Int(levels[index]), weight: Int(weights[index]),
                essential: essentials[index] != 0)
        }
    }

    static func held(_ codes: [String], _ levels: [Int16], _ verified: [Int16]) -> [String: MatchScoring.Held] {
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
