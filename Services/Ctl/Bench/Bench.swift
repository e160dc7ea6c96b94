import ArgumentParser
import Foundation
import NomadKit
import NomadLocal
import NomadProtos
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure identity's authenticated GetAccount against a bare grpc-swift echo server, with h2load.",
        discussion: """
            The documented way is one command on release builds:

              swift build -c release --product nomadctl --product nomad-identity
              .build/release/nomadctl bench --start

            --start runs a throwaway PostgreSQL and identity on free ports (like `up`) and stops \
            them afterwards; without it, bench uses the identity at --identity-address. Either way \
            it starts `nomadctl echo-server` from its own binary as the baseline, registers a fresh \
            nomad and logs in (the real path), checks GetAccount once with a real gRPC call (h2load \
            sees only HTTP status), then runs h2load against both: a warm-up, the measured pass \
            (p50/p99 from h2load's per-request log) and a single-stream latency pass. It prints \
            req/s, p50 and p99 for both, the identity/echo throughput ratio (target: at least 50%) \
            and identity's resident memory idle and at peak (VmRSS, sampled every 200 ms).
            """)

    @Flag(help: "Start PostgreSQL and identity first (on free ports unless --grpc-port is given) and stop them afterwards.")
    var start = false

    @Option(help: "Requests in each measured pass.")
    var requests: Int = 200_000

    @Option(help: "HTTP/2 connections h2load opens.")
    var connections: Int = 16

    @Option(help: "Concurrent streams per connection.")
    var streams: Int = 32

    @Option(help: "Requests in each warm-up pass (default: a tenth of --requests, at most 20000).")
    var warmup: Int?

    @Option(help: "Requests in the single-stream latency pass (-c 1 -m 1); 0 skips it.")
    var latencyRequests: Int = 2000

    @Option(help: "The identity service to measure (ignored with --start).")
    var identityAddress: String = "127.0.0.1:50051"

    @Option(help: "Identity's process id, for its memory (default: whoever listens on the identity port, by `ss -ltnp`).")
    var identityPid: Int32?

    @Option(help: "Identity's Prometheus page, to count the grpc-status of the measured calls (known with --start).")
    var identityMetricsUrl: String?

    @OptionGroup(title: "With --start")
    var suite: SuiteFlags

    func validate() throws {
        guard requests >= connections, connections >= 1, streams >= 1 else {
            throw ValidationError("--requests must be at least --connections, both and --streams at least 1")
        }
    }

    func run() async throws {
        try await BenchResources.measuring(measure)
    }

    private func measure(h2load: H2Load, signals: SignalWatcher, resources: BenchResources) async throws {
        var warnings: [String] = []
        #if DEBUG
            warnings.append(
                "nomadctl is a debug build: the echo baseline is a debug build too; use .build/release/nomadctl for real figures")
        #endif

        // The identity service: ours (--start) or one already running.
        let identity: HostPort
        let identityPID: pid_t?
        let metricsURL: String?
        if start {
            var options = try suite.options()
            // Identity is what is measured; the other services would only share its cores.
            options.services = options.services.filter { $0.name == "identity" }
            for service in options.services where options.ports[service.name] == nil {
                options.ports[service.name] = Ports(grpc: try Loopback.freePort(), metrics: try Loopback.freePort())
            }
            let running = try await LocalSuite.start(options, signals: signals, say: say)
            resources.suite = running
            guard let service = running.running("identity") else { throw CtlError("the suite has no identity service") }
            identity = service.grpcAddress
            identityPID = service.process.pid
            metricsURL = identityMetricsUrl ?? service.metricsURL
        } else {
            identity = try HostPort(parsing: identityAddress)
            let status = try? await HealthProbe.check(identity)
            guard status == .serving else {
                throw CtlError(
                    "no SERVING identity at \(identity) (\(status.map(HealthProbe.name) ?? "no answer")); start one with `nomadctl up`, or use `nomadctl bench --start`"
                )
            }
            identityPID = identityPid ?? ProcInfo.listeningPID(port: identity.port)
            metricsURL = identityMetricsUrl
        }
        if let pid = identityPID, let path = executablePath(of: pid), path.contains("/debug/") {
            warnings.append("identity runs a debug build (\(path)): build it with -c release for real figures")
        }
        if identityPID == nil {
            warnings.append("identity's pid is unknown (pass --identity-pid): no memory figures")
        }
        try signals.throwIfInterrupted()

        // The baseline: this binary's echo-server on a free port.
        let echoPort = try Loopback.freePort()
        let echo = try ChildProcess.spawn(
            name: "echo-server", executable: ownExecutablePath(), arguments: ["echo-server", "--port", String(echoPort)],
            environment: ProcessInfo.processInfo.environment)
        resources.echo = echo
        let echoAddress = HostPort(host: "127.0.0.1", port: echoPort)
        try await BenchClient.waitForEcho(at: echoAddress, timeout: .seconds(15)) {
            if echo.hasExited { throw CtlError("echo-server \(echo.exitDescription)") }
            try signals.throwIfInterrupted()
        }

        // The real path: a fresh nomad registers and logs in; GetAccount answers OK.
        say("registering a nomad and logging in on \(identity) ...")
        let nomad = try await BenchClient.registerNomad(at: identity)
        try await BenchClient.checkGetAccount(at: identity, nomad: nomad)
        let countsBefore: [String: Double]? =
            if let metricsURL {
                await BenchClient.handledCounts(metricsURL: metricsURL, method: "GetAccount")
            } else { nil }

        let warmupRequests = max(connections, warmup ?? min(requests / 10, 20_000))
        let loaded = H2Load.Load(requests: requests, connections: connections, streams: streams)
        let single = H2Load.Load(requests: latencyRequests, connections: 1, streams: 1)
        let abandon: @Sendable () -> Bool = { signals.interrupted }

        func pass(
            _ label: String, port: Int, path: String, body: [UInt8], headers: [String]
        ) async throws -> (loaded: H2Load.Result, single: H2Load.Result?) {
            say("\(label): warm-up, \(warmupRequests) requests ...")
            _ = try await h2load.run(
                port: port, path: path, body: body, headers: headers,
                load: .init(requests: warmupRequests, connections: connections, streams: streams),
                perRequestLog: false, abandon: abandon)
            say("\(label): \(requests) requests, \(connections) connections x \(streams) streams ...")
            let main = try await h2load.run(
                port: port, path: path, body: body, headers: headers, load: loaded, perRequestLog: true, abandon: abandon)
            var latency: H2Load.Result?
            if latencyRequests > 0 {
                say("\(label): single stream, \(latencyRequests) requests ...")
                latency = try await h2load.run(
                    port: port, path: path, body: body, headers: headers, load: single, perRequestLog: true, abandon: abandon)
            }
            return (main, latency)
        }

        // Identity, with its memory sampled throughout.
        let idleRSS = identityPID.flatMap(ProcInfo.residentBytes(of:))
        let sampler = identityPID.map { MemorySampler(pid: $0) }
        let sampling = Task { await sampler?.run() }
        let identityResult: (loaded: H2Load.Result, single: H2Load.Result?)
        do {
            identityResult = try await pass(
                "identity GetAccount", port: identity.port, path: "nomad.identity.v1.IdentityService/GetAccount",
                body: try BenchClient.getAccountBody(), headers: ["authorization:Bearer \(nomad.accessToken)"])
        } catch {
            sampling.cancel()
            throw error
        }
        sampling.cancel()
        await sampling.value
        try await BenchClient.checkGetAccount(at: identity, nomad: nomad)
        let countsAfter: [String: Double]? =
            if let metricsURL {
                await BenchClient.handledCounts(metricsURL: metricsURL, method: "GetAccount")
            } else { nil }

        // The chassis alone: the same process and token, both interceptors, no
        // table read; it splits identity's cost between chassis and database.
        let chassisResult = try await pass(
            "identity GetPublicKeys", port: identity.port, path: "nomad.identity.v1.IdentityService/GetPublicKeys",
            body: try BenchClient.getPublicKeysBody(), headers: ["authorization:Bearer \(nomad.accessToken)"])

        let echoResult = try await pass(
            "echo", port: echoPort, path: "nomad.bench.v1.EchoService/Echo",
            body: try BenchClient.echoBody("ping"), headers: [])

        printReport(
            identity: identity, echoPort: echoPort, identityResult: identityResult, chassisResult: chassisResult,
            echoResult: echoResult,
            idleRSS: idleRSS, sampler: sampler, countsBefore: countsBefore, countsAfter: countsAfter,
            warmupRequests: warmupRequests, warnings: warnings)
    }

    private func printReport(
        identity: HostPort, echoPort: Int,
        identityResult: (loaded: H2Load.Result, single: H2Load.Result?),
        chassisResult: (loaded: H2Load.Result, single: H2Load.Result?),
        echoResult: (loaded: H2Load.Result, single: H2Load.Result?),
        idleRSS: Int?, sampler: MemorySampler?, countsBefore: [String: Double]?, countsAfter: [String: Double]?,
        warmupRequests: Int, warnings: [String]
    ) {
        func ms(_ micros: Double?) -> String {
            micros.map { String(format: "%.2f", $0 / 1000) } ?? "-"
        }
        func right(_ text: String, _ width: Int) -> String {
            String(repeating: " ", count: max(0, width - text.count)) + text
        }
        func row(_ label: String, _ result: H2Load.Result) -> String {
            label.padding(toLength: 34, withPad: " ", startingAt: 0)
                + right(String(result.requests), 9) + right(String(format: "%.0f", result.requestsPerSecond), 12)
                + right(ms(result.p50), 9) + right(ms(result.p99), 10) + right(ms(result.mean), 10)
                + right(String(result.requests - result.succeeded), 9)
        }
        var lines: [String] = [""]
        lines.append(
            "nomadctl bench: h2load, \(connections) connections x \(streams) streams, \(requests) requests per measured pass (after \(warmupRequests) warm-up), \(ProcessInfo.processInfo.activeProcessorCount) CPUs"
        )
        lines.append("  identity  nomad.identity.v1.IdentityService/GetAccount on \(identity), a nomad's own profile, Bearer token")
        lines.append(
            "  chassis   nomad.identity.v1.IdentityService/GetPublicKeys on \(identity), same token, both interceptors, no table read")
        lines.append("  echo      nomad.bench.v1.EchoService/Echo on 127.0.0.1:\(echoPort), bare grpc-swift-2, no interceptors")
        lines.append("")
        lines.append("".padding(toLength: 34, withPad: " ", startingAt: 0) + "  requests       req/s   p50 ms    p99 ms   mean ms   failed")
        lines.append(row("identity GetAccount", identityResult.loaded))
        lines.append(row("identity GetPublicKeys", chassisResult.loaded))
        lines.append(row("echo", echoResult.loaded))
        if let identitySingle = identityResult.single, let chassisSingle = chassisResult.single, let echoSingle = echoResult.single {
            lines.append(row("identity GetAccount (-c1 -m1)", identitySingle))
            lines.append(row("identity GetPublicKeys (-c1 -m1)", chassisSingle))
            lines.append(row("echo (-c1 -m1)", echoSingle))
        }
        lines.append("")
        let ratio =
            echoResult.loaded.requestsPerSecond > 0
            ? identityResult.loaded.requestsPerSecond / echoResult.loaded.requestsPerSecond : 0
        lines.append(
            "  throughput identity/echo: " + String(format: "%.1f%%", ratio * 100) + " (target >= 50%: \(ratio >= 0.5 ? "met" : "NOT met"))"
        )
        let chassisRatio =
            echoResult.loaded.requestsPerSecond > 0
            ? chassisResult.loaded.requestsPerSecond / echoResult.loaded.requestsPerSecond : 0
        lines.append("  throughput chassis-only (GetPublicKeys)/echo: " + String(format: "%.1f%%", chassisRatio * 100))
        if let idleRSS, let sampler {
            let peak = sampler.peak
            lines.append(
                "  identity memory (VmRSS): idle \(formatBytes(idleRSS)) before the run, peak \(formatBytes(max(peak, idleRSS))) during it (\(sampler.samples) samples, every 200 ms)"
            )
        }
        if let countsBefore, let countsAfter {
            var ok = 0.0, errors = 0.0
            var byCode: [String] = []
            for code in Set(countsBefore.keys).union(countsAfter.keys).sorted() {
                let delta = (countsAfter[code] ?? 0) - (countsBefore[code] ?? 0)
                if code == "ok" { ok += delta } else if delta > 0 { errors += delta; byCode.append("\(code) \(Int(delta))") }
            }
            lines.append(
                "  grpc-status of identity's GetAccount during the runs (its /metrics): \(Int(ok)) OK, \(Int(errors)) errors\(byCode.isEmpty ? "" : " (" + byCode.joined(separator: ", ") + ")")"
            )
        } else {
            lines.append(
                "  grpc-status: checked OK with a real call before and after the runs (pass --identity-metrics-url to count every call)")
        }
        for warning in warnings { lines.append("  WARNING: \(warning)") }
        var figures = Figures()
        for (name, result) in [
            ("getaccount", identityResult.loaded), ("getpublickeys", chassisResult.loaded),
            ("echo", echoResult.loaded),
        ] {
            figures.add("\(name).calls_per_s", result.requestsPerSecond)
            figures.add("\(name).p50_ms", result.p50.map { $0 / 1000 })
            figures.add("\(name).p99_ms", result.p99.map { $0 / 1000 })
        }
        if let idleRSS, let sampler {
            figures.add("peak_rss_mib.identity", Double(max(sampler.peak, idleRSS)) / 1_048_576)
        }
        lines += ["", figures.lines, ""]
        emit(lines.joined(separator: "\n"))
    }
}

/// What bench started, so every exit path stops it.
final class BenchResources {
    var suite: LocalSuite?
    var echo: ChildProcess?

    /// Runs `measure` with h2load, a signal watcher and a fresh set of
    /// resources, and stops whatever it started on every way out (Ctrl-C: exit 130).
    static func measuring(
        _ measure: (H2Load, SignalWatcher, BenchResources) async throws -> Void
    ) async throws {
        let signals = SignalWatcher()
        let h2load = try H2Load.locate()
        let resources = BenchResources()
        do {
            try await measure(h2load, signals, resources)
        } catch is Interrupted {
            await resources.release()
            say("interrupted; everything stopped")
            throw ExitCode(130)
        } catch {
            await resources.release()
            throw error
        }
        await resources.release()
    }

    func release() async {
        if let echo {
            await echo.terminate(grace: .seconds(5))
            self.echo = nil
        }
        if let suite {
            await suite.stop(say: say)
            self.suite = nil
        }
    }
}
