import Foundation
import GRPCCore
@testable import Assets
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

@Suite struct LedgerTests {
    @Test func exchangeTransferAndRedeemPostBalancedEntriesWithARunningBalance() async throws {
        try await withAssets { env in
            let alice = try await env.nomadWithPow(40)
            let rate = try await env.client.getExchangeRate(.init(), metadata: alice.metadata)
            #expect(rate.version == 1 && rate.pointsPerPow == 10 && rate.pointsValidDays == 365)

            let exchanged = try await env.exchangePow(by: alice, pow: 30)
            #expect(exchanged.points == 300 && exchanged.rateVersion == 1)
            #expect(exchanged.pointsExpireOn == ZoneDay.today().adding(days: 365).message)
            #expect(exchanged.transaction.postings.count == 4)
            #expect(exchanged.transaction.postings.reduce(0) { $0 + $1.amount } == 0)
            let exchangedPayload = try await env.app.outboxPayloadText(type: "assets.points.exchanged", subject: alice.id) ?? ""
            #expect(
                exchangedPayload.contains("\"points\": 300") && exchangedPayload.contains("\"pow_units\": 30")
                    && exchangedPayload.contains("\"rate_version\": 1"))

            let bob = env.nomad()
            let bobPoints = try await env.account(of: bob, .points)
            #expect(bobPoints.balance == 0 && bobPoints.unit == .points)
            let sent = try await env.transferPoints(from: alice, to: bobPoints.accountID, points: 120)
            #expect(sent.kind == "points.transferred")
            #expect(try await env.app.outboxCount(type: "assets.points.transferred", subject: bob.id) == 1)

            let cafe = try await env.registerMerchant(scene: "coworking")
            #expect(cafe.scene == "coworking" && !cafe.pointsAccountID.isEmpty)
            let listed = try await env.client.listMerchants(.with { $0.scene = "coworking" }, metadata: bob.metadata).merchants
            #expect(listed.map(\.merchantID) == [cafe.merchantID])
            _ = try await env.client.redeemPoints(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.merchantID = cafe.merchantID
                    $0.points = 50
                    $0.memo = "a week's desk"
                }, metadata: bob.metadata)
            let redeemed = try await env.app.outboxPayloadText(type: "assets.points.redeemed", subject: bob.id) ?? ""
            #expect(redeemed.contains("\"scene\": \"coworking\"") && redeemed.contains("\"points\": 50"))
            // Points may also go to a merchant by transfer.
            _ = try await env.transferPoints(from: alice, to: cafe.pointsAccountID, points: 30)

            #expect(try await env.balance(of: alice, .points) == 150)
            #expect(try await env.balance(of: alice, .pow) == 10)
            #expect(try await env.balance(of: bob, .points) == 70)
            let bobAccount = try await env.account(of: bob, .points)
            #expect(bobAccount.spendable == 70 && bobAccount.nextExpiry == ZoneDay.today().adding(days: 365).message)

            let alicePoints = try await env.account(of: alice, .points).accountID
            let statement = try await env.client.listStatement(
                .with {
                    $0.accountID = alicePoints
                    $0.page.pageSize = 2
                }, metadata: alice.metadata)
            #expect(statement.lines.map(\.amount) == [300, -120])
            #expect(statement.lines.map(\.runningBalance) == [300, 180])
            let rest = try await env.client.listStatement(
                .with {
                    $0.accountID = statement.account.accountID
                    $0.page = .with {
                        $0.pageSize = 2; $0.pageToken = statement.page.nextPageToken
                    }
                }, metadata: alice.metadata)
            #expect(rest.lines.map(\.runningBalance) == [150] && rest.page.nextPageToken.isEmpty)
            // A wallet reads the latest first, paged the same way.
            let latest = try await env.client.listStatement(
                .with {
                    $0.accountID = alicePoints
                    $0.newestFirst = true
                    $0.page.pageSize = 2
                }, metadata: alice.metadata)
            #expect(latest.lines.map(\.amount) == [-30, -120] && latest.lines.map(\.runningBalance) == [150, 180])
            let earliest = try await env.client.listStatement(
                .with {
                    $0.accountID = alicePoints
                    $0.newestFirst = true
                    $0.page = .with {
                        $0.pageSize = 2; $0.pageToken = latest.page.nextPageToken
                    }
                }, metadata: alice.metadata)
            #expect(earliest.lines.map(\.amount) == [300] && earliest.page.nextPageToken.isEmpty)

            let merchantStatement = try await env.client.listStatement(
                .with { $0.accountID = cafe.pointsAccountID }, metadata: env.officer().metadata)
            #expect(merchantStatement.account.balance == 80)

            let trial = try await env.getTrialBalance()
            #expect(trial.balanced)
            #expect(trial.units.allSatisfy { $0.total == 0 && $0.entriesTotal == 0 })
            #expect(trial.lines.first(where: { $0.unit == .points && $0.kind == .zoneIssuance })?.total == -300)
            #expect(trial.lines.first(where: { $0.unit == .points && $0.kind == .merchant })?.total == 80)
            #expect(try await env.cachedBalancesMatchEntries())
        }
    }

    @Test func aNomadCannotReadAnothersStatementOrBalances() async throws {
        try await withAssets { env in
            let alice = try await env.nomadWithPow(5)
            let pow = try await env.account(of: alice, .pow)
            let mallory = env.nomad()
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.listStatement(.with { $0.accountID = pow.accountID }, metadata: mallory.metadata)
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.listStatement(.with { $0.accountID = pow.accountID }, metadata: env.enterprise().metadata)
            }
            await expectRPCError(.permissionDenied) { _ = try await env.getBalances(of: alice, asked: mallory) }
            #expect(try await env.getBalances(of: alice, asked: env.admin()).count == 2)
            let byOfficer = try await env.client.listStatement(.with { $0.accountID = pow.accountID }, metadata: env.officer().metadata)
            #expect(byOfficer.lines.count == 1)
            await expectRPCError(.notFound) {
                _ = try await env.client.listStatement(.with { $0.accountID = UUID().uuidString }, metadata: env.officer().metadata)
            }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.getBalances(.init(), metadata: callMetadata())
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.getTrialBalance(.init(), metadata: alice.metadata)
            }
        }
    }

    @Test func badAmountsUnknownAccountsAndOverdraftsAreRefusedAndChangeNothing() async throws {
        try await withAssets { env in
            let alice = try await env.nomadWithPoints(100)
            let bob = env.nomad()
            let bobPoints = try await env.account(of: bob, .points).accountID
            let before = try await env.ledgerSQLInt("SELECT count(*)::bigint FROM ledger_entries")
            for points: Int64 in [0, -5] {
                await expectRPCError(.invalidArgument) { _ = try await env.transferPoints(from: alice, to: bobPoints, points: points) }
                await expectRPCError(.invalidArgument) { _ = try await env.exchangePow(by: alice, pow: points) }
            }
            await expectRPCError(.notFound) { _ = try await env.transferPoints(from: alice, to: UUID().uuidString, points: 5) }
            await expectRPCError(.invalidArgument) { _ = try await env.transferPoints(from: alice, to: "not-an-id", points: 5) }
            let zh = await expectRPCError(.failedPrecondition) {
                _ = try await env.client.transferPoints(
                    .with {
                        $0.requestID = UUID().uuidString; $0.toAccountID = bobPoints; $0.points = 101
                    }, metadata: alice.metadata(language: "zh-CN"))
            }
            #expect(zh == "余额不足（POINTS），未作任何变动")
            await expectRPCError(.failedPrecondition) { _ = try await env.exchangePow(by: alice, pow: 1) }
            let own = try await env.account(of: alice, .points).accountID
            await expectRPCError(.failedPrecondition) { _ = try await env.transferPoints(from: bob, to: own, points: 1) }
            await expectRPCError(.invalidArgument) { _ = try await env.transferPoints(from: alice, to: own, points: 1) }
            // Into a POW account: not a points account.
            let bobPow = try await env.account(of: bob, .pow).accountID
            await expectRPCError(.failedPrecondition) { _ = try await env.transferPoints(from: alice, to: bobPow, points: 1) }
            await expectRPCError(.notFound) {
                _ = try await env.client.redeemPoints(
                    .with {
                        $0.requestID = UUID().uuidString; $0.merchantID = UUID().uuidString; $0.points = 1
                    }, metadata: alice.metadata)
            }
            await expectRPCError(.invalidArgument) { _ = try await env.registerMerchant(scene: "casino") }
            await expectRPCError(.permissionDenied) { _ = try await env.registerMerchant(by: alice) }
            let entriesAfter = try await env.ledgerSQLInt("SELECT count(*)::bigint FROM ledger_entries")
            #expect(entriesAfter == before)
            #expect(try await env.balance(of: alice, .points) == 100)
            #expect(try await env.balance(of: bob, .points) == 0)
        }
    }

    @Test func aRetriedTransferMovesPointsOnce() async throws {
        try await withAssets { env in
            let alice = try await env.nomadWithPoints(100)
            let bob = try await env.account(of: env.nomad(), .points)
            let requestID = UUID().uuidString
            let first = try await env.transferPoints(from: alice, to: bob.accountID, points: 40, requestID: requestID)
            let again = try await env.transferPoints(from: alice, to: bob.accountID, points: 40, requestID: requestID)
            #expect(first == again)
            #expect(try await env.balance(of: alice, .points) == 60)
            await expectRPCError(.failedPrecondition) {
                _ = try await env.transferPoints(from: alice, to: bob.accountID, points: 41, requestID: requestID)
            }
            let transfers = try await env.ledgerSQLInt("SELECT count(*)::bigint FROM ledger_transactions WHERE kind = 'points.transferred'")
            #expect(transfers == 1)
        }
    }

    @Test func onlyOfficersSetTheExchangeRateAndNewExchangesUseIt() async throws {
        try await withAssets { env in
            let nomad = try await env.nomadWithPow(10)
            let request = Nomad_Assets_V1_SetExchangeRateRequest.with {
                $0.requestID = UUID().uuidString; $0.pointsPerPow = 12; $0.pointsValidDays = 30
            }
            for caller in [nomad, env.admin()] {
                await expectRPCError(.permissionDenied) { _ = try await env.client.setExchangeRate(request, metadata: caller.metadata) }
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.setExchangeRate(
                    .with {
                        $0.requestID = UUID().uuidString; $0.pointsValidDays = 30
                    },
                    metadata: env.tourismOfficer().metadata)
            }
            let rate = try await env.client.setExchangeRate(request, metadata: env.tourismOfficer().metadata)
            #expect(rate.version == 2 && rate.pointsPerPow == 12)
            let exchanged = try await env.exchangePow(by: nomad, pow: 10)
            #expect(exchanged.points == 120 && exchanged.rateVersion == 2)
            #expect(exchanged.pointsExpireOn == ZoneDay.today().adding(days: 30).message)
        }
    }

    @Test func entriesCannotBeEditedAndUnbalancedTransactionsCannotCommit() async throws {
        try await withAssets { env in
            _ = try await env.nomadWithPow(5)
            let edited: Bool = try await env.app.withSchemaConnection { tx in
                do {
                    try await tx.query("UPDATE ledger_entries SET amount = amount + 1")
                    return true
                } catch { return false }
            }
            #expect(!edited)
            let unbalanced: Bool = try await env.app.withSchemaConnection { tx in
                do {
                    try await tx.query("BEGIN")
                    let id = UUID()
                    try await tx.query(
                        "INSERT INTO ledger_transactions (id, kind) VALUES (\(id), 'forged')")
                    try await tx.query(
                        """
                        INSERT INTO ledger_entries (transaction_id, account_id, unit, amount, balance_after)
                        VALUES (\(id), '00000000-0000-0000-0001-000000000001', 'POW', 5, 0)
                        """)
                    try await tx.query("COMMIT")
                    return true
                } catch {
                    _ = try? await tx.query("ROLLBACK")
                    return false
                }
            }
            #expect(!unbalanced)
            #expect(try await env.getTrialBalance().balanced)
        }
    }
}

/// ExchangePow in one statement (`exchange_pow`): retries and refusals.
extension LedgerTests {
    @Test func aRetriedExchangeGetsTheSameAnswerAndChangesNothing() async throws {
        try await withAssets { env in
            let nomad = try await env.nomadWithPow(40)
            let requestID = UUID().uuidString
            let first = try await env.exchangePow(by: nomad, pow: 30, requestID: requestID)
            let entries = try await env.ledgerSQLInt("SELECT count(*)::bigint FROM ledger_entries")
            let again = try await env.exchangePow(by: nomad, pow: 30, requestID: requestID)
            #expect(again == first)
            #expect(try await env.ledgerSQLInt("SELECT count(*)::bigint FROM ledger_entries") == entries)
            #expect(try await env.balance(of: nomad, .pow) == 10)
            #expect(try await env.balance(of: nomad, .points) == 300)
            #expect(try await env.app.outboxCount(type: "assets.points.exchanged", subject: nomad.id) == 1)
            await expectRPCError(.failedPrecondition) { _ = try await env.exchangePow(by: nomad, pow: 31, requestID: requestID) }
            #expect(try await env.cachedBalancesMatchEntries())
        }
    }

    /// The points account an exchange opens on first use is undone with the
    /// rest when the POW does not cover it, and the refused key is judged
    /// again on a retry.
    @Test func aRefusedFirstExchangeOpensNoAccountAndIsJudgedAgainOnRetry() async throws {
        try await withAssets { env in
            let nomad = try await env.nomadWithPow(5)
            let requestID = UUID().uuidString
            let zh = await expectRPCError(.failedPrecondition) {
                _ = try await env.client.exchangePow(
                    .with {
                        $0.requestID = requestID; $0.powUnits = 6
                    }, metadata: nomad.metadata(language: "zh-CN"))
            }
            #expect(zh == "余额不足（POW），未作任何变动")
            let pointsAccounts = try await env.ledgerSQLInt(
                """
                SELECT count(*)::bigint FROM ledger_accounts WHERE owner_id = \(UUID(uuidString: nomad.id)!) AND kind = 'points'
                """)
            #expect(pointsAccounts == 0)
            await expectRPCError(.failedPrecondition) { _ = try await env.exchangePow(by: nomad, pow: 6, requestID: requestID) }
            await expectRPCError(.invalidArgument) { _ = try await env.exchangePow(by: nomad, pow: LedgerRules.maxAmount / 10 + 1) }
            #expect(try await env.balance(of: nomad, .pow) == 5)
        }
    }

    /// `exchange_pow` writes its outbox row in SQL; the row still carries the
    /// caller's trace, which the statement sets for the column's default.
    @Test func anExchangeEventKeepsTheTraceOfTheCallThatMadeIt() async throws {
        try await withAssets { env in
            let nomad = try await env.nomadWithPow(40)
            let trace = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
            var metadata = nomad.metadata
            metadata.addString("00-\(trace)-00f067aa0ba902b7-01", forKey: "traceparent")
            let exchanged = try await env.client.exchangePow(
                .with {
                    $0.requestID = UUID().uuidString; $0.powUnits = 10
                }, metadata: metadata)
            let stored = try await env.app.withSchemaConnection { tx in
                let rows = try await tx.query(
                    """
                    SELECT traceparent FROM outbox WHERE type = 'assets.points.exchanged'
                      AND subject_ids->>'transaction_id' = \(exchanged.transaction.transactionID)
                    """)
                var found: [String?] = []
                for try await traceparent in rows.decode(String?.self) { found.append(traceparent) }
                return found
            }
            #expect(stored.count == 1)
            #expect(stored.first??.hasPrefix("00-\(trace)-") == true)
        }
    }

    @Test func anExchangeAnsweredBeforeTheUpgradeGetsTheStoredResponseAfterIt() async throws {
        try await withAssets { env in
            let nomad = try await env.nomadWithPow(40)
            let request = Nomad_Assets_V1_ExchangePowRequest.with {
                $0.requestID = UUID().uuidString
                $0.powUnits = 30
            }
            let earlier = Nomad_Assets_V1_ExchangePowResponse.with {
                $0.transaction.transactionID = UUID().uuidString.lowercased()
                $0.transaction.kind = "points.exchanged"
                $0.points = 300
                $0.rateVersion = 1
            }
            try await env.app.storeEarlierResponse(
                earlier, method: "ExchangePow", requestID: request.requestID, request: request, callerID: nomad.id)
            #expect(try await env.client.exchangePow(request, metadata: nomad.metadata) == earlier)
            #expect(try await env.balance(of: nomad, .pow) == 40)
            #expect(try await env.ledgerSQLInt("SELECT count(*)::bigint FROM ledger_transactions WHERE kind = 'points.exchanged'") == 0)
        }
    }
}
