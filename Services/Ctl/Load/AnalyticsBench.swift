import ArgumentParser
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NomadKit
import NomadLocal
import NomadProtos
import SwiftProtobuf

/// `nomadctl bench-analytics`: how fast analytics takes the relays' batches
/// and answers the KPI reports over what it holds, next to pgbench running
/// the ingest's own INSERT on the same database.
struct AnalyticsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-analytics",
        abstract: "IngestEvents throughput and KPI read latency, next to pgbench running the ingest's INSERT.",
        discussion: """
            Starts a throwaway PostgreSQL and one analytics process. --senders callers, each signed with \
            a service token as a relay is, send --events events in batches of --batch (visits and event \
            check-ins of --nomads people over the current year, certifications, bounty completions); \
            then the first tenth of the batches again (a redelivery must store nothing). Then an \
            officer calls ListKpis and GetKpiSeries (nomad_visits) --reads times each over the year. \
            Last, pgbench inserts the same number of rows with the ingest's statement shape (a batch \
            per transaction, ON CONFLICT DO NOTHING) from as many clients. Use release builds: swift \
            build -c release --product nomad-analytics, then --product nomadctl.
            """)

    @Option(help: "Events in the measured ingest run.")
    var events: Int = 100_000

    @Option(help: "Events per IngestEvents call (the relay sends up to 100).")
    var batch: Int = 100

    @Option(help: "Concurrent senders (relays) and pgbench clients.")
    var senders: Int = 4

    @Option(help: "People the visits and check-ins are spread over.")
    var nomads: Int = 5_000

    @Option(help: "ListKpis and GetKpiSeries calls measured, each.")
    var reads: Int = 20

    @Option(help: "Where the service executables are (default: next to nomadctl).")
    var binDir: String?

    func run() async throws {
        guard events > 0, (1...500).contains(batch), senders > 0, nomads > 0, reads > 0 else {
            throw ValidationError("--events, --senders, --nomads and --reads must be positive, --batch 1 to 500")
        }
        let signals = SignalWatcher()
        var options = SuiteOptions(
            databaseURL: nil, dataDirectory: nil,
            binDirectory: binDir ?? URL(fileURLWithPath: ownExecutablePath()).deletingLastPathComponent().path)
        options.services = SuiteService.all.filter { $0.name == "analytics" }
        options.ports["analytics"] = Ports(grpc: try Loopback.freePort(), metrics: try Loopback.freePort())
        #if DEBUG
            say(
                "warning: nomadctl is a debug build; measure with release builds (swift build -c release --product nomad-analytics, ... nomadctl)"
            )
        #endif
        let suite = try await LocalSuite.start(options, signals: signals, say: say)
        let memory = SuiteMemory(suite)
        defer { memory.stop() }
        do {
            let port = suite.running("analytics")!.ports.grpc
            let transport = try HTTP2ClientTransport.Posix(
                target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)
            let report = try await withGRPCClient(transport: transport) { grpc in
                let client = Nomad_Analytics_V1_AnalyticsService.Client(wrapping: grpc)
                return try await measure(client, context: suite.context)
            }
            say("pgbench: the ingest's INSERT, \(senders) clients, \(events / batch) batches of \(batch) ...")
            let pgbench = try Pgbench.ingest(
                databaseURL: suite.databaseURL, schema: "analytics", clients: senders,
                transactions: events / batch, batch: batch)
            memory.stop()
            var figures = Figures()
            figures.add("ingest.events_per_s", report.ingest.rate(batch))
            figures.add("ingest.p50_ms", report.ingest.p50)
            figures.add("ingest.p99_ms", report.ingest.p99)
            figures.add("pgbench.ingest.events_per_s", pgbench.tps * Double(batch))
            figures.add("pgbench.ingest.latency_ms", pgbench.latencyMs)
            figures.addPeaks(memory.figures)
            await suite.stop(say: say)
            emit(
                report.lines(events: events, batch: batch, senders: senders, reads: reads, pgbench: pgbench)
                    + "\n\n" + figures.lines)
        } catch {
            await suite.stop(say: say)
            throw error
        }
    }

    struct Report {
        var ingest: Timed
        var redelivery: Timed
        var kpis: Timed
        var series: Timed
        var visits: Int64

        func lines(events: Int, batch: Int, senders: Int, reads: Int, pgbench: Pgbench.Result) -> String {
            func row(_ name: String, _ timed: Timed, _ unit: String, _ per: Int) -> String {
                String(
                    format: "  %@ %8.0f %@/s   p50 %7.2f ms   p99 %7.2f ms   errors: %@",
                    name.padding(toLength: 26, withPad: " ", startingAt: 0) as NSString, timed.rate(per), unit as NSString,
                    timed.p50, timed.p99, (timed.errors.isEmpty ? "none" : timed.errors) as NSString)
            }
            return [
                "",
                "analytics bench: \(events) events in batches of \(batch) from \(senders) senders; \(reads) reads of each report",
                "",
                row("IngestEvents (new)", ingest, "events", batch),
                row("IngestEvents (redelivered)", redelivery, "events", batch),
                row("ListKpis (every KPI, year)", kpis, "calls ", 1),
                row("GetKpiSeries nomad_visits", series, "calls ", 1),
                String(
                    format: "  pgbench, the ingest's INSERT (prepared, %d clients, %d batches of %d): %.0f events/s, %.2f ms a batch",
                    senders, pgbench.transactions, batch, pgbench.tps * Double(batch), pgbench.latencyMs ?? 0),
                "  nomad_visits over the year after the run: \(visits)",
            ].joined(separator: "\n")
        }
    }

    /// Calls' latencies in milliseconds and wall time in seconds.
    struct Timed {
        var latencies: [Double] = []
        var seconds: Double = 0
        var errors = ""
        var p50: Double { percentile(latencies.sorted(), 0.5) ?? 0 }
        var p99: Double { percentile(latencies.sorted(), 0.99) ?? 0 }
        /// Successful calls (× `per`) per second.
        func rate(_ per: Int) -> Double { seconds > 0 ? Double(latencies.count * per) / seconds : 0 }
    }

    private func measure(
        _ client: Nomad_Analytics_V1_AnalyticsService.Client<HTTP2ClientTransport.Posix>, context: SuiteContext
    ) async throws -> Report {
        let relay = try ServiceTokens(key: context.serviceTokenKey)
            .issue(caller: UUID(), for: .ingestEvents, lifetime: 4 * 3600).token
        let officer = try LoadSeed.tokens(signingKey: context.signingKey).issue(
            for: Principal(accountID: UUID(), role: .officer, department: "development_reform"), lifetime: 4 * 3600
        ).token
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        let batches = AnalyticsBenchEvents(year: year, nomads: nomads).batches(count: events, size: batch)
        say("ingesting \(events) events in \(batches.count) batches from \(senders) senders ...")
        let ingest = await timed(batches.count) { index in
            _ = try await client.ingestEvents(.with { $0.events = batches[index] }, metadata: bearer(relay))
        }
        let again = Array(batches.prefix(max(1, batches.count / 10)))
        say("redelivering \(again.count) batches ...")
        let redelivery = await timed(again.count) { index in
            _ = try await client.ingestEvents(.with { $0.events = again[index] }, metadata: bearer(relay))
        }
        let period = Nomad_Analytics_V1_Period.with {
            $0.from = .with {
                $0.year = Int32(year); $0.month = 1; $0.day = 1
            }
            $0.to = .with {
                $0.year = Int32(year); $0.month = 12; $0.day = 31
            }
        }
        say("reading: ListKpis and GetKpiSeries, \(reads) calls each ...")
        let kpis = await timed(reads, concurrency: 1) { _ in
            _ = try await client.listKpis(.with { $0.period = period }, metadata: bearer(officer))
        }
        let series = await timed(reads, concurrency: 1) { _ in
            _ = try await client.getKpiSeries(
                .with {
                    $0.code = "nomad_visits"; $0.period = period
                }, metadata: bearer(officer))
        }
        let visits = try await client.getKpiSeries(
            .with {
                $0.code = "nomad_visits"; $0.period = period
            }, metadata: bearer(officer)
        ).progress.value
        return Report(ingest: ingest, redelivery: redelivery, kpis: kpis, series: series, visits: visits)
    }

    /// Runs `call(0..<count)` from `concurrency` workers (default: the senders).
    private func timed(
        _ count: Int, concurrency: Int? = nil, _ call: @escaping @Sendable (Int) async throws -> Void
    ) async -> Timed {
        let workers = concurrency ?? senders
        let clock = ContinuousClock()
        let started = clock.now
        let results = await withTaskGroup(of: [(Double, String?)].self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var results: [(Double, String?)] = []
                    for index in stride(from: worker, to: count, by: workers) {
                        let start = clock.now
                        var failure: String?
                        do { try await call(index) } catch let error as RPCError { failure = "\(error.code)" } catch {
                            failure = "\(type(of: error))"
                        }
                        results.append((milliseconds(clock.now - start), failure))
                    }
                    return results
                }
            }
            var all: [(Double, String?)] = []
            for await part in group { all += part }
            return all
        }
        var errors: [String: Int] = [:]
        for case let (_, failure?) in results { errors[failure, default: 0] += 1 }
        return Timed(
            latencies: results.filter { $0.1 == nil }.map(\.0), seconds: milliseconds(clock.now - started) / 1000,
            errors: errors.map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", "))
    }
}

private func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}
