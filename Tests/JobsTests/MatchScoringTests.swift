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
        let result = MatchScoring.score(Self.nomad([
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
            MatchScoring.score(Self.nomad(["software.mobile.ios": held, "design.ui": Held(level: 2, verifiedLevel: 0)]),
                               for: Self.job).skillPoints
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
}
