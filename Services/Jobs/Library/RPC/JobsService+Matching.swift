import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import SwiftProtobuf

/// Matching (技能标签—岗位画像): reads only, so no request_id and no outbox
/// event. Scores and their explanations come from `MatchScoring`.
///
/// Counting: `considered` is how many candidates were scored, `excluded` how
/// many the essential rule ruled out before scoring. A candidate is a nomad
/// holding at least one of the job's essential skills, or any of its skills
/// when none is essential (MatchNomads), or an open job
/// before its deadline requiring at least one of the nomad's skills
/// (MatchJobs); sharing no skill at all is not a match worth ranking.
extension JobsService {
    static let defaultMatchLimit = 20
    static let maxMatchLimit = 50
    static let scenariosPerGap = 10

    func matchNomads(request: Nomad_Jobs_V1_MatchNomadsRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_MatchResponse {
        let principal = try caller
        let jobID = try Validate.uuid(request.jobID, "job_id")
        let limit = try Self.matchLimit(request.limit)
        let language = self.language
        return try await database.read { tx in
            let row = try await MatchStore.job(tx, id: jobID).orNotFound("job")
            if principal.role == .enterprise, row.enterpriseID != principal.accountID {
                throw NomadError.permissionDenied
            }
            if row.status == Int16(Nomad_Jobs_V1_JobStatus.closed.rawValue) {
                throw NomadError.wrongState("岗位已关闭，无需匹配", "the job is closed; there is nothing to match")
            }
            // Candidates are read best bound first and scored exactly here,
            // until no unread one can enter the top `limit`; `MatchRanking`
            // says why that is the same ranking as scoring them all. The
            // first read is a little longer than `limit`, since a few bounds
            // above their score (tools not listed) are usual at the cut.
            let scorer = MatchScoring.Scorer(row.job)
            let tables = MatchScoring.BoundTables(scorer)
            let first = try await MatchStore.rankedNomads(
                tx, job: row.job, tables: tables, after: nil, atLeast: nil, limit: Self.firstRead(limit),
                counts: true)
            var ranking = MatchRanking(limit: limit)
            var nomads: [String: MatchScoring.Nomad] = [:]
            func score(_ read: [MatchStore.RankedNomads.Candidate]) {
                for candidate in read {
                    let key = candidate.id.text
                    let score = scorer.score(candidate.nomad, explain: false).score
                    assert(MatchScoring.hundredths(score) <= candidate.bound, "a bound below the score")
                    ranking.add(key: key, score: score)
                    nomads[key] = candidate.nomad
                }
            }
            score(first.read)
            if first.read.count == Self.firstRead(limit), let last = first.read.last,
                let threshold = ranking.threshold(afterLast: (last.bound, last.id.text))
            {
                let rest = try await MatchStore.rankedNomads(
                    tx, job: row.job, tables: tables, after: (last.bound, last.id), atLeast: threshold,
                    limit: Int(Int32.max), counts: false)
                score(rest.read)
            }
            return .with {
                $0.matches = ranking.top.compactMap { ranked in
                    nomads[ranked.key].map {
                        Self.match(nomadID: ranked.key, jobID: jobID.text, scorer.score($0, explain: true), language)
                    }
                }
                $0.considered = Int32(first.candidates)
                $0.excluded = Int32(first.holders - first.candidates)
            }
        }
    }

    /// How many candidates MatchNomads reads first. A larger first read
    /// saves the occasional second one, but 4 × limit + 70 made every call
    /// of the popular-skill bench slower, not faster (README, Matching).
    static func firstRead(_ limit: Int) -> Int { limit * 2 + 10 }

    func matchJobs(request: Nomad_Jobs_V1_MatchJobsRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_MatchResponse {
        let principal = try caller
        let nomadID = try Self.nomadID(request.nomadID, principal: principal)
        let limit = try Self.matchLimit(request.limit)
        let language = self.language
        return try await database.read { tx in
            let nomad = try await MatchStore.profile(tx, nomadID: nomadID).orNotFound("profile")
            // The essential rule is applied in SQL: only the jobs that pass it
            // are read, and all of them are scored (a nomad's few skills keep
            // them to dozens).
            let (excluded, jobs) = try await MatchStore.jobsFor(tx, nomad: nomad)
            var scored: [(key: String, scorer: MatchScoring.Scorer, score: Double)] = []
            scored.reserveCapacity(jobs.count)
            for (id, job) in jobs {
                let scorer = MatchScoring.Scorer(job)
                scored.append((id.text, scorer, scorer.score(nomad, explain: false).score))
            }
            let top = scored.sorted { MatchScoring.ranksBefore(($0.score, $0.key), ($1.score, $1.key)) }.prefix(limit)
            return .with {
                $0.matches = top.map {
                    Self.match(nomadID: nomadID.text, jobID: $0.key, $0.scorer.score(nomad, explain: true), language)
                }
                $0.considered = Int32(scored.count)
                $0.excluded = Int32(excluded)
            }
        }
    }

    func getSkillGap(request: Nomad_Jobs_V1_GetSkillGapRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_SkillGap {
        let principal = try caller
        let nomadID = try Self.nomadID(request.nomadID, principal: principal)
        let jobID = try Validate.uuid(request.jobID, "job_id")
        return try await database.read { tx in
            let row = try await MatchStore.job(tx, id: jobID).orNotFound("job")
            if principal.role == .enterprise, row.enterpriseID != principal.accountID {
                throw NomadError.permissionDenied
            }
            // No profile yet: every required skill is missing, which is the
            // answer a nomad starting out needs.
            let held = try await MatchStore.profile(tx, nomadID: nomadID)?.skills ?? [:]
            let gaps = row.job.requirements.filter { requirement in
                (held[requirement.skillCode]?.effective ?? 0) < requirement.minLevel
            }
            let names = try await MatchStore.names(tx, codes: gaps.map(\.skillCode))
            let scenarios = try await MatchStore.scenarios(
                tx, gaps: gaps.map { ($0.skillCode, $0.minLevel) }, perGap: Self.scenariosPerGap)
            let items = gaps.map { requirement in
                let current = held[requirement.skillCode]?.effective ?? 0
                return (
                    requirement.essential,
                    Nomad_Jobs_V1_GapItem.with {
                        $0.skillCode = requirement.skillCode
                        if let name = names[requirement.skillCode] {
                            $0.name = .with {
                                $0.zhCn = name.zh; $0.en = name.en
                            }
                        }
                        $0.requiredLevel = Int32(requirement.minLevel)
                        $0.currentLevel = Int32(current)
                        $0.missing = current == 0
                        $0.scenarios = scenarios[requirement.skillCode] ?? []
                    }
                )
            }
            return .with {
                $0.nomadID = nomadID.text
                $0.jobID = jobID.text
                $0.essential = items.filter(\.0).map(\.1)
                $0.optional = items.filter { !$0.0 }.map(\.1)
                $0.qualified = $0.essential.isEmpty
            }
        }
    }

    // MARK: - Shared checks and mapping

    /// 1 to 50; 0 means the default.
    static func matchLimit(_ requested: Int32) throws -> Int {
        if requested == 0 { return defaultMatchLimit }
        guard requested >= 1, requested <= Int32(maxMatchLimit) else {
            throw NomadError.invalid("limit", zh: "必须在 1 到 \(maxMatchLimit) 之间", en: "must be between 1 and \(maxMatchLimit)")
        }
        return Int(requested)
    }

    static func match(nomadID: String, jobID: String, _ result: MatchScoring.Result, _ language: Language) -> Nomad_Jobs_V1_Match {
        .with {
            $0.nomadID = nomadID
            $0.jobID = jobID
            $0.score = result.score
            $0.skillPoints = result.skillPoints
            $0.toolsPoints = result.toolsPoints
            $0.availabilityPoints = result.availabilityPoints
            $0.languagePoints = result.languagePoints
            $0.contributions = result.contributions.map { contribution in
                .with {
                    $0.skillCode = contribution.requirement.skillCode
                    $0.requiredLevel = Int32(contribution.requirement.minLevel)
                    $0.nomadLevel = Int32(contribution.nomadLevel)
                    $0.verified = contribution.verified
                    $0.weight = Int32(contribution.requirement.weight)
                    $0.essential = contribution.requirement.essential
                    $0.points = contribution.points
                    $0.explanation = contribution.explanation.text(language)
                }
            }
            $0.summary = result.summary.text(language)
        }
    }
}
