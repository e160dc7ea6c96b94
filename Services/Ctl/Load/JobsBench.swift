import ArgumentParser
import Foundation
import NomadKit

struct JobsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-jobs",
        abstract: "Claim and match throughput of jobs with 1, 2 and 3 replicas, next to pgbench running the claim's SQL.",
        discussion: """
            For each replica count, starts a throwaway suite (PostgreSQL, identity, N jobs processes), \
            seeds claimable jobs with many seats and nomad profiles, and measures a claim-only and a \
            match-only run of fixed size through one round-robin client. In the first suite it then \
            runs pgbench with the claim's own SQL (the prepared claim_job call ClaimJob sends) on the \
            same database with as many clients: the database's own limit for a claim. Use release \
            builds: swift build -c release --product nomad-identity, then nomad-jobs, then nomadctl.
            """)

    @Option(help: "Replica counts to measure, comma-separated.")
    var replicas: String = "1,2,3"

    @Option(help: "Claims per measured run.")
    var claims: Int = 10_000

    @Option(help: "MatchJobs calls per measured run.")
    var matches: Int = 3_000

    @Option(help: "Concurrent callers (and pgbench clients).")
    var concurrency: Int = 32

    @Option(help: "Claimable jobs to seed (10000 seats each, so claims succeed).")
    var jobs: Int = 300

    @Option(help: "Nomads to seed.")
    var nomads: Int = 3_000

    @Option(help: "Where the service executables are (default: next to nomadctl).")
    var binDir: String?

    func run() async throws {
        let counts = replicas.split(separator: ",").compactMap { Int($0) }
        guard !counts.isEmpty, counts.allSatisfy({ (1...9).contains($0) }) else {
            throw ValidationError("--replicas expects counts 1-9, e.g. 1,2,3")
        }
        let signals = SignalWatcher()
        var rows: [String] = []
        var pgbench: Pgbench.Result?
        var figures = Figures()
        for count in counts {
            let suite = try await JobsLoadSuite.start(replicas: count, binDir: binDir, signals: signals)
            let memory = SuiteMemory(suite.suite)
            defer { memory.stop() }
            do {
                let (claim, match) = try await suite.withBalancedClient { client in
                    say("\(count) replica(s): seeding \(jobs) jobs and \(nomads) profiles ...")
                    let world = try await LoadSeed.world(
                        client: client, signingKey: suite.suite.context.signingKey, jobs: jobs, nomads: nomads,
                        seats: 10_000...10_000)
                    func measure(_ mix: String, _ requests: Int) async throws -> LoadReport {
                        let operations = try LoadPlan.parseMix(mix)
                        // A warm-up of its own, so its calls stay out of the figures.
                        _ = await LoadRunner(client: client, world: world).run(
                            LoadPlan(
                                requests: min(1_000, requests / 10), concurrency: concurrency, timeLimit: .seconds(60),
                                mix: operations, killReplicaAfter: nil))
                        let runner = LoadRunner(client: client, world: world)
                        let plan = LoadPlan(
                            requests: requests, concurrency: concurrency, timeLimit: .seconds(600),
                            mix: operations, killReplicaAfter: nil)
                        say("\(count) replica(s): \(requests) calls of \(mix) ...")
                        return LoadReport(runner: runner, elapsed: await runner.run(plan), killed: nil)
                    }
                    return (try await measure("claim=1", claims), try await measure("match=1", matches))
                }
                rows.append(row(count, claim: claim, match: match))
                let latencies = claim.runner.stats.latencies[LoadOperation.claim] ?? []
                figures.add("claim.calls_per_s.r\(count)", claim.throughput(of: .claim))
                figures.add("claim.p50_ms.r\(count)", percentile(latencies, 0.5))
                figures.add("claim.p99_ms.r\(count)", percentile(latencies, 0.99))
                memory.stop()
                if count == counts.first { figures.addPeaks(memory.figures) }
                if pgbench == nil {
                    say("pgbench: the claim's SQL, \(concurrency) clients, \(claims) transactions ...")
                    pgbench = try Pgbench.claims(
                        databaseURL: suite.suite.databaseURL, schema: "jobs", clients: concurrency, transactions: claims)
                }
                await suite.stop()
            } catch {
                await suite.stop()
                throw error
            }
        }
        var lines = [
            "",
            "jobs bench: \(concurrency) callers, one round-robin client; claims on claimable jobs with free seats",
            "",
            "  replicas   claims/s   claim p50 ms   claim p99 ms   matches/s   match p50 ms   match p99 ms   errors",
        ]
        lines += rows
        if let pgbench {
            lines.append("")
            lines.append(
                String(
                    format: "  pgbench, the claim's SQL (prepared, %d clients, %d transactions): %.0f tps, %.2f ms average",
                    concurrency, pgbench.transactions, pgbench.tps, pgbench.latencyMs ?? 0))
            figures.add("pgbench.claim.tps", pgbench.tps)
            figures.add("pgbench.claim.latency_ms", pgbench.latencyMs)
        }
        lines += ["", figures.lines]
        emit(lines.joined(separator: "\n"))
    }

    private func row(_ replicas: Int, claim: LoadReport, match: LoadReport) -> String {
        let claimLatencies = claim.runner.stats.latencies[.claim] ?? []
        let matchLatencies = match.runner.stats.latencies[.match] ?? []
        let errors = (claim.runner.stats.outcomes.merging(match.runner.stats.outcomes, uniquingKeysWith: +))
            .filter { !$0.key.hasSuffix(" OK") }
            .map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", ")
        return String(
            format: "  %8d %10.0f %14.2f %14.2f %11.0f %14.2f %14.2f   %@",
            replicas, claim.throughput(of: .claim), percentile(claimLatencies, 0.5) ?? 0,
            percentile(claimLatencies, 0.99) ?? 0, match.throughput(of: .match),
            percentile(matchLatencies, 0.5) ?? 0, percentile(matchLatencies, 0.99) ?? 0,
            (errors.isEmpty ? "none" : errors) as NSString)
    }
}
