import Foundation
@testable import Jobs
import Logging
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO

/// Crowds of profiles and jobs for the equivalence tests, each written in
/// two statements (arrays unnested), so a test of thousands of rows spends
/// its time ranking, not inserting. Lists are joined with commas, which no
/// tool or language tag here contains.
extension MatchSeed {
    /// A profile to write in bulk; `skills` are (code, declared level, proven level).
    struct ProfileSpec: Sendable {
        var skills: [(String, Int16, Int16)]
        var tools: [String]
        var availability: Nomad_Jobs_V1_Availability
        var languages: [String]

        /// The nomad as the scorer sees it (tools are listed on every skill).
        var nomad: MatchScoring.Nomad {
            MatchScoring.Nomad(
                skills: Dictionary(
                    uniqueKeysWithValues: skills.map {
                        ($0.0, MatchScoring.Held(level: Int($0.1), verifiedLevel: Int($0.2)))
                    }),
                tools: tools, availability: MatchStore.availability(Int16(availability.rawValue)), languages: languages)
        }
    }

    /// A job to write in bulk: open before its deadline unless `status` or
    /// `expired` say otherwise.
    struct JobSpec: Sendable {
        var requirements: [Requirement]
        var tools: [String]
        var languages: [String]
        var status: Int16 = 1
        var expired = false

        var isMatchable: Bool { status == 1 && !expired }

        var job: MatchScoring.Job {
            MatchScoring.Job(
                requirements: requirements.map {
                    MatchScoring.Requirement(
                        skillCode: $0.code, minLevel: Int($0.minLevel), weight: Int($0.weight), essential: $0.essential)
                },
                tools: tools, languages: languages)
        }
    }

    /// Many profiles; their ids with what they hold.
    func profiles(_ specs: [ProfileSpec]) async throws -> [(id: String, spec: ProfileSpec)] {
        let written = specs.map { (id: UUID(), spec: $0) }
        let ids = written.map(\.id)
        let availabilities = written.map { Int16($0.spec.availability.rawValue) }
        let languages = written.map { $0.spec.languages.joined(separator: ",") }
        let rows = written.flatMap { id, spec in spec.skills.map { (id: id, skill: $0, tools: spec.tools) } }
        let skillNomads = rows.map(\.id), codes = rows.map(\.skill.0), levels = rows.map(\.skill.1)
        let proven = rows.map(\.skill.2), tools = rows.map { $0.tools.joined(separator: ",") }
        try await sql { connection in
            let logger = Logger(label: "matching-tests.sql")
            try await MatchSeed.ensureSkills(connection)
            try await connection.query(
                """
                INSERT INTO profiles (nomad_id, availability, hours_per_week, languages)
                SELECT id, availability, 40, string_to_array(languages, ',')
                FROM unnest(\(ids)::uuid[], \(availabilities)::int2[], \(languages)::text[]) AS p(id, availability, languages)
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO profile_skills (nomad_id, skill_code, level, tools, verified_level, verification)
                SELECT id, code, level, string_to_array(tools, ','), proven, CASE WHEN proven > 0 THEN 3 ELSE 1 END
                FROM unnest(\(skillNomads)::uuid[], \(codes)::text[], \(levels)::int2[], \(tools)::text[], \(proven)::int2[])
                  AS s(id, code, level, tools, proven)
                """, logger: logger)
        }
        return written.map { ($0.id.text, $0.spec) }
    }

    /// Many jobs of one enterprise; their ids with what they require.
    func jobs(by enterprise: JobsEnv.Caller, _ specs: [JobSpec]) async throws -> [(id: String, spec: JobSpec)] {
        let written = specs.map { (id: UUID(), spec: $0) }
        let owner = UUID(uuidString: enterprise.id)!
        let ids = written.map(\.id)
        let tools = written.map { $0.spec.tools.joined(separator: ",") }
        let languages = written.map { $0.spec.languages.joined(separator: ",") }
        let statuses = written.map(\.spec.status)
        let deadlines = written.map { Date().addingTimeInterval($0.spec.expired ? -86400 : 30 * 86400) }
        let rows = written.flatMap { id, spec in spec.requirements.map { (id: id, requirement: $0) } }
        let skillJobs = rows.map(\.id), codes = rows.map(\.requirement.code), minimums = rows.map(\.requirement.minLevel)
        let weights = rows.map(\.requirement.weight), essentials = rows.map(\.requirement.essential)
        try await sql { connection in
            let logger = Logger(label: "matching-tests.sql")
            try await MatchSeed.ensureSkills(connection)
            try await connection.query(
                """
                INSERT INTO jobs (id, enterprise_id, title, description, tools, budget_currency, budget_minor, mode,
                  seats, seats_taken, deadline, languages, status)
                SELECT id, \(owner), 'A job', 'Work', string_to_array(tools, ','), 'CNY', 100000, 1,
                  2, CASE WHEN status = 2 THEN 2 ELSE 0 END, deadline, string_to_array(languages, ','), status
                FROM unnest(\(ids)::uuid[], \(tools)::text[], \(languages)::text[], \(statuses)::int2[],
                            \(deadlines)::timestamptz[]) AS j(id, tools, languages, status, deadline)
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO job_skills (job_id, skill_code, min_level, weight, essential)
                SELECT * FROM unnest(\(skillJobs)::uuid[], \(codes)::text[], \(minimums)::int2[], \(weights)::int2[],
                                     \(essentials)::bool[])
                """, logger: logger)
        }
        return written.map { ($0.id.text, $0.spec) }
    }
}

/// A small seeded generator: the same crowd on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// One of `choices`, uniformly.
    mutating func pick<T>(_ choices: [T]) -> T { choices[Int(next() % UInt64(choices.count))] }
}
