import Foundation
import GRPCCore
@testable import Assets
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

@Suite struct ExpiryTests {
    @Test func expiredPointsAndVouchersLeaveThroughAnExpiryEntryEarliestLotsSpentFirst() async throws {
        try await withAssets { env in
            let officer = env.officer()
            let alice = try await env.nomadWithPow(20, officer: officer)
            _ = try await env.exchangePow(by: alice, pow: 10)  // 100 points, expire in 365 days
            _ = try await env.client.setExchangeRate(
                .with {
                    $0.requestID = UUID().uuidString; $0.pointsPerPow = 10; $0.pointsValidDays = 30
                }, metadata: env.tourismOfficer().metadata)
            _ = try await env.exchangePow(by: alice, pow: 10)  // 100 points, expire in 30 days
            _ = try await env.issueVoucher(to: alice, kind: .nomad, amount: 70, expires: ZoneDay.today().adding(days: 10))

            // Spending takes the 30-day lot first.
            let bob = try await env.account(of: env.nomad(), .points)
            _ = try await env.transferPoints(from: alice, to: bob.accountID, points: 40)
            #expect(bob.nextExpiry == Nomad_Common_V1_Date())
            let bobAfter = try await env.client.getBalances(.with { $0.ownerID = bob.ownerID }, metadata: officer.metadata)
                .accounts.first { $0.kind == .points }!
            #expect(bobAfter.nextExpiry == ZoneDay.today().adding(days: 30).message)

            // Nothing has expired yet.
            #expect(try await env.sweepExpired().accountsSwept == 0)

            // 40 days on: Alice's 60 left of the 30-day lot, her vouchers and Bob's 40 expire.
            let later = Date().addingTimeInterval(40 * 86400)
            let swept = try await env.sweepExpired(asOf: later)
            #expect(swept.accountsSwept == 3 && swept.pointsExpired == 100 && swept.vouchersExpired == 70 && swept.lotsExpired == 3)
            #expect(try await env.balance(of: alice, .points) == 100)
            #expect(try await env.balance(of: alice, .voucher) == 0)
            #expect(bobAfter.balance == 40)
            #expect(
                try await env.client.getBalances(.with { $0.ownerID = bob.ownerID }, metadata: officer.metadata)
                    .accounts.first { $0.kind == .points }!.balance == 0)
            #expect(try await env.app.outboxCount(type: "assets.points.expired", subject: alice.id) == 2)
            let payload = try await env.app.outboxPayloadText(type: "assets.points.expired", subject: bob.ownerID) ?? ""
            #expect(payload.contains("\"unit\": \"POINTS\"") && payload.contains("\"amount\": 40"))

            let statement = try await env.client.listStatement(.with { $0.accountID = bob.accountID }, metadata: officer.metadata)
            #expect(statement.lines.map(\.transactionKind) == ["points.transferred", "expiry"])
            #expect(try await env.sweepExpired(asOf: later).accountsSwept == 0)
            let trial = try await env.getTrialBalance()
            #expect(trial.balanced)
            #expect(trial.lines.first(where: { $0.kind == .expiry && $0.unit == .points })?.total == 100)
            #expect(try await env.cachedBalancesMatchEntries())
            // The lots are still there, at zero.
            let emptiedLots = try await env.ledgerSQLInt("SELECT count(*)::bigint FROM ledger_lots WHERE remaining = 0")
            #expect(emptiedLots == 3)
        }
    }

    @Test func pointsPastTheirDayCannotBeSpentEvenBeforeTheSweep() async throws {
        try await withAssets { env in
            let alice = try await env.nomadWithPoints(50)
            // Time passes (no RPC moves the clock): the lot's day is behind us.
            _ = try await env.app.withSchemaConnection { tx in
                try await tx.query("UPDATE ledger_lots SET expires_on = current_date - 1")
            }
            let points = try await env.account(of: alice, .points)
            #expect(points.balance == 50 && points.spendable == 0)
            let bob = try await env.account(of: env.nomad(), .points)
            await expectRPCError(.failedPrecondition) { _ = try await env.transferPoints(from: alice, to: bob.accountID, points: 1) }
            #expect(try await env.sweepExpired().pointsExpired == 50)
        }
    }

    @Test func twoSweepsRunningTogetherExpireEachLotOnce() async throws {
        try await withAssets { env in
            var holders: [AssetsEnv.Caller] = []
            for _ in 0..<6 {
                let holder = env.nomad()
                _ = try await env.issueVoucher(to: holder, kind: .nomad, amount: 25, expires: .today())
                holders.append(holder)
            }
            let later = Date().addingTimeInterval(2 * 86400)
            let results = try await withThrowingTaskGroup(of: Nomad_Assets_V1_SweepExpiredResponse.self) { group in
                for _ in 0..<2 { group.addTask { try await env.sweepExpired(asOf: later) } }
                var all: [Nomad_Assets_V1_SweepExpiredResponse] = []
                for try await result in group { all.append(result) }
                return all
            }
            #expect(results.reduce(0) { $0 + $1.vouchersExpired } == 150)
            #expect(results.reduce(0) { $0 + $1.accountsSwept } == 6)
            let expiryTransactions = try await env.ledgerSQLInt("SELECT count(*)::bigint FROM ledger_transactions WHERE kind = 'expiry'")
            #expect(expiryTransactions == 6)
            for holder in holders { #expect(try await env.balance(of: holder, .voucher) == 0) }
            #expect(try await env.getTrialBalance().balanced)
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.sweepExpired(.with { $0.requestID = UUID().uuidString }, metadata: env.nomad().metadata)
            }
        }
    }
}
