import ArgumentParser
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import NomadKit
import NomadLocal
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// `nomadctl bench-match`: matching latency at a realistic size, over real gRPC.
struct MatchBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-match",
        abstract: "Measure top-20 MatchNomads and MatchJobs latency over 100,000 seeded profiles and 10,000 jobs.",
        discussion: """
            On release builds:

              swift build -c release --product nomad-jobs
              swift build -c release --product nomadctl
              .build/release/nomadctl bench-match --start

            --start runs a throwaway PostgreSQL and the jobs service on free ports, seeds the jobs \
            schema in SQL (a taxonomy of 24 areas x 16 skills, --nomads profiles with 3 to 8 skills \
            each, --jobs jobs with 2 to 6 required skills each, one or more essential), then makes \
            --calls sequential calls of each kind after a warm-up, with officer tokens signed by the \
            suite's key. The worst case has a row of its own: one skill held by a fifth of the nomads \
            (20,000 at the default size), the single essential skill of \(MatchSeedSQL.popularJobs) more \
            open jobs, which the random picks of the first row may also draw. Next to them, in the same run: GetJob when this build implements it (a \
            primary-key read through the whole service), the gRPC health check of the same process \
            (the transport alone), and a primary-key read of one job straight from this process to \
            PostgreSQL (the database alone). Everything is stopped afterwards.
            """)

    @Flag(help: "Start PostgreSQL and the jobs service (required: the seed writes a throwaway database).")
    var start = false

    @Option(help: "Nomad profiles to seed.")
    var nomads: Int = 100_000

    @Option(help: "Jobs to seed.")
    var jobs: Int = 10_000

    @Option(help: "Measured calls of each kind, one after another.")
    var calls: Int = 2000

    @Option(help: "Warm-up calls of each kind, not measured.")
    var warmup: Int = 200

    @Option(help: "Matches asked for per call.")
    var limit: Int32 = 20

    @Flag(help: "Keep the seeded database and jobs running after measuring, until Ctrl-C (to EXPLAIN queries).")
    var keep = false

    @Option(help: "Where nomad-jobs is (default: next to nomadctl).")
    var binDir: String?

    func validate() throws {
        guard start else {
            throw ValidationError("bench-match seeds a throwaway database: pass --start")
        }
        guard nomads >= 100, jobs >= 10, calls >= 10, warmup >= 0, (1...50).contains(limit) else {
            throw ValidationError("--nomads >= 100, --jobs >= 10, --calls >= 10, --limit 1...50")
        }
    }

    func run() async throws {
        let signals = SignalWatcher()
        var options = SuiteOptions(
            databaseURL: nil, dataDirectory: nil,
            binDirectory: binDir ?? URL(fileURLWithPath: ownExecutablePath()).deletingLastPathComponent().path)
        options.services = [SuiteService.named("jobs")!]
        options.ports["jobs"] = Ports(grpc: try Loopback.freePort(), metrics: try Loopback.freePort())
        let suite = try await LocalSuite.start(options, signals: signals, say: say)
        do {
            try await measure(suite: suite, signals: signals)
            if keep {
                say(
                    "kept running: psql \(suite.databaseURL.replacingOccurrences(of: "/postgres", with: "/\(LocalSuite.databaseName)")); Ctrl-C stops"
                )
                while signals.received == nil { try? await Task.sleep(for: .milliseconds(200)) }
            }
        } catch {
            await suite.stop(say: say)
            if error is Interrupted { throw ExitCode(130) }
            throw error
        }
        await suite.stop(say: say)
    }

    private func measure(suite: LocalSuite, signals: SignalWatcher) async throws {
        guard let postgres = suite.postgres, let service = suite.running("jobs") else {
            throw CtlError("the suite did not start PostgreSQL and jobs")
        }
        var warnings: [String] = []
        #if DEBUG
            warnings.append("nomadctl is a debug build; use .build/release/nomadctl")
        #endif
        if let path = executablePath(of: service.process.pid), path.contains("/debug/") {
            warnings.append("nomad-jobs runs a debug build (\(path)): build it with -c release for real figures")
        }

        let memory = SuiteMemory(suite)
        defer { memory.stop() }
        say("seeding \(nomads) profiles and \(jobs) jobs ...")
        let seedStart = ContinuousClock.now
        try postgres.psql(MatchSeedSQL.script(nomads: nomads, jobs: jobs), database: LocalSuite.databaseName)
        try postgres.psql(
            "VACUUM ANALYZE jobs.profiles, jobs.profile_skills, jobs.jobs, jobs.job_skills, jobs.skills",
            database: LocalSuite.databaseName)
        // Until every page is all-visible, as autovacuum keeps a settled table:
        // a pass beside another snapshot (autovacuum's analyze of the fresh
        // rows) marks none, and then every index-only scan reads the heap too
        // (seen: MatchNomads three times slower).
        for attempt in 1...30 {
            try postgres.psql(
                "VACUUM jobs.profiles, jobs.profile_skills, jobs.jobs, jobs.job_skills",
                database: LocalSuite.databaseName)
            let settled = try postgres.psql(
                """
                SELECT bool_and(relallvisible >= relpages) FROM pg_class
                WHERE oid IN ('jobs.profiles'::regclass, 'jobs.profile_skills'::regclass, 'jobs.jobs'::regclass,
                              'jobs.job_skills'::regclass)
                """, database: LocalSuite.databaseName)
            if settled.trimmingCharacters(in: .whitespacesAndNewlines) == "t" { break }
            if attempt == 30 { warnings.append("the seeded tables are not all-visible: index-only scans read the heap") }
            try await Task.sleep(for: .seconds(1))
        }
        let seedTime = ContinuousClock.now - seedStart
        let sizes = try postgres.psql(
            """
            SELECT (SELECT count(*) FROM jobs.profiles) || ' ' || (SELECT count(*) FROM jobs.profile_skills) || ' '
              || (SELECT count(*) FROM jobs.jobs) || ' ' || (SELECT count(*) FROM jobs.jobs WHERE status = 1 AND deadline > now())
              || ' ' || (SELECT count(*) FROM jobs.job_skills)
              || ' ' || (SELECT count(*) FROM jobs.profile_skills WHERE skill_code = '\(MatchSeedSQL.popularSkill)')
            """, database: LocalSuite.databaseName
        ).split(separator: " ").map { Int($0) ?? 0 }
        try signals.throwIfInterrupted()

        let total = warmup + calls
        let jobIDs = try postgres.psql(
            "SELECT id FROM jobs.jobs WHERE status = 1 AND deadline > now() ORDER BY random() LIMIT \(total)",
            database: LocalSuite.databaseName
        ).split(separator: "\n").map(String.init)
        let nomadIDs = try postgres.psql(
            "SELECT nomad_id FROM jobs.profiles ORDER BY random() LIMIT \(total)",
            database: LocalSuite.databaseName
        ).split(separator: "\n").map(String.init)
        let popularJobIDs = try postgres.psql(
            """
            SELECT js.job_id FROM jobs.job_skills js WHERE js.skill_code = '\(MatchSeedSQL.popularSkill)' ORDER BY js.job_id
            """, database: LocalSuite.databaseName
        ).split(separator: "\n").map(String.init)
        guard !jobIDs.isEmpty, !nomadIDs.isEmpty, !popularJobIDs.isEmpty else {
            throw CtlError("the seed produced no open job, no profile or no job on the popular skill")
        }
        func pick(_ ids: [String], _ index: Int) -> String { ids[index % ids.count] }

        let tokens = AccessTokens(
            issuer: "nomad-identity", audience: "nomad-zone",
            keys: KeyRing(signingKey: suite.context.signingKey, verificationKeys: [suite.context.signingKey.verificationKey]))
        let officer = try tokens.issue(
            for: Principal(accountID: UUID(), role: .officer, department: "talent"), lifetime: 3600
        ).token
        let metadata: Metadata = ["authorization": "Bearer \(officer)", "accept-language": "en"]

        var results: [Row] = []
        try await withPlaintextClient(service.grpcAddress) { client in
            let jobsClient = Nomad_Jobs_V1_JobsService.Client(wrapping: client)
            let health = Grpc_Health_V1_Health.Client(wrapping: client)

            say("MatchNomads: \(warmup) warm-up, \(calls) measured calls ...")
            results.append(
                try await timed("MatchNomads top-\(limit)", figure: "matchnomads", signals: signals) { index in
                    let response = try await jobsClient.matchNomads(
                        .with {
                            $0.jobID = pick(jobIDs, index); $0.limit = limit
                        }, metadata: metadata)
                    return (response.matches.count, Int(response.considered), Int(response.excluded))
                })
            say("MatchNomads on the popular skill: \(warmup) warm-up, \(calls) measured calls ...")
            results.append(
                try await timed(
                    "MatchNomads top-\(limit), popular skill", figure: "matchnomads_popular", signals: signals
                ) { index in
                    let response = try await jobsClient.matchNomads(
                        .with {
                            $0.jobID = pick(popularJobIDs, index); $0.limit = limit
                        }, metadata: metadata)
                    return (response.matches.count, Int(response.considered), Int(response.excluded))
                })
            say("MatchJobs: \(warmup) warm-up, \(calls) measured calls ...")
            results.append(
                try await timed("MatchJobs top-\(limit)", figure: "matchjobs", signals: signals) { index in
                    let response = try await jobsClient.matchJobs(
                        .with {
                            $0.nomadID = pick(nomadIDs, index); $0.limit = limit
                        }, metadata: metadata)
                    return (response.matches.count, Int(response.considered), Int(response.excluded))
                })

            say("GetJob: \(warmup) warm-up, \(calls) measured calls ...")
            results.append(
                try await timed("baseline: GetJob (gRPC + PK read)", signals: signals) { index in
                    _ = try await jobsClient.getJob(.with { $0.jobID = pick(jobIDs, index) }, metadata: metadata)
                    return (1, 0, 0)
                })

            say("health check: \(warmup) warm-up, \(calls) measured calls ...")
            results.append(
                try await timed("baseline: grpc.health Check", signals: signals) { _ in
                    _ = try await health.check(.init())
                    return (1, 0, 0)
                })
        }

        say("SQL primary-key read: \(warmup) warm-up, \(calls) measured reads ...")
        results.append(try await sqlBaseline(url: postgres.url(database: LocalSuite.databaseName), jobIDs: jobIDs, signals: signals))

        memory.stop()
        printReport(results, sizes: sizes, seedTime: seedTime, warnings: warnings, memory: memory.figures)
    }

    struct Row {
        var label: String
        /// The name of its `figure` lines, for the matching rows.
        var figure: String?
        var latencies: [Duration]
        var errors: Int
        var listed: Double
        var considered: Double
        var excluded: Double
    }

    /// `warmup` unmeasured calls, then `calls` measured ones, one at a time.
    private func timed(
        _ label: String, figure: String? = nil, signals: SignalWatcher,
        _ call: (Int) async throws -> (listed: Int, considered: Int, excluded: Int)
    ) async throws -> Row {
        var latencies: [Duration] = []
        latencies.reserveCapacity(calls)
        var errors = 0, listed = 0, considered = 0, excluded = 0
        let clock = ContinuousClock()
        for index in 0..<(warmup + calls) {
            if index % 100 == 0 { try signals.throwIfInterrupted() }
            let start = clock.now
            do {
                let counts = try await call(index)
                if index >= warmup {
                    listed += counts.listed
                    considered += counts.considered
                    excluded += counts.excluded
                }
            } catch {
                if index >= warmup { errors += 1 }
                if errors == 1 { say("\(label): first error: \(error)") }
            }
            if index >= warmup { latencies.append(clock.now - start) }
        }
        return Row(
            label: label, figure: figure, latencies: latencies, errors: errors, listed: Double(listed) / Double(calls),
            considered: Double(considered) / Double(calls), excluded: Double(excluded) / Double(calls))
    }

    private func sqlBaseline(url: String, jobIDs: [String], signals: SignalWatcher) async throws -> Row {
        let logger = Logger(label: "bench-match.sql")
        let client = try Database.makeClient(url: url, schema: "jobs", poolSize: 1, logger: logger)
        let ids = jobIDs.compactMap(UUID.init(uuidString:))
        return try await withThrowingTaskGroup(of: Row?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await client.withConnection { connection in
                try await timed("baseline: SQL PK read of a job", signals: signals) { index in
                    let id = ids[index % ids.count]
                    let rows = try await connection.query(
                        "SELECT id, title, status, seats, seats_taken, deadline FROM jobs WHERE id = \(id)", logger: logger)
                    return (try await rows.collect().count, 0, 0)
                }
            }
        }
    }

    private func printReport(_ rows: [Row], sizes: [Int], seedTime: Duration, warnings: [String], memory: [MemoryFigure]) {
        func ms(_ duration: Duration) -> String {
            let (seconds, attoseconds) = duration.components
            return String(format: "%.2f", Double(seconds) * 1000 + Double(attoseconds) / 1e15)
        }
        func right(_ text: String, _ width: Int) -> String {
            String(repeating: " ", count: max(0, width - text.count)) + text
        }
        func percentile(_ sorted: [Duration], _ p: Double) -> Duration {
            sorted.isEmpty ? .zero : sorted[min(sorted.count - 1, Int((p * Double(sorted.count - 1)).rounded()))]
        }
        var lines = [""]
        let size = { (index: Int) in index < sizes.count ? String(sizes[index]) : "?" }
        lines.append(
            "nomadctl bench-match: \(size(0)) profiles (\(size(1)) profile skills), \(size(2)) jobs (\(size(3)) open, \(size(4)) job skills), seeded in \(ms(seedTime)) ms"
        )
        lines.append("  popular skill: \(size(5)) holders, the single essential skill of \(MatchSeedSQL.popularJobs) open jobs")
        lines.append(
            "  \(calls) sequential calls per row after \(warmup) warm-up, one HTTP/2 connection, officer token, \(ProcessInfo.processInfo.activeProcessorCount) CPUs"
        )
        lines.append("")
        lines.append(
            "".padding(toLength: 38, withPad: " ", startingAt: 0)
                + "  calls   p50 ms   p99 ms   max ms  mean ms  errors  listed  scored  excluded")
        var targets: [(String, Duration)] = []
        var figures = Figures()
        for row in rows {
            let sorted = row.latencies.sorted()
            let mean = sorted.isEmpty ? .zero : sorted.reduce(Duration.zero, +) / sorted.count
            let p99 = percentile(sorted, 0.99)
            if let name = row.figure {
                targets.append((row.label, p99))
                figures.add("\(name).p50_ms", Double(ms(percentile(sorted, 0.5))))
                figures.add("\(name).p99_ms", Double(ms(p99)))
            }
            let isMatch = row.figure != nil
            lines.append(
                row.label.padding(toLength: 38, withPad: " ", startingAt: 0)
                    + right(String(sorted.count), 7) + right(ms(percentile(sorted, 0.5)), 9) + right(ms(p99), 9)
                    + right(ms(sorted.last ?? .zero), 9) + right(ms(mean), 9) + right(String(row.errors), 8)
                    + (isMatch
                        ? right(String(format: "%.1f", row.listed), 8) + right(String(format: "%.0f", row.considered), 8)
                            + right(String(format: "%.0f", row.excluded), 10) : ""))
        }
        lines.append("")
        let target = Duration.milliseconds(20)
        for (name, p99) in targets {
            lines.append("  \(name) p99 \(ms(p99)) ms: target < 20 ms \(p99 < target ? "met" : "NOT met")")
        }
        lines.append(
            "  listed/scored/excluded: averages per call (matches returned, candidates scored, candidates the essential rule excluded)")
        for warning in warnings { lines.append("  WARNING: \(warning)") }
        figures.addPeaks(memory)
        lines += ["", figures.lines, ""]
        emit(lines.joined(separator: "\n"))
    }
}

/// The seed, in SQL: generated inside PostgreSQL so 100,000 profiles take
/// seconds, not 100,000 RPCs. Fixed random seed, so two runs see the same data.
enum MatchSeedSQL {
    static let areas = 24
    static let skillsPerArea = 16
    /// The worst case for MatchNomads: one skill held by a fifth of the
    /// nomads, the only essential skill of this many jobs.
    static let popularSkill = "bench-popular"
    static let popularJobs = 40

    static func script(nomads: Int, jobs: Int) -> String {
        """
        SET search_path TO jobs;
        SELECT setseed(0.42);

        INSERT INTO skills (code, parent_code, name_zh, name_en)
        SELECT format('bench-a%s', a), NULL, format('基准领域 %s', a), format('Bench area %s', a)
        FROM generate_series(0, \(areas - 1)) a
        ON CONFLICT DO NOTHING;
        INSERT INTO skills (code, parent_code, name_zh, name_en)
        SELECT format('bench-a%s.s%s', a, s), format('bench-a%s', a), format('基准技能 %s-%s', a, s),
          format('Bench skill %s-%s', a, s)
        FROM generate_series(0, \(areas - 1)) a, generate_series(0, \(skillsPerArea - 1)) s
        ON CONFLICT DO NOTHING;

        -- Each nomad works mostly in one area (popular areas more often) and
        -- holds its common skills more often than its niche ones.
        CREATE TEMP TABLE bench_nomads AS
        SELECT gen_random_uuid() AS id, floor(power(random(), 1.3) * \(areas))::int AS area,
          3 + floor(random() * 6)::int AS skills, random() AS r1, random() AS r2
        FROM generate_series(1, \(nomads));

        INSERT INTO profiles (nomad_id, availability, hours_per_week, time_zone, languages, rate_minor)
        SELECT id,
          CASE WHEN r1 < 0.50 THEN 1 WHEN r1 < 0.80 THEN 2 WHEN r1 < 0.95 THEN 3 ELSE 4 END,
          10 + floor(r1 * 30)::int, 'Asia/Shanghai',
          CASE WHEN r2 < 0.70 THEN '{zh-CN}'::text[] WHEN r2 < 0.90 THEN '{zh-CN,en}'::text[] ELSE '{en}'::text[] END,
          10000 + floor(r2 * 40000)::bigint
        FROM bench_nomads;

        INSERT INTO profile_skills (nomad_id, skill_code, level, years_experience, tools, verified_level, verification)
        SELECT id, code, level, floor(random() * 10)::int, tools,
          CASE WHEN verified THEN level ELSE 0 END, CASE WHEN verified THEN 3 ELSE 1 END
        FROM (
          SELECT n.id,
            format('bench-a%s.s%s', CASE WHEN random() < 0.75 THEN n.area ELSE floor(random() * \(areas))::int END,
              floor(power(random(), 1.6) * \(skillsPerArea))::int) AS code,
            (SELECT CASE WHEN x < 0.10 THEN 1 WHEN x < 0.35 THEN 2 WHEN x < 0.70 THEN 3 WHEN x < 0.92 THEN 4 ELSE 5 END
             FROM (SELECT random() + 0 * i AS x) l)::smallint AS level,
            ARRAY[format('tool-%s-%s', n.area, floor(random() * 5)::int), format('tool-%s-%s', n.area, floor(random() * 5)::int)] AS tools,
            random() < 0.15 AS verified
          FROM bench_nomads n, generate_series(1, n.skills) i
        ) picks
        ON CONFLICT DO NOTHING;

        CREATE TEMP TABLE bench_enterprises AS
        SELECT row_number() OVER () - 1 AS n, gen_random_uuid() AS id FROM generate_series(1, 500);

        CREATE TEMP TABLE bench_jobs AS
        SELECT gen_random_uuid() AS id, floor(power(random(), 1.3) * \(areas))::int AS area,
          2 + floor(random() * 5)::int AS skills, floor(random() * 500)::int AS enterprise, random() AS r1, random() AS r2
        FROM generate_series(1, \(jobs));

        INSERT INTO jobs (id, enterprise_id, title, description, tools, budget_currency, budget_minor, mode, seats,
          seats_taken, deadline, languages, claimable, status)
        SELECT j.id, e.id, format('Bench job in area %s', j.area), 'Seeded by nomadctl bench-match',
          ARRAY[format('tool-%s-%s', j.area, floor(random() * 5)::int), format('tool-%s-%s', j.area, floor(random() * 5)::int)],
          'CNY', 100000 + floor(random() * 900000)::bigint, 1 + floor(random() * 3)::int,
          3, CASE WHEN j.r1 >= 0.85 AND j.r1 < 0.95 THEN 3 ELSE 0 END,
          now() + make_interval(days => CASE WHEN j.r2 < 0.05 THEN -5 ELSE 1 + floor(j.r2 * 90)::int END),
          CASE WHEN j.r2 < 0.80 THEN '{zh-CN}'::text[] WHEN j.r2 < 0.90 THEN '{}'::text[] ELSE '{en}'::text[] END,
          j.r1 < 0.5,
          CASE WHEN j.r1 < 0.85 THEN 1 WHEN j.r1 < 0.95 THEN 2 ELSE 3 END
        FROM bench_jobs j JOIN bench_enterprises e ON e.n = j.enterprise;

        -- The first required skill is essential, the others now and then.
        INSERT INTO job_skills (job_id, skill_code, min_level, weight, essential)
        SELECT id, code, min_level, weight, essential
        FROM (
          SELECT j.id,
            format('bench-a%s.s%s', CASE WHEN i = 1 OR random() < 0.8 THEN j.area ELSE floor(random() * \(areas))::int END,
              floor(power(random(), 1.6) * \(skillsPerArea))::int) AS code,
            (SELECT CASE WHEN x < 0.30 THEN 2 WHEN x < 0.75 THEN 3 WHEN x < 0.95 THEN 4 ELSE 5 END
             FROM (SELECT random() + 0 * i AS x) l)::smallint AS min_level,
            (1 + floor(random() * 10))::smallint AS weight,
            i = 1 OR random() < 0.3 AS essential
          FROM bench_jobs j, generate_series(1, j.skills) i
        ) picks
        ON CONFLICT DO NOTHING;

        -- The popular skill: held by a fifth of the nomads at the same level
        -- mix, and the single essential skill (at minimum levels 2 to 5) of
        -- \(popularJobs) open jobs with one to three optional skills of their area.
        INSERT INTO skills (code, parent_code, name_zh, name_en)
        VALUES ('\(popularSkill)', NULL, '基准热门技能', 'Bench popular skill')
        ON CONFLICT DO NOTHING;
        INSERT INTO profile_skills (nomad_id, skill_code, level, years_experience, tools, verified_level, verification)
        SELECT id, '\(popularSkill)', level, 0, ARRAY[format('tool-%s-%s', area, floor(random() * 5)::int)],
          CASE WHEN verified THEN level ELSE 0 END, CASE WHEN verified THEN 3 ELSE 1 END
        FROM (
          SELECT n.id, n.area,
            (SELECT CASE WHEN x < 0.10 THEN 1 WHEN x < 0.35 THEN 2 WHEN x < 0.70 THEN 3 WHEN x < 0.92 THEN 4 ELSE 5 END
             FROM (SELECT random() + 0 * n.r1 AS x) l)::smallint AS level,
            random() < 0.15 AS verified
          FROM bench_nomads n ORDER BY random() LIMIT \(nomads / 5)
        ) picks;

        CREATE TEMP TABLE bench_popular_jobs AS
        SELECT gen_random_uuid() AS id, g AS n, floor(power(random(), 1.3) * \(areas))::int AS area,
          1 + floor(random() * 3)::int AS optional
        FROM generate_series(1, \(popularJobs)) g;

        INSERT INTO jobs (id, enterprise_id, title, description, tools, budget_currency, budget_minor, mode, seats,
          seats_taken, deadline, languages, claimable, status)
        SELECT j.id, e.id, format('Bench job on the popular skill, area %s', j.area), 'Seeded by nomadctl bench-match',
          ARRAY[format('tool-%s-%s', j.area, floor(random() * 5)::int), format('tool-%s-%s', j.area, floor(random() * 5)::int)],
          'CNY', 500000, 1, 3, 0, now() + interval '30 days', '{zh-CN}'::text[], false, 1
        FROM bench_popular_jobs j JOIN bench_enterprises e ON e.n = j.n % 500;

        INSERT INTO job_skills (job_id, skill_code, min_level, weight, essential)
        SELECT id, '\(popularSkill)', (2 + n % 4)::smallint, (1 + floor(random() * 10))::smallint, true
        FROM bench_popular_jobs;
        INSERT INTO job_skills (job_id, skill_code, min_level, weight, essential)
        SELECT j.id, format('bench-a%s.s%s', j.area, floor(power(random(), 1.6) * \(skillsPerArea))::int),
          (2 + floor(random() * 3))::smallint, (1 + floor(random() * 10))::smallint, false
        FROM bench_popular_jobs j, generate_series(1, j.optional) i
        ON CONFLICT DO NOTHING;
        """
    }
}
