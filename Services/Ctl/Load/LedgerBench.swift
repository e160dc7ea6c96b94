import ArgumentParser
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NomadKit
import NomadLocal
import NomadProtos
import SwiftProtobuf

/// `nomadctl bench-ledger`: ledger transfers and POW exchanges per second
/// through the TransferPoints and ExchangePow RPCs, each next to pgbench
/// running the same statement on the same database.
struct LedgerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-ledger",
        abstract: "TransferPoints and ExchangePow throughput next to pgbench running their SQL.",
        discussion: """
            Starts a throwaway PostgreSQL and one assets process, gives each of --accounts nomads POW \
            (an accepted labelling task) and points (an exchange), then fires --transfers transfers of \
            one point between random pairs of them from --concurrency callers. It then runs pgbench \
            with the statement TransferPoints sends (one prepared call of transfer_points: the \
            idempotency key, account locks in id order, lot selection, transaction, entries and \
            balances, lots, outbox, stored result) with as many clients over the same accounts. Then the \
            same for --exchanges exchanges of one POW (one prepared call of exchange_pow; every exchange \
            locks the zone's two issuance accounts, so exchanges run one at a time). Use release builds: swift build -c release \
            --product nomad-assets, then --product nomadctl.
            """)

    @Option(help: "Transfers in the measured run (and pgbench transactions).")
    var transfers: Int = 5_000

    @Option(help: "Concurrent callers (and pgbench clients).")
    var concurrency: Int = 16

    @Option(help: "Exchanges of one POW in the measured exchange pass (and pgbench transactions); 0 skips it.")
    var exchanges: Int = 2_000

    @Option(help: "Nomad points accounts the transfers run between.")
    var accounts: Int = 32

    @Option(help: "Where the service executables are (default: next to nomadctl).")
    var binDir: String?

    func run() async throws {
        guard transfers > 0, concurrency > 0, accounts >= 2, exchanges >= 0 else {
            throw ValidationError("--transfers and --concurrency must be positive, --accounts at least 2, --exchanges not negative")
        }
        let signals = SignalWatcher()
        var options = SuiteOptions(
            databaseURL: nil, dataDirectory: nil,
            binDirectory: binDir ?? URL(fileURLWithPath: ownExecutablePath()).deletingLastPathComponent().path)
        options.services = SuiteService.all.filter { $0.name == "assets" }
        options.ports["assets"] = Ports(grpc: try Loopback.freePort(), metrics: try Loopback.freePort())
        #if DEBUG
            say(
                "warning: nomadctl is a debug build; measure with release builds (swift build -c release --product nomad-assets, ... nomadctl)"
            )
        #endif
        let suite = try await LocalSuite.start(options, signals: signals, say: say)
        let memory = SuiteMemory(suite)
        defer { memory.stop() }
        do {
            let port = suite.running("assets")!.ports.grpc
            let transport = try HTTP2ClientTransport.Posix(
                target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)
            let (callers, (rpc, errors, p50, p99)) = try await withGRPCClient(transport: transport) { grpc in
                let client = Nomad_Assets_V1_AssetsService.Client(wrapping: grpc)
                let callers = try await seed(client, signingKey: suite.context.signingKey)
                say("warm-up: \(min(500, transfers / 10)) transfers ...")
                _ = await measure(min(500, transfers / 10)) { try await transfer(client, callers, &$0) }
                say("measuring: \(transfers) transfers from \(concurrency) callers over \(accounts) accounts ...")
                return (callers, await measure(transfers) { try await transfer(client, callers, &$0) })
            }
            say("pgbench: the transfer's SQL, \(concurrency) clients, \(transfers) transactions ...")
            let pgbench = try Pgbench.transfers(
                databaseURL: suite.databaseURL, schema: "assets", clients: concurrency, transactions: transfers)
            var exchange: (rpc: (Double, String, Double, Double), pgbench: Pgbench.Result)?
            if exchanges > 0 {
                let rpc = try await withGRPCClient(
                    transport: try HTTP2ClientTransport.Posix(
                        target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)
                ) { grpc in
                    let client = Nomad_Assets_V1_AssetsService.Client(wrapping: grpc)
                    say("warm-up: \(min(200, exchanges / 10)) exchanges ...")
                    _ = await measure(min(200, exchanges / 10)) { try await exchangeOne(client, callers, &$0) }
                    say("measuring: \(exchanges) exchanges of 1 POW from \(concurrency) callers ...")
                    return await measure(exchanges) { try await exchangeOne(client, callers, &$0) }
                }
                say("pgbench: the exchange's SQL, \(concurrency) clients, \(exchanges) transactions ...")
                exchange = (
                    rpc,
                    try Pgbench.exchanges(
                        databaseURL: suite.databaseURL, schema: "assets", clients: concurrency, transactions: exchanges)
                )
            }
            memory.stop()
            var figures = Figures()
            figures.add("transfer.calls_per_s", rpc)
            figures.add("transfer.p50_ms", p50)
            figures.add("transfer.p99_ms", p99)
            figures.add("pgbench.transfer.tps", pgbench.tps)
            figures.add("pgbench.transfer.latency_ms", pgbench.latencyMs)
            var exchangeLines: [String] = []
            if let exchange {
                let (rate, failures, p50, p99) = exchange.rpc
                figures.add("exchange.calls_per_s", rate)
                figures.add("exchange.p50_ms", p50)
                figures.add("exchange.p99_ms", p99)
                figures.add("pgbench.exchange.tps", exchange.pgbench.tps)
                figures.add("pgbench.exchange.latency_ms", exchange.pgbench.latencyMs)
                exchangeLines = [
                    String(
                        format: "  ExchangePow RPC:     %.0f exchanges/s   p50 %.2f ms   p99 %.2f ms   errors: %@",
                        rate, p50, p99, (failures.isEmpty ? "none" : failures) as NSString),
                    String(
                        format: "  pgbench, same SQL (prepared, %d clients, %d transactions): %.0f tps, %.2f ms average",
                        concurrency, exchange.pgbench.transactions, exchange.pgbench.tps, exchange.pgbench.latencyMs ?? 0),
                ]
            }
            figures.addPeaks(memory.figures)
            await suite.stop(say: say)
            let lines: [String] =
                [
                    "",
                    "ledger bench: \(transfers) transfers of 1 point between \(accounts) points accounts, \(concurrency) concurrent callers",
                    "",
                    String(
                        format: "  TransferPoints RPC:  %.0f transfers/s   p50 %.2f ms   p99 %.2f ms   errors: %@",
                        rpc, p50, p99, (errors.isEmpty ? "none" : errors) as NSString),
                    String(
                        format: "  pgbench, same SQL (prepared, %d clients, %d transactions): %.0f tps, %.2f ms average",
                        concurrency, pgbench.transactions, pgbench.tps, pgbench.latencyMs ?? 0),
                ] + exchangeLines + ["", figures.lines]
            emit(lines.joined(separator: "\n"))
        } catch {
            await suite.stop(say: say)
            throw error
        }
    }

    struct Caller: Sendable {
        let metadata: Metadata
        let pointsAccount: String
    }

    /// Nomads with half a million points and 50,000 POW each (half their
    /// credit exchanged), through the public RPCs.
    private func seed(
        _ client: Nomad_Assets_V1_AssetsService.Client<HTTP2ClientTransport.Posix>, signingKey: SigningKey
    ) async throws -> [Caller] {
        let tokens = LoadSeed.tokens(signingKey: signingKey)
        @Sendable func metadata(_ role: Role) throws -> Metadata {
            let token = try tokens.issue(
                for: Principal(
                    accountID: UUID(), role: role, department: role == .officer ? "data" : nil,
                    standing: role == .nomad ? .certified : nil),
                lifetime: 4 * 3600
            ).token
            return bearer(token)
        }
        let officer = try metadata(.officer)
        say("seeding \(accounts) nomads with POW and points ...")
        return try await LoadSeed.concurrently(count: accounts, concurrency: 8) { _ in
            let nomad = try metadata(.nomad)
            let hash = (0..<4).map { _ in String(format: "%016llx", UInt64.random(in: .min ... .max)) }.joined()
            let task = try await client.submitContribution(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.poolCode = "culture_tourism_consumption"
                    $0.kind = .labelling
                    $0.evidenceHash = hash
                    $0.workUnits = 100_000
                    $0.qualityScore = 100
                }, metadata: nomad)
            let accepted = try await client.reviewContribution(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.contributionID = task.contributionID
                    $0.accept = true
                }, metadata: officer)
            _ = try await client.exchangePow(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.powUnits = accepted.powUnits / 2
                }, metadata: nomad)
            let balances = try await client.getBalances(.init(), metadata: nomad)
            guard let points = balances.accounts.first(where: { $0.kind == .points }) else {
                throw CtlError("seeded nomad has no points account")
            }
            return Caller(metadata: nomad, pointsAccount: points.accountID)
        }
    }

    /// One transfer of a point between two random callers.
    private func transfer(
        _ client: Nomad_Assets_V1_AssetsService.Client<HTTP2ClientTransport.Posix>, _ callers: [Caller],
        _ generator: inout SystemRandomNumberGenerator
    ) async throws {
        let from = Int.random(in: 0..<callers.count, using: &generator)
        var to = Int.random(in: 0..<(callers.count - 1), using: &generator)
        if to >= from { to += 1 }
        _ = try await client.transferPoints(
            .with {
                $0.requestID = UUID().uuidString
                $0.toAccountID = callers[to].pointsAccount
                $0.points = 1
            }, metadata: callers[from].metadata)
    }

    /// One POW of a random caller exchanged for points.
    private func exchangeOne(
        _ client: Nomad_Assets_V1_AssetsService.Client<HTTP2ClientTransport.Posix>, _ callers: [Caller],
        _ generator: inout SystemRandomNumberGenerator
    ) async throws {
        _ = try await client.exchangePow(
            .with {
                $0.requestID = UUID().uuidString
                $0.powUnits = 1
            }, metadata: callers[Int.random(in: 0..<callers.count, using: &generator)].metadata)
    }

    /// Calls per second over `count` calls from `concurrency` workers, the
    /// refusals by status, and the p50/p99 latency in milliseconds.
    private func measure(
        _ count: Int, _ call: @escaping @Sendable (inout SystemRandomNumberGenerator) async throws -> Void
    ) async -> (Double, String, Double, Double) {
        let clock = ContinuousClock()
        let started = clock.now
        let results = await withTaskGroup(of: [(Double, String?)].self) { group in
            for worker in 0..<concurrency {
                let share = count / concurrency + (worker < count % concurrency ? 1 : 0)
                group.addTask {
                    var results: [(Double, String?)] = []
                    var generator = SystemRandomNumberGenerator()
                    for _ in 0..<share {
                        let start = clock.now
                        var failure: String?
                        do {
                            try await call(&generator)
                        } catch let error as RPCError {
                            failure = "\(error.code)"
                        } catch {
                            failure = "\(type(of: error))"
                        }
                        let elapsed = clock.now - start
                        results.append((Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000, failure))
                    }
                    return results
                }
            }
            var all: [(Double, String?)] = []
            for await part in group { all += part }
            return all
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let latencies = results.map(\.0).sorted()
        var errors: [String: Int] = [:]
        for case let (_, failure?) in results { errors[failure, default: 0] += 1 }
        let errorText = errors.map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", ")
        let ok = results.count - errors.values.reduce(0, +)
        return (Double(ok) / seconds, errorText, percentile(latencies, 0.5) ?? 0, percentile(latencies, 0.99) ?? 0)
    }
}
