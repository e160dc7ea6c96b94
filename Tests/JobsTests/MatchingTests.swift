import Foundation
import GRPCCore
@testable import Jobs
import Logging
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

/// MatchNomads, MatchJobs and GetSkillGap over real gRPC. The data is written
/// straight into this test's schema (skills, profiles with proven levels, jobs
/// in every state), so each ranking below is crafted and checked by hand
/// against the formula on `MatchScoring`.
@Suite struct MatchingTests {
    static let ios = "software.mobile.ios"
    static let ui = "design.ui"
    static let backend = "software.backend"

    /// The job of the ranking tests: iOS essential (min 3, weight 5, 50 points),
    /// UI optional (min 2, weight 2, 20 points).
    static let rankingSkills: [MatchSeed.Requirement] = [(ios, 3, 5, true), (ui, 2, 2, false)]

    @Test func nomadsRankByTheFormulaAndTheEssentialRuleExcludes() async throws {
        try await withJobs { env in
            let owner = env.enterprise()
            let seed = MatchSeed(env: env)
            let job = try await seed.job(by: owner, skills: Self.rankingSkills)
            let verified = try await seed.profile(skills: [(Self.ios, 3, 3), (Self.ui, 2, 0)])
            let surplus = try await seed.profile(skills: [(Self.ios, 4, 0), (Self.ui, 2, 0)])
            let declared = try await seed.profile(skills: [(Self.ios, 3, 0), (Self.ui, 2, 0)])
            let noOptional = try await seed.profile(skills: [(Self.ios, 3, 0)])
            let gap = try await seed.profile(skills: [(Self.ios, 2, 0), (Self.ui, 2, 0)])
            _ = try await seed.profile(skills: [(Self.ios, 1, 0), (Self.ui, 5, 5)])  // two below: out
            _ = try await seed.profile(skills: [(Self.ui, 5, 5)])  // essential missing: not a candidate
            _ = try await seed.profile(skills: [(Self.backend, 5, 5)])  // shares no skill

            let response = try await env.client.matchNomads(.with { $0.jobID = job }, metadata: owner.metadata)
            #expect(response.matches.map(\.nomadID) == [verified, surplus, declared, noOptional, gap])
            #expect(response.considered == 5)
            #expect(response.excluded == 1)
            // Same tools, full-time, a shared language: 30 points each on top of skills.
            #expect(response.matches.map(\.skillPoints) == [61, 58.5, 56, 40, 36])
            #expect(response.matches.map(\.score) == [91, 88.5, 86, 70, 66])
            for match in response.matches {
                #expect(match.jobID == job)
                #expect(match.score == match.skillPoints + match.toolsPoints + match.availabilityPoints + match.languagePoints)
                #expect(match.contributions.map(\.skillCode) == [Self.ios, Self.ui])
                #expect(match.contributions.reduce(0) { $0 + $1.points } == match.skillPoints)
                #expect(match.contributions.allSatisfy { !$0.explanation.isEmpty })
                #expect(!match.summary.isEmpty)
            }
            let top = response.matches[0].contributions[0]
            #expect(top.verified && top.nomadLevel == 3 && top.requiredLevel == 3 && top.weight == 5 && top.essential)
            #expect(!response.matches[1].contributions[0].verified)
            let missing = response.matches[3].contributions[1]
            #expect(missing.nomadLevel == 0 && missing.points == 0 && !missing.essential)

            let limited = try await env.client.matchNomads(
                .with {
                    $0.jobID = job; $0.limit = 2
                }, metadata: owner.metadata)
            #expect(limited.matches.map(\.nomadID) == [verified, surplus])
            #expect(limited.considered == 5)
        }
    }

    /// Tools are read only for nomads who can still reach the top: a nomad
    /// whose skills alone rank second must still win on tools.
    @Test func toolsCountAndCanLiftANomadToTheTop() async throws {
        try await withJobs { env in
            let owner = env.enterprise()
            let seed = MatchSeed(env: env)
            let job = try await seed.job(by: owner, skills: Self.rankingSkills, tools: ["Xcode", "Figma"])
            let noTools = try await seed.profile(skills: [(Self.ios, 4, 0), (Self.ui, 2, 0)], tools: [])
            let withTools = try await seed.profile(skills: [(Self.ios, 3, 0), (Self.ui, 2, 0)], tools: ["xcode", "FIGMA"])
            let halfTools = try await seed.profile(skills: [(Self.ios, 3, 0)], tools: ["Xcode"])
            for _ in 0..<3 { _ = try await seed.profile(skills: [(Self.ios, 2, 0)], tools: []) }

            let response = try await env.client.matchNomads(
                .with {
                    $0.jobID = job; $0.limit = 1
                }, metadata: owner.metadata)
            #expect(response.matches.map(\.nomadID) == [withTools])
            #expect(response.matches[0].toolsPoints == 10)
            let all = try await env.client.matchNomads(.with { $0.jobID = job }, metadata: owner.metadata)
            #expect(Array(all.matches.map(\.nomadID).prefix(3)) == [withTools, noTools, halfTools])
            #expect(all.matches[1].toolsPoints == 0)
            #expect(all.matches[2].toolsPoints == 5)
            #expect(all.considered == 6)
        }
    }

    @Test func unavailableNomadsAreListedWithNoAvailabilityPoints() async throws {
        try await withJobs { env in
            let owner = env.enterprise()
            let seed = MatchSeed(env: env)
            let job = try await seed.job(by: owner, skills: Self.rankingSkills, languages: [])
            let away = try await seed.profile(
                skills: [(Self.ios, 5, 5), (Self.ui, 5, 5)], availability: .unavailable, languages: ["fr"])
            let response = try await env.client.matchNomads(.with { $0.jobID = job }, metadata: env.officer().metadata)
            #expect(response.matches.map(\.nomadID) == [away])
            #expect(response.matches[0].availabilityPoints == 0)
            #expect(response.matches[0].languagePoints == 10, "a job naming no language takes any")
            #expect(response.matches[0].score == 90)
        }
    }

    /// Availability and languages are copied onto profile skills for the
    /// candidate scan (migration 5): a profile change must reach the ranking,
    /// and a skill added later must carry the profile's current values.
    @Test func profileChangesReachTheCandidateScan() async throws {
        try await withJobs { env in
            let owner = env.enterprise()
            let seed = MatchSeed(env: env)
            let job = try await seed.job(by: owner, skills: Self.rankingSkills)
            let nomadID = try await seed.profile(skills: [(Self.ios, 3, 0)], availability: .fullTime, languages: ["en"])
            let before = try await env.client.matchNomads(.with { $0.jobID = job }, metadata: owner.metadata)
            #expect(before.matches.map(\.availabilityPoints) == [10])
            #expect(before.matches.map(\.languagePoints) == [0])

            try await seed.sql { connection in
                let id = UUID(uuidString: nomadID)!
                try await connection.query(
                    """
                    UPDATE profiles SET availability = 4, languages = '{zh-CN}' WHERE nomad_id = \(id)
                    """, logger: Logger(label: "matching-tests.sql"))
                try await connection.query(
                    """
                    INSERT INTO profile_skills (nomad_id, skill_code, level) VALUES (\(id), 'design.ui', 2)
                    """, logger: Logger(label: "matching-tests.sql"))
            }
            let after = try await env.client.matchNomads(.with { $0.jobID = job }, metadata: owner.metadata)
            #expect(after.matches.map(\.availabilityPoints) == [0])
            #expect(after.matches.map(\.languagePoints) == [10])
            #expect(after.matches.first?.contributions.map(\.nomadLevel) == [3, 2])
        }
    }

    /// The copies race: a profile update and a new skill row committing at the
    /// same time must not leave the new row with the old values. Fired at
    /// once on separate connections, then every copy is compared.
    @Test func concurrentProfileUpdatesAndNewSkillsLeaveNoStaleCopy() async throws {
        try await withJobs { env in
            let seed = MatchSeed(env: env)
            let nomadID = try await seed.profile(skills: [(Self.ios, 3, 0)])
            let id = UUID(uuidString: nomadID)!
            let codes = (0..<12).map { "design.ui.bench\($0)" }
            try await seed.sql { connection in
                for code in codes {
                    try await connection.query(
                        """
                        INSERT INTO skills (code, parent_code, name_zh, name_en) VALUES (\(code), 'design.ui', \(code), \(code))
                        """, logger: Logger(label: "matching-tests.sql"))
                }
            }
            let logger = Logger(label: "matching-tests.sql")
            let client = try Database.makeClient(url: env.app.databaseURL, schema: env.app.schema, poolSize: 24, logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                try await withThrowingTaskGroup(of: Void.self) { writers in
                    for (index, code) in codes.enumerated() {
                        writers.addTask {
                            try await client.withConnection { connection in
                                try await connection.query("BEGIN", logger: logger)
                                try await connection.query(
                                    """
                                    INSERT INTO profile_skills (nomad_id, skill_code, level) VALUES (\(id), \(code), 2)
                                    """, logger: logger)
                                try await connection.query("COMMIT", logger: logger)
                            }
                        }
                        writers.addTask {
                            let availability = Int16(1 + index % 4)
                            let languages = index % 2 == 0 ? ["zh-CN"] : ["en", "fr"]
                            _ = try await client.withConnection { connection in
                                try await connection.query(
                                    """
                                    UPDATE profiles SET availability = \(availability), languages = \(languages)
                                    WHERE nomad_id = \(id)
                                    """, logger: logger)
                            }
                        }
                    }
                    try await writers.waitForAll()
                }
                let stale = try await client.withConnection { connection in
                    try await connection.query(
                        """
                        SELECT count(*) FROM profile_skills ps JOIN profiles p ON p.nomad_id = ps.nomad_id
                        WHERE ps.nomad_id = \(id)
                          AND (ps.availability <> p.availability OR ps.languages <> p.languages)
                        """, logger: logger
                    ).collect().first!.decode(Int.self)
                }
                let rows = try await client.withConnection { connection in
                    try await connection.query(
                        "SELECT count(*) FROM profile_skills WHERE nomad_id = \(id)", logger: logger
                    ).collect().first!.decode(Int.self)
                }
                #expect(stale == 0)
                #expect(rows == 1 + codes.count)
                group.cancelAll()
            }
        }
    }

    @Test func explanationsFollowTheCallersLanguage() async throws {
        try await withJobs { env in
            let owner = env.enterprise()
            let seed = MatchSeed(env: env)
            let job = try await seed.job(by: owner, skills: Self.rankingSkills)
            let nomadID = try await seed.profile(skills: [(Self.ios, 3, 3)])
            let nomad = JobsEnv.Caller(
                id: nomadID,
                token: TestKeys.token(
                    for: Principal(
                        accountID: UUID(uuidString: nomadID)!, role: .nomad, standing: .certified)))

            let zh = try await env.client.matchNomads(.with { $0.jobID = job }, metadata: owner.metadata(language: "zh-CN"))
            #expect(zh.matches[0].contributions[0].explanation.contains("必备技能 software.mobile.ios"))
            #expect(zh.matches[0].contributions[0].explanation.contains("已验证"))
            #expect(zh.matches[0].contributions[1].explanation.contains("未掌握"))
            #expect(zh.matches[0].summary.hasPrefix("匹配度"))

            let en = try await env.client.matchNomads(.with { $0.jobID = job }, metadata: owner.metadata(language: "en"))
            #expect(en.matches[0].contributions[0].explanation.contains("essential skill software.mobile.ios"))
            #expect(en.matches[0].contributions[1].explanation.contains("not held"))
            #expect(en.matches[0].summary.hasPrefix("Score"))

            let jobsZh = try await env.client.matchJobs(.init(), metadata: nomad.metadata(language: "zh-CN"))
            #expect(jobsZh.matches.first?.summary.hasPrefix("匹配度") == true)
        }
    }

    @Test func matchJobsListsOnlyOpenJobsBeforeTheirDeadline() async throws {
        try await withJobs { env in
            let seed = MatchSeed(env: env)
            let enterprise = env.enterprise()
            let nomadID = try await seed.profile(skills: [(Self.ios, 3, 0), (Self.ui, 2, 0)])
            let nomad = JobsEnv.Caller(
                id: nomadID,
                token: TestKeys.token(
                    for: Principal(
                        accountID: UUID(uuidString: nomadID)!, role: .nomad, standing: .certified)))
            let best = try await seed.job(by: enterprise, skills: [(Self.ios, 3, 5, true), (Self.ui, 2, 2, false)])
            let stretch = try await seed.job(by: enterprise, skills: [(Self.ios, 4, 5, true)])
            _ = try await seed.job(by: enterprise, skills: [(Self.ios, 3, 5, true)], status: 3)  // closed
            _ = try await seed.job(by: enterprise, skills: [(Self.ios, 3, 5, true)], status: 2)  // filled
            _ = try await seed.job(by: enterprise, skills: [(Self.ios, 3, 5, true)], deadline: -86400)  // past
            _ = try await seed.job(by: enterprise, skills: [(Self.ios, 3, 5, true), (Self.backend, 2, 5, true)])
            _ = try await seed.job(by: enterprise, skills: [(Self.backend, 1, 5, false)])  // no shared skill

            let response = try await env.client.matchJobs(.init(), metadata: nomad.metadata)
            #expect(response.matches.map(\.jobID) == [best, stretch])
            #expect(response.matches.allSatisfy { $0.nomadID == nomadID })
            #expect(response.considered == 2)
            #expect(response.excluded == 1)

            let byOfficer = try await env.client.matchJobs(
                .with {
                    $0.nomadID = nomadID; $0.limit = 1
                }, metadata: env.admin().metadata)
            #expect(byOfficer.matches.map(\.jobID) == [best])
        }
    }

    @Test func theGapViewListsWhatIsMissingAndTheScenariosThatCloseIt() async throws {
        try await withJobs { env in
            let owner = env.enterprise()
            let seed = MatchSeed(env: env)
            let job = try await seed.job(
                by: owner, skills: [(Self.ios, 4, 5, true), (Self.backend, 3, 3, true), (Self.ui, 3, 2, false)])
            let nomadID = try await seed.profile(skills: [(Self.ios, 3, 0), (Self.ui, 4, 0)])
            let iosAdvanced = try await seed.scenario(Self.ios, level: 4, hours: 40)
            let swiftUI = try await seed.scenario("software.mobile.ios.swiftui", level: 5, hours: 20)
            _ = try await seed.scenario(Self.ios, level: 2, hours: 10)  // below the requirement
            _ = try await seed.scenario("software.mobile.iosx", level: 5, hours: 10)  // a sibling, not beneath
            let backendCourse = try await seed.scenario(Self.backend, level: 3, hours: 60)

            let gap = try await env.client.getSkillGap(
                .with {
                    $0.nomadID = nomadID; $0.jobID = job
                }, metadata: owner.metadata(language: "zh-CN"))
            #expect(gap.nomadID == nomadID && gap.jobID == job)
            #expect(!gap.qualified)
            #expect(gap.optional.isEmpty, "UI at 4 meets its minimum of 3")
            #expect(gap.essential.map(\.skillCode) == [Self.ios, Self.backend])
            let ios = gap.essential[0]
            #expect(ios.requiredLevel == 4 && ios.currentLevel == 3 && !ios.missing)
            #expect(ios.name.zhCn == "iOS 开发" && ios.name.en == "iOS development")
            #expect(ios.scenarios.map(\.scenarioID) == [iosAdvanced, swiftUI])
            #expect(ios.scenarios[0].title.en == "Course \(Self.ios) L4" && ios.scenarios[0].hours == 40)
            let backend = gap.essential[1]
            #expect(backend.missing && backend.currentLevel == 0)
            #expect(backend.scenarios.map(\.scenarioID) == [backendCourse])

            // An optional gap alone leaves the nomad qualified.
            let nearly = try await seed.profile(skills: [(Self.ios, 4, 4), (Self.backend, 3, 0), (Self.ui, 1, 0)])
            let optionalOnly = try await env.client.getSkillGap(
                .with {
                    $0.nomadID = nearly; $0.jobID = job
                }, metadata: env.officer().metadata)
            #expect(optionalOnly.qualified)
            #expect(optionalOnly.essential.isEmpty)
            #expect(optionalOnly.optional.map(\.currentLevel) == [1])

            // Without a profile everything is missing; the nomad asks for themselves.
            let newcomer = env.nomad()
            let empty = try await env.client.getSkillGap(.with { $0.jobID = job }, metadata: newcomer.metadata)
            #expect(empty.nomadID == newcomer.id)
            #expect(empty.essential.count == 2 && empty.optional.count == 1)
            #expect((empty.essential + empty.optional).allSatisfy { $0.missing })
        }
    }

    @Test func othersAreRefused() async throws {
        try await withJobs { env in
            let owner = env.enterprise()
            let seed = MatchSeed(env: env)
            let job = try await seed.job(by: owner, skills: Self.rankingSkills)
            let nomadID = try await seed.profile(skills: [(Self.ios, 3, 0)])
            let nomad = JobsEnv.Caller(
                id: nomadID,
                token: TestKeys.token(
                    for: Principal(
                        accountID: UUID(uuidString: nomadID)!, role: .nomad, standing: .certified)))
            let stranger = env.enterprise()
            let otherNomad = env.nomad()

            await expectRPCError(.permissionDenied) {
                _ = try await env.client.matchNomads(.with { $0.jobID = job }, metadata: stranger.metadata)
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.matchJobs(.with { $0.nomadID = nomadID }, metadata: otherNomad.metadata)
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.matchJobs(.with { $0.nomadID = nomadID }, metadata: owner.metadata)
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.getSkillGap(
                    .with {
                        $0.nomadID = nomadID; $0.jobID = job
                    }, metadata: otherNomad.metadata)
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.getSkillGap(
                    .with {
                        $0.nomadID = nomadID; $0.jobID = job
                    }, metadata: stranger.metadata)
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.matchNomads(.with { $0.jobID = job }, metadata: nomad.metadata)
            }
            // The parties themselves and staff are let through.
            _ = try await env.client.matchNomads(.with { $0.jobID = job }, metadata: env.admin().metadata)
            _ = try await env.client.matchJobs(.with { $0.nomadID = nomadID }, metadata: env.officer().metadata)
            _ = try await env.client.getSkillGap(
                .with {
                    $0.nomadID = nomadID; $0.jobID = job
                }, metadata: nomad.metadata)
            _ = try await env.client.getSkillGap(
                .with {
                    $0.nomadID = nomadID; $0.jobID = job
                }, metadata: owner.metadata)
        }
    }

    @Test func badInputUnknownIdsAndAClosedJobAreRefused() async throws {
        try await withJobs { env in
            let owner = env.enterprise()
            let seed = MatchSeed(env: env)
            let job = try await seed.job(by: owner, skills: Self.rankingSkills)
            let closed = try await seed.job(by: owner, skills: Self.rankingSkills, status: 3)
            let nomadID = try await seed.profile(skills: [(Self.ios, 3, 0)])

            let zh = await expectRPCError(.invalidArgument) {
                _ = try await env.client.matchNomads(
                    .with {
                        $0.jobID = job; $0.limit = 51
                    }, metadata: owner.metadata(language: "zh-CN"))
            }
            #expect(zh?.contains("limit") == true && zh?.contains("1 到 50") == true)
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.matchNomads(
                    .with {
                        $0.jobID = job; $0.limit = -1
                    }, metadata: owner.metadata)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.matchJobs(
                    .with {
                        $0.nomadID = nomadID; $0.limit = 51
                    }, metadata: env.officer().metadata)
            }
            let badID = await expectRPCError(.invalidArgument) {
                _ = try await env.client.matchNomads(.with { $0.jobID = "job-1" }, metadata: owner.metadata)
            }
            #expect(badID?.contains("job_id") == true)
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.matchJobs(.with { $0.nomadID = "nobody" }, metadata: env.officer().metadata)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.matchJobs(.init(), metadata: env.officer().metadata)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.getSkillGap(
                    .with {
                        $0.nomadID = nomadID; $0.jobID = ""
                    }, metadata: env.officer().metadata)
            }

            await expectRPCError(.notFound) {
                _ = try await env.client.matchNomads(.with { $0.jobID = UUID().uuidString }, metadata: env.officer().metadata)
            }
            await expectRPCError(.notFound) {
                _ = try await env.client.getSkillGap(
                    .with {
                        $0.nomadID = nomadID; $0.jobID = UUID().uuidString
                    }, metadata: env.officer().metadata)
            }
            await expectRPCError(.notFound) {
                _ = try await env.client.matchJobs(.init(), metadata: env.nomad().metadata)
            }
            let closedMessage = await expectRPCError(.failedPrecondition) {
                _ = try await env.client.matchNomads(.with { $0.jobID = closed }, metadata: owner.metadata(language: "zh-CN"))
            }
            #expect(closedMessage?.contains("岗位已关闭") == true)
        }
    }
}

/// Rows written straight into a test's schema: no RPC of another area is
/// needed to arrange a ranking.
struct MatchSeed {
    typealias Requirement = (code: String, minLevel: Int16, weight: Int16, essential: Bool)
    let env: JobsEnv

    static let names: [String: (String, String)] = [
        "software": ("软件", "Software"), "software.mobile": ("移动开发", "Mobile development"),
        "software.mobile.ios": ("iOS 开发", "iOS development"), "software.mobile.ios.swiftui": ("SwiftUI", "SwiftUI"),
        "software.mobile.iosx": ("iOS 扩展", "iOS extensions"), "software.backend": ("后端开发", "Backend development"),
        "design": ("设计", "Design"), "design.ui": ("界面设计", "UI design"),
    ]

    /// Runs `body` on a connection of its own to this test's schema.
    func sql<Result: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        let logger = Logger(label: "matching-tests.sql")
        let client = try Database.makeClient(url: env.app.databaseURL, schema: env.app.schema, poolSize: 1, logger: logger)
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await client.withConnection { connection in try await body(connection) }
        }
    }

    /// Every skill the tests use, parents first; the taxonomy seed may have
    /// written some of them already.
    static func ensureSkills(_ connection: PostgresConnection) async throws {
        let logger = Logger(label: "matching-tests.sql")
        for code in Self.names.keys.sorted(by: { $0.split(separator: ".").count < $1.split(separator: ".").count }) {
            let (zh, en) = Self.names[code]!
            let parent: String? = code.contains(".") ? String(code[..<code.lastIndex(of: ".")!]) : nil
            try await connection.query(
                """
                INSERT INTO skills (code, parent_code, name_zh, name_en) VALUES (\(code), \(parent), \(zh), \(en))
                ON CONFLICT (code) DO UPDATE SET name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en
                """, logger: logger)
        }
    }

    /// A nomad's profile; `skills` are (code, declared level, proven level).
    func profile(
        skills: [(String, Int16, Int16)], tools: [String] = ["Xcode", "Figma"],
        availability: Nomad_Jobs_V1_Availability = .fullTime, languages: [String] = ["zh-CN", "en"]
    ) async throws -> String {
        let id = UUID()
        let availabilityValue = Int16(availability.rawValue)
        try await sql { connection in
            let logger = Logger(label: "matching-tests.sql")
            try await MatchSeed.ensureSkills(connection)
            try await connection.query(
                """
                INSERT INTO profiles (nomad_id, availability, hours_per_week, languages)
                VALUES (\(id), \(availabilityValue), 40, \(languages))
                """, logger: logger)
            for (code, level, verified) in skills {
                let verification: Int16 = verified > 0 ? 3 : 1
                try await connection.query(
                    """
                    INSERT INTO profile_skills (nomad_id, skill_code, level, tools, verified_level, verification)
                    VALUES (\(id), \(code), \(level), \(tools), \(verified), \(verification))
                    """, logger: logger)
            }
        }
        return id.text
    }

    /// A job; `deadline` in seconds from now, `status` the stored enum number.
    func job(
        by enterprise: JobsEnv.Caller, skills: [Requirement], tools: [String] = ["Xcode", "Figma"],
        languages: [String] = ["zh-CN"], status: Int16 = 1, deadline: Double = 30 * 86400
    ) async throws -> String {
        let id = UUID()
        let enterpriseID = UUID(uuidString: enterprise.id)!
        let due = Date().addingTimeInterval(deadline)
        try await sql { connection in
            let logger = Logger(label: "matching-tests.sql")
            try await MatchSeed.ensureSkills(connection)
            try await connection.query(
                """
                INSERT INTO jobs (id, enterprise_id, title, description, tools, budget_currency, budget_minor, mode,
                  seats, seats_taken, deadline, languages, status)
                VALUES (\(id), \(enterpriseID), 'A job', 'Work', \(tools), 'CNY', 100000, 1,
                  2, \(status == 2 ? 2 : 0), \(due), \(languages), \(status))
                """, logger: logger)
            for skill in skills {
                try await connection.query(
                    """
                    INSERT INTO job_skills (job_id, skill_code, min_level, weight, essential)
                    VALUES (\(id), \(skill.code), \(skill.minLevel), \(skill.weight), \(skill.essential))
                    """, logger: logger)
            }
        }
        return id.text
    }

    func scenario(_ code: String, level: Int16, hours: Int) async throws -> String {
        let id = UUID()
        try await sql { connection in
            try await MatchSeed.ensureSkills(connection)
            try await connection.query(
                """
                INSERT INTO scenarios (id, skill_code, level, title_zh, title_en, provider, hours)
                VALUES (\(id), \(code), \(level), \("实训 \(code) L\(level)"), \("Course \(code) L\(level)"), 'Danzhou Park', \(hours))
                """, logger: Logger(label: "matching-tests.sql"))
        }
        return id.text
    }
}
