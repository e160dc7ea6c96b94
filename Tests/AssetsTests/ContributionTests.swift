import Foundation
import GRPCCore
@testable import Assets
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

@Suite struct ContributionTests {
    @Test func acceptingCreditsPowByThePublishedRuleInTheSameTransaction() async throws {
        try await withAssets { env in
            let nomad = env.nomad()
            let officer = env.officer()
            let hash = AssetsEnv.randomHash()
            let submitted = try await env.submitData(by: nomad, hash: hash.uppercased())
            #expect(submitted.status == .pending && submitted.contentHash == hash && submitted.powUnits == 0)
            #expect(try await env.balance(of: nomad, .pow) == 0)

            let requestID = UUID().uuidString
            let accepted = try await env.reviewContribution(submitted, by: officer, requestID: requestID)
            // (50000 / 1000 + 20 MiB / 10 MiB) × 80 / 100 = 52 × 0.8 = 41 (floored).
            #expect(accepted.status == .accepted && accepted.powUnits == 41 && accepted.valuationRuleVersion == 1)
            #expect(try await env.reviewContribution(submitted, by: officer, requestID: requestID) == accepted)
            #expect(try await env.balance(of: nomad, .pow) == 41)
            #expect(try await env.app.outboxCount(type: "assets.contribution.credited", subject: nomad.id) == 1)
            let payload = try await env.app.outboxPayloadText(type: "assets.contribution.credited", subject: submitted.contributionID) ?? ""
            for field in [
                "\"units\": 41", "\"record_count\": 50000", "\"bytes\": 20971520", "\"kind\": \"data\"",
                "\"pool_code\": \"vehicle_road_cloud\"", "\"contributor_id\": \"\(nomad.id)\"",
            ] {
                #expect(payload.contains(field), "\(field) in \(payload)")
            }
            await expectRPCError(.failedPrecondition) { _ = try await env.reviewContribution(submitted, by: officer) }

            // Task: 8 hours of model training at 4000 milli × 90 / 100 = 28.
            let task = try await env.reviewContribution(
                try await env.submitTask(by: nomad, kind: .modelTraining, workUnits: 8, quality: 90), by: officer)
            #expect(task.powUnits == 28)
            #expect(try await env.balance(of: nomad, .pow) == 69)
            #expect(try await env.cachedBalancesMatchEntries())
        }
    }

    @Test func theSameHashIsNeverRecordedTwiceAndBadInputIsRefused() async throws {
        try await withAssets { env in
            let nomad = env.nomad()
            let hash = AssetsEnv.randomHash()
            _ = try await env.submitData(by: nomad, hash: hash)
            await expectRPCError(.alreadyExists) { _ = try await env.submitData(by: env.nomad(), hash: hash.uppercased()) }
            let evidence = AssetsEnv.randomHash()
            _ = try await env.submitTask(by: nomad, hash: evidence)
            await expectRPCError(.alreadyExists) { _ = try await env.submitTask(by: nomad, kind: .cleaning, hash: evidence) }

            await expectRPCError(.invalidArgument) { _ = try await env.submitData(by: nomad, records: 0) }
            await expectRPCError(.invalidArgument) { _ = try await env.submitData(by: nomad, records: -5) }
            await expectRPCError(.invalidArgument) { _ = try await env.submitData(by: nomad, quality: 101) }
            await expectRPCError(.invalidArgument) { _ = try await env.submitData(by: nomad, hash: "abc") }
            await expectRPCError(.invalidArgument) { _ = try await env.submitTask(by: nomad, workUnits: 0) }
            await expectRPCError(.notFound) { _ = try await env.submitData(by: nomad, pool: "moon_dust") }
            let zh = await expectRPCError(.invalidArgument) {
                _ = try await env.client.submitContribution(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.poolCode = "vehicle_road_cloud"
                        $0.qualityScore = 50
                    }, metadata: nomad.metadata(language: "zh-CN"))
            }
            #expect(zh == "字段 kind 的取值未知或未指定")
            await expectRPCError(.permissionDenied) { _ = try await env.submitData(by: env.enterprise()) }
            let recorded = try await env.ledgerSQLInt("SELECT count(*)::bigint FROM contributions")
            #expect(recorded == 2)
        }
    }

    @Test func aRejectedContributionIsNeverCreditedAndOnlyOfficersReview() async throws {
        try await withAssets { env in
            let nomad = env.nomad()
            let submitted = try await env.submitData(by: nomad)
            for caller in [nomad, env.admin(), env.enterprise()] {
                await expectRPCError(.permissionDenied) { _ = try await env.reviewContribution(submitted, by: caller) }
            }
            await expectRPCError(.invalidArgument) { _ = try await env.reviewContribution(submitted, by: env.officer(), accept: false) }
            let rejected = try await env.reviewContribution(submitted, by: env.officer(), accept: false, note: "synthetic rows")
            #expect(rejected.status == .rejected && rejected.powUnits == 0 && rejected.reviewNote == "synthetic rows")
            await expectRPCError(.failedPrecondition) { _ = try await env.reviewContribution(submitted, by: env.officer()) }
            #expect(try await env.balance(of: nomad, .pow) == 0)
            let entries = try await env.ledgerSQLInt("SELECT count(*)::bigint FROM ledger_entries")
            #expect(entries == 0)
            #expect(try await env.app.outboxCount(type: "assets.contribution.rejected", subject: submitted.contributionID) == 1)
            #expect(try await env.app.outboxCount(type: "assets.contribution.credited", subject: nomad.id) == 0)

            // Reading: own or staff only.
            #expect(
                try await env.client.getContribution(.with { $0.contributionID = submitted.contributionID }, metadata: nomad.metadata)
                    == rejected)
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.getContribution(
                    .with { $0.contributionID = submitted.contributionID }, metadata: env.nomad().metadata)
            }
            let mine = try await env.client.listContributions(.init(), metadata: nomad.metadata).contributions
            #expect(mine.map(\.contributionID) == [submitted.contributionID])
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.listContributions(.with { $0.contributorID = nomad.id }, metadata: env.nomad().metadata)
            }
            let rejectedList = try await env.client.listContributions(.with { $0.status = .rejected }, metadata: env.officer().metadata)
            #expect(rejectedList.contributions.count == 1)
        }
    }

    @Test func reversalIsACompensatingTransactionAndTakesBackOnlyUnexchangedPow() async throws {
        try await withAssets { env in
            let officer = env.officer()
            let nomad = env.nomad()
            let contribution = try await env.reviewContribution(try await env.submitTask(by: nomad, workUnits: 30), by: officer)
            #expect(contribution.powUnits == 30)
            _ = try await env.exchangePow(by: nomad, pow: 12)
            #expect(try await env.balance(of: nomad, .pow) == 18)

            await expectRPCError(.permissionDenied) {
                _ = try await env.client.reverseContribution(
                    .with {
                        $0.requestID = UUID().uuidString; $0.contributionID = contribution.contributionID; $0.reason = "x"
                    }, metadata: env.admin().metadata)
            }
            let reversed = try await env.client.reverseContribution(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.contributionID = contribution.contributionID
                    $0.reason = "evidence was forged"
                }, metadata: officer.metadata)
            #expect(reversed.status == .reversed && reversed.reversedUnits == 18 && reversed.unrecoveredUnits == 12)
            #expect(try await env.balance(of: nomad, .pow) == 0)
            #expect(try await env.balance(of: nomad, .points) == 120)
            // The original credit is still there; a new transaction undoes it.
            let pow = try await env.account(of: nomad, .pow)
            let lines = try await env.client.listStatement(.with { $0.accountID = pow.accountID }, metadata: nomad.metadata).lines
            #expect(lines.map(\.transactionKind) == ["contribution.credited", "points.exchanged", "contribution.reversed"])
            #expect(lines.map(\.amount) == [30, -12, -18] && lines.map(\.runningBalance) == [30, 18, 0])
            let payload =
                try await env.app.outboxPayloadText(type: "assets.contribution.rejected", subject: contribution.contributionID) ?? ""
            #expect(payload.contains("18"))
            await expectRPCError(.failedPrecondition) {
                _ = try await env.client.reverseContribution(
                    .with {
                        $0.requestID = UUID().uuidString; $0.contributionID = contribution.contributionID; $0.reason = "again"
                    }, metadata: officer.metadata)
            }
            let trial = try await env.getTrialBalance()
            #expect(trial.balanced)
        }
    }

    @Test func aNewValuationRuleAppliesFromNowAndOnlyOfficersPublishIt() async throws {
        try await withAssets { env in
            let rule = try await env.client.getValuationRule(.init(), metadata: env.nomad().metadata)
            #expect(rule.version == 1 && rule.recordsPerUnit == 1000 && rule.minQuality == 60)
            let nomad = env.nomad()
            let officer = env.officer()
            let old = try await env.reviewContribution(try await env.submitTask(by: nomad, workUnits: 10), by: officer)
            var next = rule
            next.labellingMilliPerWorkUnit = 2500
            let request = Nomad_Assets_V1_SetValuationRuleRequest.with {
                $0.requestID = UUID().uuidString; $0.rule = next
            }
            for caller in [nomad, env.admin(), env.enterprise()] {
                await expectRPCError(.permissionDenied) { _ = try await env.client.setValuationRule(request, metadata: caller.metadata) }
            }
            let published = try await env.client.setValuationRule(request, metadata: officer.metadata)
            #expect(published.version == 2 && published.labellingMilliPerWorkUnit == 2500 && published.setBy == officer.id)
            #expect(try await env.client.setValuationRule(request, metadata: officer.metadata) == published)
            #expect(try await env.client.getValuationRule(.init(), metadata: nomad.metadata) == published)
            let new = try await env.reviewContribution(try await env.submitTask(by: nomad, workUnits: 10), by: officer)
            #expect(new.powUnits == 25 && new.valuationRuleVersion == 2)
            let reread = try await env.client.getContribution(.with { $0.contributionID = old.contributionID }, metadata: nomad.metadata)
            #expect(reread.powUnits == 10 && reread.valuationRuleVersion == 1)
            // Below the minimum quality: accepted, but worth nothing.
            let poor = try await env.reviewContribution(try await env.submitData(by: nomad, quality: 59), by: officer)
            #expect(poor.status == .accepted && poor.powUnits == 0)

            var bad = rule
            bad.recordsPerUnit = 0
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.setValuationRule(
                    .with {
                        $0.requestID = UUID().uuidString; $0.rule = bad
                    }, metadata: officer.metadata)
            }
        }
    }
}
