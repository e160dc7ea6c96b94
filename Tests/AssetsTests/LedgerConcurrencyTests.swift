import Foundation
import GRPCCore
@testable import Assets
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import Testing

/// Many transfers and exchanges over a handful of accounts at once, as they
/// would arrive across replicas: the row locks alone keep every balance right.
@Suite struct LedgerConcurrencyTests {
    enum Operation: Sendable {
        case transfer(from: Int, to: Int, points: Int64)
        case exchange(by: Int, pow: Int64)
    }

    enum Outcome: Sendable {
        case done(Operation)
        case refused(RPCError.Code)
        case failed(String)
    }

    @Test func fiveHundredTransfersAndExchangesAtOnceLeaveEveryBalanceRight() async throws {
        try await withAssets { env in
            let officer = env.officer()
            // Five nomads with 60 POW and 300 points each: small enough that
            // many operations must be refused for want of funds.
            var nomads: [AssetsEnv.Caller] = []
            for _ in 0..<5 {
                let nomad = try await env.nomadWithPow(90, officer: officer)
                _ = try await env.exchangePow(by: nomad, pow: 30)
                nomads.append(nomad)
            }
            var accounts: [String] = []
            for nomad in nomads { accounts.append(try await env.account(of: nomad, .points).accountID) }

            var generator = SystemRandomNumberGenerator()
            let operations: [Operation] = (0..<500).map { index in
                if index % 5 == 0 {
                    return .exchange(by: Int.random(in: 0..<5, using: &generator), pow: Int64.random(in: 1...8, using: &generator))
                }
                let from = Int.random(in: 0..<5, using: &generator)
                var to = Int.random(in: 0..<4, using: &generator)
                if to >= from { to += 1 }
                return .transfer(from: from, to: to, points: Int64.random(in: 1...40, using: &generator))
            }
            let targets = accounts
            let callers = nomads
            let outcomes = await withTaskGroup(of: Outcome.self) { group in
                for operation in operations {
                    group.addTask {
                        do {
                            switch operation {
                            case .transfer(let from, let to, let points):
                                _ = try await env.transferPoints(from: callers[from], to: targets[to], points: points)
                            case .exchange(let by, let pow):
                                _ = try await env.exchangePow(by: callers[by], pow: pow)
                            }
                            return .done(operation)
                        } catch let error as RPCError {
                            return .refused(error.code)
                        } catch {
                            return .failed("\(error)")
                        }
                    }
                }
                var all: [Outcome] = []
                for await outcome in group { all.append(outcome) }
                return all
            }

            var points = [Int64](repeating: 300, count: 5), pow = [Int64](repeating: 60, count: 5)
            var done = 0, refusals: [RPCError.Code] = [], failures: [String] = []
            for outcome in outcomes {
                switch outcome {
                case .done(.transfer(let from, let to, let amount)):
                    points[from] -= amount
                    points[to] += amount
                    done += 1
                case .done(.exchange(let by, let units)):
                    pow[by] -= units
                    points[by] += units * 10
                    done += 1
                case .refused(let code): refusals.append(code)
                case .failed(let text): failures.append(text)
                }
            }
            #expect(failures.isEmpty, "\(failures.prefix(3))")
            #expect(refusals.allSatisfy { $0 == .failedPrecondition }, "\(Set(refusals.map { "\($0)" }))")
            #expect(done + refusals.count == 500)
            #expect(done > 0)
            for index in 0..<5 {
                let balances = try await env.getBalances(of: nomads[index])
                let actualPoints = balances.first { $0.kind == .points }!.balance
                let actualPow = balances.first { $0.kind == .pow }!.balance
                #expect(actualPoints == points[index] && actualPoints >= 0)
                #expect(actualPow == pow[index] && actualPow >= 0)
            }
            let overdrawn = try await env.ledgerSQLInt(
                "SELECT count(*)::bigint FROM ledger_accounts WHERE balance < 0 AND NOT may_go_negative")
            #expect(overdrawn == 0)
            let trial = try await env.getTrialBalance()
            #expect(trial.balanced)
            #expect(try await env.cachedBalancesMatchEntries())
            let posted = try await env.ledgerSQLInt(
                """
                SELECT count(*)::bigint FROM ledger_transactions WHERE kind IN ('points.transferred', 'points.exchanged')
                """)
            #expect(posted == Int64(done + 5))
        }
    }
}
