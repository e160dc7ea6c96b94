import Foundation
@testable import Jobs
import NomadKit
import Testing

/// The scoring rules alone, without a database: each test pins one promise of
/// the formula documented on `MatchScoring`.
@Suite struct MatchScoringTests {
    typealias Held = MatchScoring.Held

    static let ios = MatchScoring.Requirement(skillCode: "software.mobile.ios", minLevel: 3, weight: 5, essential: true)
    static let ui = MatchScoring.Requirement(skillCode: "design.ui", minLevel: 2, weight: 2, essential: false)
    static let job = MatchScoring.Job(requirements: [ios, ui], tools: ["Xcode", "Figma"], languages: ["zh-CN"])

    static func nomad(
        _ skills: [String: Held], tools: [String] = ["xcode", "FIGMA"], availability: MatchScoring.Availability = .fullTime,
        languages: [String] = ["zh", "en"]
    ) -> MatchScoring.Nomad {
        MatchScoring.Nomad(skills: skills, tools: tools, availability: availability, languages: languages)
    }

    @Test func aPerfectFitScoresOneHundredAndThePartsAddUp() {
        let result = MatchScoring.score(
            Self.nomad([
                "software.mobile.ios": Held(level: 5, verifiedLevel: 5), "design.ui": Held(level: 4, verifiedLevel: 4),
            ]), for: Self.job)
        #expect(result.score == 100)
        #expect(result.skillPoints == 70)
        #expect(result.toolsPoints == 10)
        #expect(result.availabilityPoints == 10)
        #expect(result.languagePoints == 10)
        #expect(result.contributions.map(\.points) == [50, 20])
    }

    @Test func verifiedBeatsSelfDeclaredAndSurplusHelpsLessThanVerification() {
        func skillPoints(_ held: Held) -> Double {
            MatchScoring.score(
                Self.nomad(["software.mobile.ios": held, "design.ui": Held(level: 2, verifiedLevel: 0)]),
                for: Self.job
            ).skillPoints
        }
        let declared = skillPoints(Held(level: 3, verifiedLevel: 0))
        let verified = skillPoints(Held(level: 3, verifiedLevel: 3))
        let surplus = skillPoints(Held(level: 4, verifiedLevel: 0))
        let bigSurplus = skillPoints(Held(level: 5, verifiedLevel: 0))
        #expect(verified > surplus)
        #expect(surplus > declared)
        #expect(bigSurplus - surplus == surplus - declared, "surplus counts up to two levels, evenly")
        #expect(declared == 40 + 16)
        // A proof below the minimum is no verification of it.
        #expect(skillPoints(Held(level: 3, verifiedLevel: 2)) == declared)
        // A proven level above the declared one counts as the nomad's level.
        let provenHigher = MatchScoring.score(
            Self.nomad(["software.mobile.ios": Held(level: 2, verifiedLevel: 4)]), for: Self.job)
        #expect(provenHigher.contributions[0].nomadLevel == 4)
        #expect(provenHigher.contributions[0].verified)
    }

    @Test func aGapLowersTheSkillsShareStepByStep() {
        let share = 50.0
        #expect(MatchScoring.fraction(required: 3, held: Held(level: 2, verifiedLevel: 0)).value * share == 20)
        #expect(MatchScoring.fraction(required: 3, held: Held(level: 1, verifiedLevel: 0)).value * share == 10)
        #expect(MatchScoring.fraction(required: 5, held: Held(level: 1, verifiedLevel: 0)).value == 0)
        #expect(MatchScoring.fraction(required: 3, held: nil).value == 0)
    }

    @Test func theEssentialRuleExcludesMissingOrTwoLevelsBelowOnly() {
        let rule = [Self.ios, Self.ui]
        #expect(MatchScoring.isExcluded([:], for: rule))
        #expect(MatchScoring.isExcluded(["software.mobile.ios": Held(level: 1, verifiedLevel: 0)], for: rule))
        #expect(!MatchScoring.isExcluded(["software.mobile.ios": Held(level: 2, verifiedLevel: 0)], for: rule))
        #expect(!MatchScoring.isExcluded(["software.mobile.ios": Held(level: 1, verifiedLevel: 2)], for: rule))
        // An optional skill missing never excludes.
        #expect(!MatchScoring.isExcluded(["software.mobile.ios": Held(level: 3, verifiedLevel: 0)], for: rule))
    }

    @Test func toolsAvailabilityAndLanguageScoreTheirShares() {
        let skills = ["software.mobile.ios": Held(level: 3, verifiedLevel: 0)]
        let halfTools = MatchScoring.score(Self.nomad(skills, tools: ["Xcode"]), for: Self.job)
        #expect(halfTools.toolsPoints == 5)
        let unavailable = MatchScoring.score(Self.nomad(skills, availability: .unavailable), for: Self.job)
        #expect(unavailable.availabilityPoints == 0)
        #expect(MatchScoring.score(Self.nomad(skills, availability: .partTime), for: Self.job).availabilityPoints == 7)
        let foreign = MatchScoring.score(Self.nomad(skills, languages: ["fr"]), for: Self.job)
        #expect(foreign.languagePoints == 0)
        var anyLanguage = Self.job
        anyLanguage.languages = []
        anyLanguage.tools = []
        let open = MatchScoring.score(Self.nomad(skills, tools: [], languages: ["fr"]), for: anyLanguage)
        #expect(open.languagePoints == 10)
        #expect(open.toolsPoints == 10)
    }

    @Test func explanationsExistInBothLanguages() {
        let result = MatchScoring.score(Self.nomad(["software.mobile.ios": Held(level: 3, verifiedLevel: 3)]), for: Self.job)
        let ios = result.contributions[0].explanation
        #expect(ios.zhCN.contains("必备技能 software.mobile.ios") && ios.zhCN.contains("已验证"))
        #expect(ios.en.contains("essential skill software.mobile.ios") && ios.en.contains("verified"))
        let ui = result.contributions[1].explanation
        #expect(ui.zhCN.contains("未掌握"))
        #expect(ui.en.contains("not held"))
        #expect(result.summary.zhCN.hasPrefix("匹配度"))
        #expect(result.summary.en.hasPrefix("Score"))
    }

    @Test func rankingIsByScoreThenIDSoEqualScoresNeverFlicker() {
        let strong = MatchScoring.score(Self.nomad(["software.mobile.ios": Held(level: 5, verifiedLevel: 5)]), for: Self.job)
        let weak = MatchScoring.score(Self.nomad(["software.mobile.ios": Held(level: 2, verifiedLevel: 0)]), for: Self.job)
        let ranked = MatchScoring.ranked([(id: "c", result: weak), (id: "b", result: strong), (id: "a", result: weak)], limit: 2)
        #expect(ranked.map(\.id) == ["b", "a"])
    }

    /// The ranking's premise (`MatchRanking`, point 1 and 2): a score is the
    /// sum of its parts' hundredths, and each table entry is exactly what
    /// the scorer gives that skill, over many jobs and nomads.
    @Test func scoresAreSumsOfHundredthsAndTheTablesAreTheScorersOwn() {
        var random = SplitMix64(seed: 42)
        let codes = ["a", "b", "c", "d", "e", "f"]
        for _ in 0..<400 {
            let requirements = codes.prefix(Int(1 + random.next() % 6)).map {
                MatchScoring.Requirement(
                    skillCode: $0, minLevel: Int(1 + random.next() % 5), weight: Int(1 + random.next() % 10),
                    essential: random.next() % 2 == 0)
            }
            let job = MatchScoring.Job(
                requirements: requirements, tools: ["x", "y", "z"].filter { _ in random.next() % 2 == 0 },
                languages: [["zh-CN"], ["en", "fr"], [], ["zh", "zh-TW", "en"]][Int(random.next() % 4)])
            let scorer = MatchScoring.Scorer(job)
            let tables = MatchScoring.BoundTables(scorer)
            #expect(tables.skillPoints.count == requirements.count * 36)
            #expect(tables.toolsMax == 1000)
            #expect(tables.languagePoints == tables.languagePoints.sorted(), "more languages never score less")
            var skills: [String: Held] = [:]
            for code in codes where random.next() % 3 != 0 {
                skills[code] = Held(level: Int(1 + random.next() % 5), verifiedLevel: Int(random.next() % 6))
            }
            let nomad = Self.nomad(
                skills, tools: ["X", "q"].filter { _ in random.next() % 2 == 0 },
                availability: ([.fullTime, .partTime, .occasional, .unstated, .unavailable] as [MatchScoring.Availability])[
                    Int(random.next() % 5)],
                languages: [["zh-CN"], ["EN"], ["fr", "en-GB"], []][Int(random.next() % 4)])
            let result = scorer.score(nomad, explain: false)
            let parts = result.contributions.map { MatchScoring.hundredths($0.points) }
            #expect(
                MatchScoring.hundredths(result.score) == parts.reduce(0, +)
                    + MatchScoring.hundredths(result.toolsPoints) + MatchScoring.hundredths(result.availabilityPoints)
                    + MatchScoring.hundredths(result.languagePoints))
            for (position, contribution) in result.contributions.enumerated() {
                let held = skills[contribution.requirement.skillCode]
                guard let held else { continue }
                let entry = tables.skillPoints[position * 36 + held.level * 6 + held.verifiedLevel]
                #expect(Int(entry) == parts[position])
            }
        }
    }

    /// Point 3 of `MatchRanking`: reading stops only when the last candidate
    /// read, at its bound, no longer ranks before the cut; equal at the cut,
    /// the ids decide, as in the ranking itself.
    @Test func readingStopsOnlyWhenNoUnreadCandidateCanEnter() {
        var ranking = MatchRanking(limit: 2)
        ranking.add(key: "b", score: 90)
        ranking.add(key: "d", score: 80)
        ranking.add(key: "c", score: 80)
        // The cut is (80, "c").
        #expect(ranking.threshold(afterLast: (bound: 7999, key: "a")) == nil)
        #expect(ranking.threshold(afterLast: (bound: 8000, key: "d")) == nil, "a tie after the cut's id loses")
        #expect(ranking.threshold(afterLast: (bound: 8000, key: "c")) == nil)
        #expect(ranking.threshold(afterLast: (bound: 8000, key: "a")) == 8000, "a tie before the cut's id could win")
        #expect(ranking.threshold(afterLast: (bound: 9000, key: "z")) == 8000)
        #expect(ranking.top.map(\.key) == ["b", "c"])
        #expect(MatchRanking(limit: 3).threshold(afterLast: (bound: 0, key: "a")) == Int.min, "too few scored")
    }
}
