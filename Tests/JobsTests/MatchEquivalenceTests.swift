import Foundation
import GRPCCore
@testable import Jobs
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// MatchNomads ranks on an upper bound in SQL and scores only the first few
/// candidates (`MatchRanking`); MatchJobs applies the essential rule in SQL.
/// These compare both calls' answers, for many limits, with the old way:
/// every candidate scored by `MatchScoring` and sorted. Crowds are built to
/// hit the hard cases: ties at every cut, bounds that overstate (the best
/// skills without the job's tools), level gaps on both sides of the essential
/// rule, odd language tags, rounding (three tools, three languages, weights
/// that do not divide 70).
@Suite struct MatchEquivalenceTests {
    static let ios = MatchingTests.ios
    static let ui = MatchingTests.ui
    static let backend = MatchingTests.backend
    static let limits: [Int32] = [1, 2, 7, 20, 33, 50]

    /// One essential skill held by a crowd (more than the first read).
    @Test func oneEssentialSkillHeldByACrowd() async throws {
        try await withJobs { env in
            let owner = env.enterprise()
            let seed = MatchSeed(env: env)
            let spec = MatchSeed.JobSpec(
                requirements: [(Self.ios, 3, 5, true), (Self.ui, 2, 2, false), (Self.backend, 3, 3, false)],
                tools: ["Xcode", "Figma"], languages: ["zh-CN", "en"])
            let job = try await seed.jobs(by: owner, [spec])[0].id
            let crowd = try await seed.profiles(Self.crowd(seed: 19))
            try await Self.expectSameRanking(env, job: job, owner: owner, spec: spec, crowd: crowd)
        }
    }

    /// Two essential skills (the rule is decided across both) and a job
    /// with none (every holder of any skill is a candidate), over one crowd.
    @Test func twoEssentialSkillsAndNone() async throws {
        try await withJobs { env in
            let owner = env.enterprise()
            let seed = MatchSeed(env: env)
            let both = MatchSeed.JobSpec(
                requirements: [(Self.ios, 3, 5, true), (Self.backend, 2, 3, true), (Self.ui, 2, 2, false)],
                tools: ["Xcode"], languages: ["en"])
            let none = MatchSeed.JobSpec(
                requirements: [(Self.ios, 4, 1, false), (Self.ui, 2, 7, false), (Self.backend, 3, 3, false)],
                tools: [], languages: [])
            let jobs = try await seed.jobs(by: owner, [both, none])
            let crowd = try await seed.profiles(Self.crowd(seed: 7))
            try await Self.expectSameRanking(env, job: jobs[0].id, owner: owner, spec: both, crowd: crowd)
            try await Self.expectSameRanking(env, job: jobs[1].id, owner: owner, spec: none, crowd: crowd)
        }
    }

    /// The worst case of the benchmark, small: one popular skill is a job's
    /// single essential skill. Three thousand holders, most of them passing
    /// the rule, drawn from few values so that hundreds share each bound and
    /// score, with three tools and three languages whose points round, and
    /// more bound traps than the first read.
    @Test func aPopularSingleEssentialSkill() async throws {
        try await withJobs { env in
            let owner = env.enterprise()
            let seed = MatchSeed(env: env)
            let spec = MatchSeed.JobSpec(
                requirements: [(Self.ios, 3, 7, true), (Self.ui, 2, 3, false), (Self.backend, 4, 1, false)],
                tools: ["Xcode", "Figma", "Sketch"], languages: ["zh-CN", "en", "fr"])
            let job = try await seed.jobs(by: owner, [spec])[0].id
            var random = SplitMix64(seed: 2026)
            var specs: [MatchSeed.ProfileSpec] = []
            for _ in 0..<3000 {
                var skills: [(String, Int16, Int16)] = [(Self.ios, Int16(2 + random.next() % 4), random.pick([0, 0, 3, 5]))]
                if random.next() % 2 == 0 { skills.append((Self.ui, random.pick([2, 4]), 0)) }
                if random.next() % 3 == 0 { skills.append((Self.backend, random.pick([1, 4, 5]), random.pick([0, 4]))) }
                specs.append(
                    MatchSeed.ProfileSpec(
                        skills: skills, tools: ["Xcode", "FIGMA", "sketch", "vim"].filter { _ in random.next() % 3 != 0 },
                        availability: random.pick([.fullTime, .fullTime, .partTime, .unspecified]),
                        languages: random.pick([["zh-CN"], ["en", "FR"], ["zh-CN", "en", "fr-CA"], ["de"], []])))
            }
            // More bound traps than any first read (at most 110): the best
            // skills and none of the job's tools, so reading must go on past them.
            specs += Array(
                repeating: MatchSeed.ProfileSpec(
                    skills: [(Self.ios, 5, 5), (Self.ui, 4, 0), (Self.backend, 5, 4)], tools: ["vim"], availability: .fullTime,
                    languages: ["zh-CN", "en", "fr"]), count: 150)
            let crowd = try await seed.profiles(specs)
            try await Self.expectSameRanking(env, job: job, owner: owner, spec: spec, crowd: crowd)
        }
    }

    /// MatchJobs over two hundred jobs (some closed, filled or past their
    /// deadline, some identical so their scores tie), for nomads whose skills
    /// pass and fail the essential rule of different jobs.
    @Test func matchJobsEqualsScoringEveryJob() async throws {
        try await withJobs { env in
            let owner = env.enterprise()
            let seed = MatchSeed(env: env)
            var random = SplitMix64(seed: 11)
            let codes = MatchSeed.names.keys.sorted()
            var specs: [MatchSeed.JobSpec] = []
            for _ in 0..<200 {
                var requirements: [MatchSeed.Requirement] = []
                for code in codes where random.next() % 4 == 0 {
                    requirements.append((code, Int16(1 + random.next() % 5), Int16(1 + random.next() % 10), random.next() % 3 == 0))
                }
                if requirements.isEmpty { requirements.append((random.pick(codes), 3, 5, true)) }
                var job = MatchSeed.JobSpec(
                    requirements: requirements,
                    tools: ["Xcode", "figma", "Sketch"].filter { _ in random.next() % 2 == 0 },
                    languages: random.pick([[], ["zh-CN"], ["en", "fr"], ["zh-TW", "en", "de"], ["ZH"]]))
                switch random.next() % 10 {
                case 0: job.status = 3
                case 1: job.status = 2
                case 2: job.expired = true
                default: break
                }
                specs.append(job)
                if random.next() % 5 == 0 { specs.append(job) }
            }
            let jobs = try await seed.jobs(by: owner, specs)
            var nomads: [MatchSeed.ProfileSpec] = []
            for _ in 0..<8 {
                var skills: [(String, Int16, Int16)] = []
                for code in codes where random.next() % 2 == 0 {
                    skills.append((code, Int16(1 + random.next() % 5), random.next() % 3 == 0 ? Int16(random.next() % 6) : 0))
                }
                if skills.isEmpty { skills.append((Self.ios, 3, 0)) }
                nomads.append(
                    MatchSeed.ProfileSpec(
                        skills: skills, tools: ["xcode", "FIGMA", "vim"].filter { _ in random.next() % 2 == 0 },
                        availability: random.pick([.fullTime, .partTime, .occasional, .unavailable, .unspecified]),
                        languages: random.pick([["zh-CN"], ["en"], ["fr", "EN-gb"], [], ["x-klingon"]])))
            }
            for (nomadID, nomad) in try await seed.profiles(nomads) {
                var scored: [(id: String, result: MatchScoring.Result)] = []
                var excluded = 0
                for (jobID, job) in jobs where job.isMatchable {
                    guard job.requirements.contains(where: { nomad.nomad.skills[$0.code] != nil }) else { continue }
                    if MatchScoring.isExcluded(nomad.nomad.skills, for: job.job.requirements) {
                        excluded += 1
                    } else {
                        scored.append((jobID, MatchScoring.score(nomad.nomad, for: job.job)))
                    }
                }
                for limit in Self.limits {
                    let response = try await env.client.matchJobs(
                        .with {
                            $0.nomadID = nomadID; $0.limit = limit
                        }, metadata: env.officer().metadata)
                    Self.expect(response, equals: MatchScoring.ranked(scored, limit: Int(limit)), id: \.jobID, "limit \(limit)")
                    #expect(response.considered == Int32(scored.count))
                    #expect(response.excluded == Int32(excluded))
                }
            }
        }
    }

    /// The answer for every limit must be the old one: the same nomads in the
    /// same order with the same scores, and the same counts.
    static func expectSameRanking(
        _ env: JobsEnv, job: String, owner: JobsEnv.Caller, spec: MatchSeed.JobSpec,
        crowd: [(id: String, spec: MatchSeed.ProfileSpec)]
    ) async throws {
        let scoringJob = spec.job
        let essential = Set(scoringJob.requirements.filter(\.essential).map(\.skillCode))
        let required = Set(scoringJob.requirements.map(\.skillCode))
        var scored: [(id: String, result: MatchScoring.Result)] = []
        var excluded = 0
        for (id, profile) in crowd {
            let nomad = profile.nomad
            let touches = !(essential.isEmpty ? required : essential).isDisjoint(with: nomad.skills.keys)
            guard touches else { continue }
            if MatchScoring.isExcluded(nomad.skills, for: scoringJob.requirements) {
                excluded += 1
            } else {
                scored.append((id, MatchScoring.score(nomad, for: scoringJob)))
            }
        }
        #expect(scored.count > Int(limits.max()!) * 2 + 10, "the crowd must be larger than the first read")
        for limit in limits {
            let response = try await env.client.matchNomads(
                .with {
                    $0.jobID = job; $0.limit = limit
                }, metadata: owner.metadata)
            expect(response, equals: MatchScoring.ranked(scored, limit: Int(limit)), id: \.nomadID, "limit \(limit)")
            #expect(response.considered == Int32(scored.count))
            #expect(response.excluded == Int32(excluded))
        }
    }

    static func expect(
        _ response: Nomad_Jobs_V1_MatchResponse, equals expected: [(id: String, result: MatchScoring.Result)],
        id: KeyPath<Nomad_Jobs_V1_Match, String>, _ comment: Comment
    ) {
        #expect(response.matches.map { $0[keyPath: id] } == expected.map(\.id), comment)
        #expect(response.matches.map(\.score) == expected.map(\.result.score), comment)
        #expect(response.matches.map(\.skillPoints) == expected.map(\.result.skillPoints), comment)
        #expect(response.matches.map(\.toolsPoints) == expected.map(\.result.toolsPoints), comment)
        #expect(response.matches.map(\.availabilityPoints) == expected.map(\.result.availabilityPoints), comment)
        #expect(response.matches.map(\.languagePoints) == expected.map(\.result.languagePoints), comment)
    }

    /// About 300 nomads from a fixed seed. Blocks: twins (identical in all
    /// but id, so equal scores meet at the cuts), "bound traps" (the best
    /// skills but none of the job's tools, so their bound overstates them by
    /// 10 points and the first read is not enough), and a random rest.
    static func crowd(seed: UInt64) -> [MatchSeed.ProfileSpec] {
        var random = SplitMix64(seed: seed)
        let tools = ["Xcode", "FIGMA", "sketch", "vim"]
        let languages: [[String]] = [["zh-CN"], ["en"], ["zh-CN", "en"], ["fr"], ["ZH-tw"], ["x-klingon"], [], ["en-GB", "EN"]]
        let availabilities: [Nomad_Jobs_V1_Availability] = [.fullTime, .partTime, .occasional, .unavailable, .unspecified]
        var specs: [MatchSeed.ProfileSpec] = []
        let twin = MatchSeed.ProfileSpec(
            skills: [(ios, 4, 0), (ui, 2, 0), (backend, 3, 3)], tools: ["xcode"], availability: .fullTime, languages: ["zh-CN"])
        specs += Array(repeating: twin, count: 40)
        let trap = MatchSeed.ProfileSpec(
            skills: [(ios, 5, 5), (ui, 5, 5), (backend, 5, 5)], tools: ["vim"], availability: .fullTime, languages: ["zh-CN", "en"])
        specs += Array(repeating: trap, count: 60)
        for _ in 0..<200 {
            var skills: [(String, Int16, Int16)] = []
            for code in [ios, ui, backend] where random.next() % 4 != 0 {
                let level = Int16(1 + random.next() % 5)
                let proven: Int16 = random.next() % 3 == 0 ? Int16(random.next() % 6) : 0
                skills.append((code, level, proven))
            }
            if skills.isEmpty { skills.append((ui, 3, 0)) }
            specs.append(
                MatchSeed.ProfileSpec(
                    skills: skills, tools: tools.filter { _ in random.next() % 2 == 0 },
                    availability: random.pick(availabilities), languages: random.pick(languages)))
        }
        return specs
    }
}
