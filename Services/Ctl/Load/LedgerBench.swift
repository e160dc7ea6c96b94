import ArgumentParser
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NomadKit
import NomadLocal
import NomadProtos

/// `nomadctl bench-ledger`: ledger transfers per second through the
/// TransferPoints RPC, next to pgbench running the same transaction's SQL on
/// the same database.
struct LedgerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-ledger",
        abstract: "TransferPoints throughput next to pgbench running the transfer's SQL.",
        discussion: """
            Starts a throwaway PostgreSQL and one assets process, gives each of --accounts nomads POW \
            (an accepted labelling task) and points (an exchange), then fires --transfers transfers of \
            one point between random pairs of them from --concurrency callers. It then runs pgbench \
            with the statement TransferPoints sends (one prepared call of transfer_points: the \
            idempotency key, account locks in id order, lot selection, transaction, entries and \
            balances, lots, outbox, stored result) with as many clients over the same accounts. Use release builds: swift build -c release \
            --product nomad-assets, then --product nomadctl.
            """)

    @Option(help: "Transfers in the measured run (and pgbench transactions).")
    var transfers: Int = 5_000

    @Option(help: "Concurrent callers (and pgbench clients).")
    var concurrency: Int = 16

    @Option(help: "Nomad points accounts the transfers run between.")
    var accounts: Int = 32

    @Option(help: "Where the service executables are (default: next to nomadctl).")
    var binDir: String?

    func run() async throws {
        guard transfers > 0, concurrency > 0, accounts >= 2 else {
            throw ValidationError("--transfers and --concurrency must be positive, --accounts at least 2")
        }
        let signals = SignalWatcher()
        var options = SuiteOptions(
            databaseURL: nil, dataDirectory: nil,
            binDirectory: binDir ?? URL(fileURLWithPath: ownExecutablePath()).deletingLastPathComponent().path)
        options.services = SuiteService.all.filter { $0.name == "assets" }
        options.ports["assets"] = Ports(grpc: try Loopback.freePort(), metrics: try Loopback.freePort())
        #if DEBUG
        say("warning: nomadctl is a debug build; measure with release builds (swift build -c release --product nomad-assets, ... nomadctl)")
        #endif
        let suite = try await LocalSuite.start(options, signals: signals, say: say)
        let memory = SuiteMemory(suite)
        defer { memory.stop() }
        do {
            let port = suite.running("assets")!.ports.grpc
            let transport = try HTTP2ClientTransport.Posix(
                target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)
            let (rpc, errors, p50, p99) = try await withGRPCClient(transport: transport) { grpc in
                let client = Nomad_Assets_V1_AssetsService.Client(wrapping: grpc)
                let callers = try await seed(client, signingKey: suite.context.signingKey)
                say("warm-up: \(min(500, transfers / 10)) transfers ...")
                _ = await measure(client, callers, count: min(500, transfers / 10))
                say("measuring: \(transfers) transfers from \(concurrency) callers over \(accounts) accounts ...")
                return await measure(client, callers, count: transfers)
            }
            say("pgbench: the transfer's SQL, \(concurrency) clients, \(transfers) transactions ...")
            let pgbench = try Pgbench.transfers(
                databaseURL: suite.databaseURL, schema: "assets", clients: concurrency, transactions: transfers)
            memory.stop()
            var figures = Figures()
            figures.add("transfer.calls_per_s", rpc)
            figures.add("transfer.p50_ms", p50)
            figures.add("transfer.p99_ms", p99)
            figures.add("pgbench.transfer.tps", pgbench.tps)
            figures.add("pgbench.transfer.latency_ms", pgbench.latencyMs)
            figures.addPeaks(memory.figures)
            await suite.stop(say: say)
            emit([
                "",
                "ledger bench: \(transfers) transfers of 1 point between \(accounts) points accounts, \(concurrency) concurrent callers",
                "",
                String(format: "  TransferPoints RPC:  %.0f transfers/s   p50 %.2f ms   p99 %.2f ms   errors: %@",
                       rpc, p50, p99, (errors.isEmpty ? "none" : errors) as NSString),
                String(format: "  pgbench, same SQL (prepared, %d clients, %d transactions): %.0f tps, %.2f ms average",
                       concurrency, pgbench.transactions, pgbench.tps, pgbench.latencyMs ?? 0),
                "",
                figures.lines,
            ].joined(separator: "\n"))
        } catch {
            await suite.stop(say: say)
            throw error
        }
    }

    struct Caller: Sendable {
        let metadata: Metadata
        let pointsAccount: String
    }

    /// Nomads with a million points each, through the public RPCs.
    private func seed(
        _ client: Nomad_Assets_V1_AssetsService.Client<HTTP2ClientTransport.Posix>, signingKey: SigningKey
    ) async throws -> [Caller] {
        let tokens = LoadSeed.tokens(signingKey: signingKey)
        @Sendable func metadata(_ role: Role) throws -> Metadata {
            let token = try tokens.issue(
                for: Principal(accountID: UUID(), role: role, department: role == .officer ? "assets" : nil,
                               standing: role == .nomad ? .certified : nil),
                lifetime: 4 * 3600).token
            return bearer(token)
        }
        let officer = try metadata(.officer)
        say("seeding \(accounts) nomads with POW and points ...")
        return try await LoadSeed.concurrently(count: accounts, concurrency: 8) { _ in
            let nomad = try metadata(.nomad)
            let hash = (0..<4).map { _ in String(format: "%016llx", UInt64.random(in: .min ... .max)) }.joined()
            let task = try await client.submitContribution(.with {
                $0.requestID = UUID().uuidString
                $0.poolCode = "culture_tourism_consumption"
                $0.kind = .labelling
                $0.evidenceHash = hash
                $0.workUnits = 100_000
                $0.qualityScore = 100
            }, metadata: nomad)
            let accepted = try await client.reviewContribution(.with {
                $0.requestID = UUID().uuidString
                $0.contributionID = task.contributionID
                $0.accept = true
            }, metadata: officer)
            _ = try await client.exchangePow(.with {
                $0.requestID = UUID().uuidString
                $0.powUnits = accepted.powUnits
            }, metadata: nomad)
            let balances = try await client.getBalances(.init(), metadata: nomad)
            guard let points = balances.accounts.first(where: { $0.kind == .points }) else {
                throw CtlError("seeded nomad has no points account")
            }
            return Caller(metadata: nomad, pointsAccount: points.accountID)
        }
    }

    /// Transfers per second over `count` transfers, the refusals by status,
    /// and the p50/p99 latency in milliseconds.
    private func measure(
        _ client: Nomad_Assets_V1_AssetsService.Client<HTTP2ClientTransport.Posix>, _ callers: [Caller], count: Int
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
                        let from = Int.random(in: 0..<callers.count, using: &generator)
                        var to = Int.random(in: 0..<(callers.count - 1), using: &generator)
                        if to >= from { to += 1 }
                        let start = clock.now
                        var failure: String?
                        do {
                            _ = try await client.transferPoints(.with {
                                $0.requestID = UUID().uuidString
                                $0.toAccountID = callers[to].pointsAccount
                                $0.points = 1
                            }, metadata: callers[from].metadata)
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
