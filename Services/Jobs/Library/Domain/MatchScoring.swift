import Foundation
import NomadKit

/// How well one nomad fits one job, scored 0 to 100 and explained. Pure rules:
/// the stores gather the inputs, the handlers encode the result.
///
/// The formula (every part is reported on its own, so a result can always be
/// checked by hand):
///
///     score = skills (max 70) + tools (max 10) + availability (max 10) + language (max 10)
///
/// - **Skills, 70 points**, shared among the required skills by weight: skill i
///   is worth `70 × weightᵢ / Σ weight`, and earns that share times a fraction:
///   - at or above the minimum: `0.80`, plus `0.05` per level of surplus (at
///     most 2 levels, so `+0.10`), plus `0.10` when the level is *verified*
///     (a proven level, by order or scenario, at or above the minimum): at most 1.0;
///   - one level below: `0.40`; two levels below: `0.20`; further below or
///     missing: `0`.
///   The nomad's level is the higher of the declared and the proven level.
/// - **Tools, 10 points**: the share of the job's tools the nomad lists
///   (case-insensitive) on any of their skills; a job naming no tools gives 10.
/// - **Availability, 10 points**: full-time 10, part-time 7, occasional 4,
///   not stated 5, unavailable 0 (an unavailable nomad is still listed, since
///   availability changes faster than skills, but ranks lower).
/// - **Language, 10 points**: the share of the job's languages the nomad
///   speaks, compared by primary subtag ("zh-CN" matches "zh"); a job naming no
///   languages gives 10.
///
/// An *essential* skill missing, or held more than one level below its
/// minimum, rules the candidate out entirely (it is counted as excluded, not
/// listed with a low score). A missing optional skill only costs its share.
/// Points are rounded to hundredths; the score is the sum of the rounded parts.
enum MatchScoring {
    static let skillsMax = 70.0
    static let toolsMax = 10.0
    static let availabilityMax = 10.0
    static let languageMax = 10.0

    struct Requirement: Sendable, Equatable {
        var skillCode: String
        var minLevel: Int
        var weight: Int
        var essential: Bool
    }

    /// One of the nomad's skills: declared level and highest proven level.
    struct Held: Sendable, Equatable {
        var level: Int
        var verifiedLevel: Int

        var effective: Int { max(level, verifiedLevel) }
    }

    enum Availability: Sendable {
        case fullTime, partTime, occasional, unstated, unavailable
    }

    struct Nomad: Sendable {
        var skills: [String: Held]
        var tools: [String]
        var availability: Availability
        var languages: [String]
    }

    struct Job: Sendable {
        var requirements: [Requirement]
        var tools: [String]
        var languages: [String]
    }

    struct Contribution: Sendable, Equatable {
        var requirement: Requirement
        var nomadLevel: Int
        var verified: Bool
        var points: Double
        var explanation: LocalizedMessage
    }

    struct Result: Sendable {
        var score: Double
        var skillPoints: Double
        var toolsPoints: Double
        var availabilityPoints: Double
        var languagePoints: Double
        var contributions: [Contribution]
        var summary: LocalizedMessage
    }

    /// Whether the essential rule rules the nomad out for the job.
    static func isExcluded(_ nomad: [String: Held], for requirements: [Requirement]) -> Bool {
        requirements.contains { requirement in
            guard requirement.essential else { return false }
            guard let held = nomad[requirement.skillCode] else { return true }
            return held.effective < requirement.minLevel - 1
        }
    }

    /// The fraction of a skill's share a holder earns (see the formula above).
    static func fraction(required: Int, held: Held?) -> (value: Double, verified: Bool) {
        guard let held else { return (0, false) }
        let level = held.effective
        let verified = held.verifiedLevel >= required
        if level >= required {
            let surplus = Double(min(level - required, 2)) * 0.05
            return (0.80 + surplus + (verified ? 0.10 : 0), verified)
        }
        switch required - level {
        case 1: return (0.40, false)
        case 2: return (0.20, false)
        default: return (0, false)
        }
    }

    static func score(_ nomad: Nomad, for job: Job) -> Result {
        Scorer(job).score(nomad, explain: true)
    }

    /// Scores many nomads against one job: the job's tools and languages are
    /// normalised once, and explanations (the costly part, all strings) are
    /// written only when asked for, i.e. for the results actually returned.
    struct Scorer: Sendable {
        let job: Job
        let totalWeight: Int
        let wantedTools: Set<String>
        let jobLanguages: Set<String>

        init(_ job: Job) {
            self.job = job
            totalWeight = job.requirements.reduce(0) { $0 + max($1.weight, 1) }
            wantedTools = Set(job.tools.map { $0.lowercased() })
            jobLanguages = Set(job.languages.map(MatchScoring.primarySubtag))
        }

        func score(_ nomad: Nomad, explain: Bool) -> Result {
            var contributions: [Contribution] = []
            contributions.reserveCapacity(job.requirements.count)
            var skillPoints = 0.0
            for requirement in job.requirements {
                let held = nomad.skills[requirement.skillCode]
                let (points, verified) = self.points(requirement, held: held)
                skillPoints += points
                contributions.append(
                    Contribution(
                        requirement: requirement, nomadLevel: held?.effective ?? 0, verified: verified, points: points,
                        explanation: explain
                            ? MatchScoring.explain(
                                requirement, held: held, verified: verified, points: points,
                                share: MatchScoring.rounded(share(requirement)))
                            : LocalizedMessage(zh: "", en: "")))
            }
            skillPoints = MatchScoring.rounded(skillPoints)

            var toolsMatched = 0
            for tool in Set(nomad.tools.map { $0.lowercased() }) where wantedTools.contains(tool) { toolsMatched += 1 }
            let toolsPoints = self.toolsPoints(matched: toolsMatched)

            let availabilityPoints = MatchScoring.points(for: nomad.availability)

            var languagesMatched = 0
            for language in Set(nomad.languages.map(MatchScoring.primarySubtag)) where jobLanguages.contains(language) {
                languagesMatched += 1
            }
            let languagePoints = self.languagePoints(matched: languagesMatched)

            let score = MatchScoring.rounded(skillPoints + toolsPoints + availabilityPoints + languagePoints)
            var summary = LocalizedMessage(zh: "", en: "")
            if explain {
                summary = MatchScoring.summarize(
                    score: score, met: contributions.filter { $0.nomadLevel >= $0.requirement.minLevel }.count,
                    required: contributions.count, verified: contributions.filter(\.verified).count,
                    tools: (toolsMatched, wantedTools.count), availability: nomad.availability,
                    languages: (languagesMatched, jobLanguages.count))
            }
            return Result(
                score: score, skillPoints: skillPoints, toolsPoints: toolsPoints, availabilityPoints: availabilityPoints,
                languagePoints: languagePoints, contributions: contributions, summary: summary)
        }

        /// A required skill's part of the 70 skill points.
        func share(_ requirement: Requirement) -> Double {
            totalWeight > 0 ? MatchScoring.skillsMax * Double(max(requirement.weight, 1)) / Double(totalWeight) : 0
        }

        /// What holding `held` of one required skill earns, rounded as in the score.
        func points(_ requirement: Requirement, held: Held?) -> (points: Double, verified: Bool) {
            let (earned, verified) = MatchScoring.fraction(required: requirement.minLevel, held: held)
            return (MatchScoring.rounded(share(requirement) * earned), verified)
        }

        /// Tools points for a nomad listing `matched` of the job's tools.
        func toolsPoints(matched: Int) -> Double {
            wantedTools.isEmpty
                ? MatchScoring.toolsMax
                : MatchScoring.rounded(MatchScoring.toolsMax * Double(matched) / Double(wantedTools.count))
        }

        /// Language points for a nomad speaking `matched` of the job's languages.
        func languagePoints(matched: Int) -> Double {
            jobLanguages.isEmpty
                ? MatchScoring.languageMax
                : MatchScoring.rounded(MatchScoring.languageMax * Double(matched) / Double(jobLanguages.count))
        }
    }

    /// Best first; equal scores in id order, so a ranking never flickers
    /// between two identical calls.
    static func ranksBefore(_ lhs: (score: Double, id: String), _ rhs: (score: Double, id: String)) -> Bool {
        lhs.score != rhs.score ? lhs.score > rhs.score : lhs.id < rhs.id
    }

    static func ranked(_ scored: [(id: String, result: Result)], limit: Int) -> [(id: String, result: Result)] {
        Array(scored.sorted { ranksBefore(($0.result.score, $0.id), ($1.result.score, $1.id)) }.prefix(limit))
    }

    static func points(for availability: Availability) -> Double {
        switch availability {
        case .fullTime: 10
        case .partTime: 7
        case .occasional: 4
        case .unstated: 5
        case .unavailable: 0
        }
    }

    static func primarySubtag(_ tag: String) -> String {
        String(tag.lowercased().split(separator: "-").first ?? "")
    }

    static func rounded(_ value: Double) -> Double {
        (value * 100).rounded() / 100
    }

    // MARK: - Explanations

    fileprivate static func explain(
        _ requirement: Requirement, held: Held?, verified: Bool, points: Double, share: Double
    ) -> LocalizedMessage {
        let code = requirement.skillCode
        let min = requirement.minLevel
        let kindZh = requirement.essential ? "必备" : "可选"
        let kindEn = requirement.essential ? "essential" : "optional"
        let pts = format(points), of = format(share)
        guard let held else {
            return LocalizedMessage(
                zh: "\(kindZh)技能 \(code)：未掌握（要求 \(min) 级），得 0/\(of) 分",
                en: "\(kindEn) skill \(code): not held (level \(min) required), 0 of \(of) points")
        }
        let level = held.effective
        if level >= min {
            let proofZh = verified ? "已验证" : "自述"
            let proofEn = verified ? "verified" : "self-declared"
            let surplusZh = level > min ? "，高出 \(level - min) 级" : ""
            let surplusEn = level > min ? ", \(level - min) above" : ""
            return LocalizedMessage(
                zh: "\(kindZh)技能 \(code)：\(level) 级（\(proofZh)），达到要求的 \(min) 级\(surplusZh)，得 \(pts)/\(of) 分",
                en: "\(kindEn) skill \(code): level \(level) (\(proofEn)) meets the required \(min)\(surplusEn), \(pts) of \(of) points")
        }
        return LocalizedMessage(
            zh: "\(kindZh)技能 \(code)：\(level) 级，低于要求的 \(min) 级（差 \(min - level) 级），得 \(pts)/\(of) 分",
            en: "\(kindEn) skill \(code): level \(level), \(min - level) below the required \(min), \(pts) of \(of) points")
    }

    fileprivate static func summarize(
        score: Double, met: Int, required: Int, verified: Int, tools: (Int, Int), availability: Availability,
        languages: (Int, Int)
    ) -> LocalizedMessage {
        let (availabilityZh, availabilityEn): (String, String) =
            switch availability {
            case .fullTime: ("全职", "full-time")
            case .partTime: ("兼职", "part-time")
            case .occasional: ("偶尔可接单", "occasionally available")
            case .unstated: ("未说明可用时间", "availability not stated")
            case .unavailable: ("暂不可接单", "currently unavailable")
            }
        let toolsZh = tools.1 == 0 ? "岗位未要求工具" : "工具匹配 \(tools.0)/\(tools.1)"
        let toolsEn = tools.1 == 0 ? "no tools asked" : "\(tools.0) of \(tools.1) tools"
        let languagesZh = languages.1 == 0 ? "不限语言" : "语言匹配 \(languages.0)/\(languages.1)"
        let languagesEn = languages.1 == 0 ? "any language" : "\(languages.0) of \(languages.1) languages"
        return LocalizedMessage(
            zh: "匹配度 \(format(score)) 分：满足 \(met)/\(required) 项技能要求（\(verified) 项已验证），\(toolsZh)，\(availabilityZh)，\(languagesZh)",
            en:
                "Score \(format(score)): meets \(met) of \(required) skill requirements (\(verified) verified), \(toolsEn), \(availabilityEn), \(languagesEn)"
        )
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }
}
