import ArgumentParser
import Foundation
import NomadKit
import NomadLocal

/// `nomadctl bench-suite`: every hot path next to its baseline from one run,
/// as a table and as one machine-readable line per figure.
struct BenchSuite: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-suite",
        abstract: "Every hot RPC next to its baseline measured in the same run, the match latencies and peak memory.",
        discussion: """
            Runs, one after another, the benches of this binary, each with its own throwaway \
            PostgreSQL and services from the executables next to nomadctl (build them in release: \
            scripts/build-release.sh nomad-identity nomad-jobs nomad-assets nomad-analytics nomadctl): \
            bench (GetAccount against a bare grpc-swift echo, h2load), bench-jobs (ClaimJob against \
            pgbench on claim_job, prepared, same clients), bench-ledger (TransferPoints against \
            pgbench on its SQL), bench-analytics (IngestEvents against pgbench's INSERT of the same \
            batches) and bench-match (MatchNomads and MatchJobs over 100,000 profiles and 10,000 jobs). \
            The transport passes repeat bench with one NIO event loop (NIO_SINGLETON_GROUP_LOOP_COUNT=1) \
            and with NIO's event loops as Swift's global executor (NOMAD_NIO_GLOBAL_EXECUTOR=1). \
            Each bench's report is printed as it ran; then the table; then one line per figure \
            (`ratio claim/pgbench 71.3`, `p99 matchnomads 18.2`). It exits 0 whatever the figures \
            (it measures; it does not judge), and 1 only when a bench could not run.
            """)

    @Option(help: "Requests per h2load pass (GetAccount, echo).")
    var requests: Int = 50_000

    @Option(help: "Claims through ClaimJob (and pgbench transactions).")
    var claims: Int = 10_000

    @Option(help: "Transfers through TransferPoints (and pgbench transactions).")
    var transfers: Int = 5_000

    @Option(help: "Events sent through IngestEvents (and inserted by pgbench).")
    var events: Int = 50_000

    @Option(help: "Profiles the match bench seeds.")
    var nomads: Int = 100_000

    @Option(help: "Measured calls of each match kind.")
    var matchCalls: Int = 2_000

    @Flag(help: "Skip the transport passes (bench again with one event loop, and with NIO as the global executor).")
    var skipTransport = false

    @Option(help: "Where the service executables are (default: next to nomadctl).")
    var binDir: String?

    /// One bench this command runs: its arguments and extra environment.
    struct Part {
        let label: String
        let arguments: [String]
        var environment: [String: String] = [:]
    }

    func run() async throws {
        let bin = binDir.map { ["--bin-dir", $0] } ?? []
        var parts = [
            Part(label: "identity", arguments: ["bench", "--start", "--requests", String(requests), "--latency-requests", "0"] + bin),
            Part(label: "jobs", arguments: ["bench-jobs", "--replicas", "1", "--claims", String(claims), "--matches", "500"] + bin),
            Part(label: "ledger", arguments: ["bench-ledger", "--transfers", String(transfers)] + bin),
            Part(label: "analytics", arguments: ["bench-analytics", "--events", String(events), "--reads", "5"] + bin),
            Part(label: "match", arguments: ["bench-match", "--start", "--nomads", String(nomads), "--calls", String(matchCalls)] + bin),
        ]
        if !skipTransport {
            parts.append(
                Part(
                    label: "identity, one event loop",
                    arguments: ["bench", "--start", "--requests", String(requests), "--latency-requests", "0"] + bin,
                    environment: ["NIO_SINGLETON_GROUP_LOOP_COUNT": "1"]))
            parts.append(
                Part(
                    label: "identity, NIO global executor",
                    arguments: ["bench", "--start", "--requests", String(requests), "--latency-requests", "0"] + bin,
                    environment: ["NOMAD_NIO_GLOBAL_EXECUTOR": "1"]))
        }
        let signals = SignalWatcher()
        let started = ContinuousClock.now
        var figures: [String: [String: Double]] = [:]
        var failed: [String] = []
        for part in parts {
            say("bench-suite: \(part.label): nomadctl \(part.arguments.joined(separator: " "))")
            do {
                let output = try await Self.runBench(part, signals: signals)
                emit(output)
                figures[part.label] = Figures.parse(output)
            } catch let exit as ExitCode {
                throw exit
            } catch {
                say("bench-suite: \(part.label) did not run: \(error)")
                failed.append(part.label)
            }
        }
        emit(Self.summary(figures, seconds: (ContinuousClock.now - started).components.seconds))
        if !failed.isEmpty {
            say("bench-suite: not measured: \(failed.joined(separator: ", "))")
            throw ExitCode(1)
        }
    }

    /// Runs one bench of this binary to its end; its progress goes to our
    /// stderr, its report (stdout) is returned.
    static func runBench(_ part: Part, signals: SignalWatcher) async throws -> String {
        let output = FileManager.default.temporaryDirectory
            .appendingPathComponent("nomadctl-bench-suite-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        var environment = ProcessInfo.processInfo.environment
        environment.merge(part.environment) { _, new in new }
        let child = try ChildProcess.spawn(
            name: "nomadctl \(part.arguments[0])", executable: ownExecutablePath(), arguments: part.arguments,
            environment: environment, stdoutPath: output)
        // The bench runs in a process group of its own, out of reach of the
        // terminal's Ctrl-C: pass it on, so it stops what it started.
        var forwarded = false
        while !child.hasExited {
            if signals.interrupted, !forwarded {
                child.signal(SIGINT)
                forwarded = true
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        if forwarded { throw ExitCode(130) }
        let text = String(decoding: FileManager.default.contents(atPath: output) ?? Data(), as: UTF8.self)
        guard child.exitCode == 0 else { throw CtlError("\(child.exitDescription)\n\(text)") }
        return text
    }

    /// The table, then one line per figure.
    static func summary(_ figures: [String: [String: Double]], seconds: Int64) -> String {
        func value(_ part: String, _ name: String) -> Double? { figures[part]?[name] }
        func number(_ value: Double?, _ format: String = "%.0f") -> String {
            value.map { String(format: format, $0) } ?? "-"
        }
        func ratio(_ measured: Double?, _ baseline: Double?) -> Double? {
            guard let measured, let baseline, baseline > 0 else { return nil }
            return measured / baseline * 100
        }
        func cell(_ text: String, _ width: Int) -> String {
            String(repeating: " ", count: max(0, width - text.count)) + text
        }
        struct Row {
            let name: String, part: String, prefix: String, baseline: String, baselineRate: Double?, ratioName: String
        }
        let rows = [
            Row(
                name: "ClaimJob", part: "jobs", prefix: "claim", baseline: "pgbench claim_job",
                baselineRate: value("jobs", "pgbench.claim.tps"), ratioName: "claim/pgbench"),
            Row(
                name: "TransferPoints", part: "ledger", prefix: "transfer", baseline: "pgbench transfer SQL",
                baselineRate: value("ledger", "pgbench.transfer.tps"), ratioName: "transfer/pgbench"),
            Row(
                name: "GetAccount", part: "identity", prefix: "getaccount", baseline: "grpc-swift echo",
                baselineRate: value("identity", "echo.calls_per_s"), ratioName: "getaccount/echo"),
            Row(
                name: "IngestEvents (events)", part: "analytics", prefix: "ingest", baseline: "pgbench INSERT",
                baselineRate: value("analytics", "pgbench.ingest.events_per_s"), ratioName: "ingest/pgbench"),
            Row(
                name: "ExchangePow", part: "ledger", prefix: "exchange", baseline: "pgbench exchange_pow",
                baselineRate: value("ledger", "pgbench.exchange.tps"), ratioName: "exchange/pgbench"),
            Row(
                name: "GetAccount, 1 loop", part: "identity, one event loop", prefix: "getaccount",
                baseline: "echo, 1 loop", baselineRate: value("identity, one event loop", "echo.calls_per_s"),
                ratioName: "getaccount-1loop/echo-1loop"),
            Row(
                name: "GetAccount, NIO executor", part: "identity, NIO global executor", prefix: "getaccount",
                baseline: "echo, NIO executor",
                baselineRate: value("identity, NIO global executor", "echo.calls_per_s"),
                ratioName: "getaccount-nioexec/echo-nioexec"),
        ]
        var lines = ["", "bench-suite: every figure below comes from this one run (\(seconds) s)", ""]
        lines.append("  hot path                   calls/s   p50 ms   p99 ms   baseline                 calls/s   ratio %")
        var machine: [String] = []
        for row in rows where figures[row.part] != nil {
            let rate =
                value(row.part, row.prefix == "ingest" ? "ingest.events_per_s" : "\(row.prefix).calls_per_s")
                ?? value(row.part, "\(row.prefix).calls_per_s.r1")
            let p50 = value(row.part, "\(row.prefix).p50_ms") ?? value(row.part, "\(row.prefix).p50_ms.r1")
            let p99 = value(row.part, "\(row.prefix).p99_ms") ?? value(row.part, "\(row.prefix).p99_ms.r1")
            let percent = ratio(rate, row.baselineRate)
            lines.append(
                "  " + row.name.padding(toLength: 24, withPad: " ", startingAt: 0)
                    + cell(number(rate), 10) + cell(number(p50, "%.2f"), 9) + cell(number(p99, "%.2f"), 9) + "   "
                    + row.baseline.padding(toLength: 22, withPad: " ", startingAt: 0)
                    + cell(number(row.baselineRate), 10) + cell(number(percent, "%.1f"), 10))
            if let percent { machine.append(String(format: "ratio %@ %.1f", row.ratioName as NSString, percent)) }
        }
        // Each transport variant against the default, for the echo and for GetAccount.
        for (part, name) in [("identity, one event loop", "1loop"), ("identity, NIO global executor", "nioexec")] {
            for figure in ["echo", "getaccount"] {
                if let variant = value(part, "\(figure).calls_per_s"), let plain = value("identity", "\(figure).calls_per_s"), plain > 0 {
                    machine.append(
                        String(
                            format: "ratio %@-%@/%@ %.1f", figure as NSString, name as NSString,
                            figure as NSString, variant / plain * 100))
                }
            }
        }
        lines.append("")
        lines.append("  match over 100k profiles   p50 ms   p99 ms")
        for name in ["matchnomads", "matchnomads_popular", "matchjobs"] {
            let p50 = value("match", "\(name).p50_ms"), p99 = value("match", "\(name).p99_ms")
            lines.append(
                "  " + name.padding(toLength: 24, withPad: " ", startingAt: 0)
                    + cell(number(p50, "%.2f"), 9) + cell(number(p99, "%.2f"), 9))
            if let p99 { machine.append(String(format: "p99 %@ %.1f", name as NSString, p99)) }
        }
        lines.append("")
        lines.append("  peak resident memory (MiB), by bench and process")
        for part in figures.keys.sorted() {
            let peaks = figures[part]!.filter { $0.key.hasPrefix("peak_rss_mib.") }.sorted { $0.key < $1.key }
            guard !peaks.isEmpty else { continue }
            lines.append(
                "  " + (part + ":").padding(toLength: 32, withPad: " ", startingAt: 0)
                    + peaks.map {
                        "\($0.key.dropFirst("peak_rss_mib.".count)) " + String(format: "%.1f", $0.value)
                    }.joined(separator: ", "))
        }
        lines.append("")
        return (lines + machine).joined(separator: "\n")
    }
}
