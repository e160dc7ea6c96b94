import ArgumentParser
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NomadKit
import NomadLocal
import NomadProtos

#if canImport(Glibc)
    import Glibc
#endif

struct Load: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Drive the jobs replicas with a realistic mix, then check the seat invariants in the database.",
        discussion: """
            Starts a throwaway PostgreSQL, identity, --jobs-replicas jobs processes and analytics (the relays deliver as in production) on free ports \
            (like `up`), seeds claimable jobs and nomad profiles through the public RPCs, then runs \
            --requests calls of the --mix (match = MatchJobs, list = ListJobs, claim = ClaimJob, \
            progress = SubmitDelivery on a claimed order) from --concurrency workers through one \
            client balancing round-robin over the replicas, within --time-limit. A call that fails \
            with UNAVAILABLE (a replica died) is retried with the same request_id. It prints \
            throughput, p50/p99/p999 latency per operation and outcomes by status code, then checks \
            in the database: no seat overflow, no single-seat job with two assignees, every \
            acknowledged claim present. Exit status 1 when an invariant fails.
            """)

    @Option(help: "Calls in the run.")
    var requests: Int = 20_000

    @Option(help: "Concurrent callers.")
    var concurrency: Int = 32

    @Option(help: "Stop issuing calls after this many seconds, even if --requests is not reached.")
    var timeLimit: Int = 300

    @Option(help: "Weights of the operations: match, list, claim, progress.")
    var mix: String = "match=20,list=40,claim=30,progress=10"

    @Option(help: "Jobs processes (1-9).")
    var jobsReplicas: Int = 2

    @Option(help: "Claimable jobs to seed.")
    var jobs: Int = 300

    @Option(help: "Nomads (with profiles) to seed.")
    var nomads: Int = 2_000

    @Option(help: "Seats per seeded job are drawn from 1...this.")
    var maxSeats: Int32 = 5

    @Option(help: "SIGKILL the last jobs replica after this many calls have started (0: never).")
    var killReplicaAfter: Int = 0

    @Option(help: "Where the service executables are (default: next to nomadctl).")
    var binDir: String?

    func validate() throws {
        guard requests >= 1, concurrency >= 1, timeLimit >= 1, jobs >= 1, nomads >= 1, maxSeats >= 1 else {
            throw ValidationError("counts must be at least 1")
        }
        guard (1...9).contains(jobsReplicas) else { throw ValidationError("--jobs-replicas must be between 1 and 9") }
        if killReplicaAfter > 0, jobsReplicas < 2 {
            throw ValidationError("--kill-replica-after needs at least 2 replicas, so one survives")
        }
    }

    func run() async throws {
        let plan = LoadPlan(
            requests: requests, concurrency: concurrency, timeLimit: .seconds(timeLimit),
            mix: try LoadPlan.parseMix(mix), killReplicaAfter: killReplicaAfter > 0 ? killReplicaAfter : nil)
        let signals = SignalWatcher()
        let suite = try await JobsLoadSuite.start(replicas: jobsReplicas, binDir: binDir, signals: signals)
        // Every process's memory: idle once SERVING, then its peak through seeding and the run.
        let memory = suite.suite.running.map { MemoryFigure(name: $0.name, pid: $0.process.pid) }
        let sampling = memory.map { figure in Task { await figure.sampler.run() } }
        defer { for task in sampling { task.cancel() } }
        do {
            let report = try await suite.withBalancedClient { client in
                say("seeding \(jobs) jobs and \(nomads) profiles ...")
                let world = try await LoadSeed.world(
                    client: client, signingKey: suite.suite.context.signingKey, jobs: jobs, nomads: nomads,
                    seats: 1...maxSeats)
                let runner = LoadRunner(client: client, world: world)
                let victim = suite.suite.replicas(of: "jobs").last!
                let killed = OnceFlag()
                say("running \(requests) calls (\(mix)) with \(concurrency) callers over \(jobsReplicas) replicas ...")
                let elapsed = await runner.run(plan) { index in
                    if let after = plan.killReplicaAfter, index >= after, killed.set() {
                        victim.process.signal(SIGKILL)
                        say("killed \(victim.name) (pid \(victim.process.pid)) with SIGKILL at call \(index)")
                    }
                }
                return LoadReport(runner: runner, elapsed: elapsed, killed: killed.isSet ? victim.name : nil, memory: memory)
            }
            let checks = try await LoadInvariants.check(
                databaseURL: suite.suite.databaseURL, schema: "jobs", acknowledged: report.runner.stats.acknowledged)
            emit(report.render(replicas: jobsReplicas, mix: mix, concurrency: concurrency, checks: checks))
            await suite.stop()
            if checks.contains(where: { !$0.holds }) { throw ExitCode(1) }
        } catch {
            await suite.stop()
            throw error
        }
    }
}

/// The figures of one run, printed as a table.
struct LoadReport: Sendable {
    let runner: LoadRunner
    let elapsed: Duration
    let killed: String?
    /// Empty when the caller did not sample (bench-jobs).
    var memory: [MemoryFigure] = []

    var seconds: Double {
        Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    var calls: Int { runner.stats.latencies.values.reduce(0) { $0 + $1.count } }

    func throughput(of operation: LoadOperation? = nil) -> Double {
        let count = operation.map { runner.stats.latencies[$0]?.count ?? 0 } ?? calls
        return Double(count) / seconds
    }

    func render(replicas: Int, mix: String, concurrency: Int, checks: [LoadInvariants.Check]) -> String {
        let stats = runner.stats
        var lines = [
            "",
            "jobs load: \(replicas) replica(s), mix \(mix), \(concurrency) callers",
            String(
                format: "  %d calls in %.1f s = %.0f calls/s; %d retries (same request_id)", calls, seconds, throughput(), stats.retries),
        ]
        if let killed { lines.append("  \(killed) was killed with SIGKILL mid-run; its callers retried on the surviving replicas") }
        lines.append("")
        lines.append("  operation     calls    calls/s    p50 ms    p99 ms   p999 ms")
        for operation in LoadOperation.allCases {
            let values = stats.latencies[operation] ?? []
            guard !values.isEmpty else { continue }
            lines.append(
                "  " + operation.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                    + String(
                        format: " %8d %10.0f %9.2f %9.2f %9.2f", values.count,
                        throughput(of: operation), percentile(values, 0.5)!, percentile(values, 0.99)!, percentile(values, 0.999)!))
        }
        lines.append("")
        lines.append("  outcomes (FAILED_PRECONDITION / ALREADY_EXISTS on claims are full jobs and repeat claims):")
        for (outcome, count) in stats.outcomes.sorted(by: { $0.key < $1.key }) {
            lines.append("    \(outcome.padding(toLength: 34, withPad: " ", startingAt: 0)) \(count)")
        }
        let unexpected = stats.outcomes.filter { outcome, _ in
            !outcome.hasSuffix(" OK") && !outcome.hasSuffix("FAILED_PRECONDITION") && !outcome.hasSuffix("ALREADY_EXISTS")
        }.values.reduce(0, +)
        lines.append("  unexpected errors: \(unexpected)")
        if !memory.isEmpty {
            lines.append("")
            lines.append("  memory (VmRSS, sampled every 200 ms): idle once SERVING, peak during seeding and the run")
        }
        for figure in memory {
            lines.append(
                "    " + figure.name.padding(toLength: 10, withPad: " ", startingAt: 0)
                    + " idle \(figure.idle.map(formatBytes) ?? "-"), peak \(formatBytes(max(figure.sampler.peak, figure.idle ?? 0)))")
        }
        lines.append("")
        lines.append("  invariants (read from the database):")
        for check in checks {
            lines.append("    \(check.holds ? "PASS" : "FAIL")  \(check.name) (\(check.detail))")
        }
        return lines.joined(separator: "\n")
    }
}

/// A throwaway suite (identity, N jobs replicas, analytics) on free ports, for load and bench.
struct JobsLoadSuite: Sendable {
    let suite: LocalSuite

    static func start(replicas: Int, binDir: String?, signals: SignalWatcher) async throws -> JobsLoadSuite {
        var options = SuiteOptions(
            databaseURL: nil, dataDirectory: nil,
            binDirectory: binDir ?? URL(fileURLWithPath: ownExecutablePath()).deletingLastPathComponent().path)
        // Analytics too, so the replicas relay their outbox as they do in production.
        options.services = SuiteService.all.filter { ["identity", "jobs", "analytics"].contains($0.name) }
        options.replicas["jobs"] = replicas
        for service in ["identity", "analytics"] {
            options.ports[service] = Ports(grpc: try Loopback.freePort(), metrics: try Loopback.freePort())
        }
        options.replicaPorts["jobs"] = try (0..<replicas).map { _ in
            Ports(grpc: try Loopback.freePort(), metrics: try Loopback.freePort())
        }
        #if DEBUG
            say(
                "warning: nomadctl is a debug build; measure with release builds (swift build -c release --product nomad-jobs, ... nomadctl)"
            )
        #endif
        return JobsLoadSuite(suite: try await LocalSuite.start(options, signals: signals, say: say))
    }

    /// One client over every replica, round-robin: how departments' clients
    /// reach a scaled-out jobs service.
    func withBalancedClient<Result: Sendable>(
        _ body: (Nomad_Jobs_V1_JobsService.Client<HTTP2ClientTransport.Posix>) async throws -> Result
    ) async throws -> Result {
        let pairs = suite.replicas(of: "jobs").map { (host: "127.0.0.1", port: $0.ports.grpc) }
        let transport = try HTTP2ClientTransport.Posix(
            target: .ipv4(pairs: pairs), transportSecurity: .plaintext,
            serviceConfig: ServiceConfig(loadBalancingConfig: [.roundRobin]))
        return try await withGRPCClient(transport: transport) { client in
            try await body(Nomad_Jobs_V1_JobsService.Client(wrapping: client))
        }
    }

    func stop() async {
        await suite.stop(say: say)
    }
}
