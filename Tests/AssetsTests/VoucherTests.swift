import Foundation
import GRPCCore
@testable import Assets
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

@Suite struct VoucherTests {
    @Test func vouchersPayForPoolAccessAndDataProcessingOnly() async throws {
        try await withAssets { env in
            let enterprise = env.enterprise()
            let issued = try await env.issueVoucher(to: enterprise, kind: .enterprise, amount: 1000)
            #expect(issued.kind == "voucher.issued" && issued.postings.map(\.unit) == [.voucher, .voucher])
            let issuedPayload = try await env.app.outboxPayloadText(type: "assets.voucher.issued", subject: enterprise.id) ?? ""
            #expect(
                issuedPayload.contains("\"holder_kind\": \"enterprise\"") && issuedPayload.contains("\"amount\": 1000")
                    && issuedPayload.contains("\"expires_on\": \"\(ZoneDay.today().adding(days: 90).iso)\""))
            let voucher = try await env.account(of: enterprise, .voucher)
            #expect(voucher.balance == 1000 && voucher.unit == .voucher)

            let grant = try await env.requestPoolAccess(by: enterprise)
            let paid = try await env.client.spendVoucher(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.purpose = .poolAccess
                    $0.grantID = grant.grantID
                    $0.amount = 300
                }, metadata: enterprise.metadata)
            #expect(paid.kind == "voucher.spent")
            let grants = try await env.client.listPoolGrants(.init(), metadata: enterprise.metadata).grants
            #expect(grants.first?.vouchersPaid == 300)
            let pool = try await env.client.getPool(.with { $0.code = "vehicle_road_cloud" }, metadata: enterprise.metadata)
            let poolStatement = try await env.client.listStatement(
                .with { $0.accountID = pool.voucherAccountID }, metadata: env.officer().metadata)
            #expect(poolStatement.account.balance == 300)

            let lab = try await env.registerMerchant(scene: "data_processing")
            _ = try await env.client.spendVoucher(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.purpose = .dataProcessing
                    $0.merchantID = lab.merchantID
                    $0.amount = 200
                }, metadata: enterprise.metadata)
            let spent = try await env.app.outboxPayloadText(type: "assets.voucher.spent", subject: lab.merchantID) ?? ""
            #expect(spent.contains("\"purpose\": \"data_processing\"") && spent.contains("\"amount\": 200"))
            #expect(try await env.balance(of: enterprise, .voucher) == 500)

            // Anywhere else: refused, and nothing moves.
            let diner = try await env.registerMerchant(scene: "dining")
            let message = await expectRPCError(.failedPrecondition) {
                _ = try await env.client.spendVoucher(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.purpose = .dataProcessing
                        $0.merchantID = diner.merchantID
                        $0.amount = 10
                    }, metadata: enterprise.metadata(language: "zh-CN"))
            }
            #expect(message == "数据创新券只能用于数据资源池授权或数据加工服务")
            await expectRPCError(.failedPrecondition) {
                _ = try await env.client.spendVoucher(
                    .with {
                        $0.requestID = UUID().uuidString; $0.purpose = .poolAccess; $0.grantID = grant.grantID; $0.amount = 501
                    }, metadata: enterprise.metadata)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.spendVoucher(
                    .with {
                        $0.requestID = UUID().uuidString; $0.purpose = .poolAccess; $0.grantID = grant.grantID; $0.amount = 0
                    }, metadata: enterprise.metadata)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.spendVoucher(
                    .with {
                        $0.requestID = UUID().uuidString; $0.amount = 5
                    }, metadata: enterprise.metadata)
            }
            // Someone else's grant.
            let other = env.enterprise()
            _ = try await env.issueVoucher(to: other, kind: .enterprise, amount: 50)
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.spendVoucher(
                    .with {
                        $0.requestID = UUID().uuidString; $0.purpose = .poolAccess; $0.grantID = grant.grantID; $0.amount = 5
                    }, metadata: other.metadata)
            }
            #expect(try await env.balance(of: enterprise, .voucher) == 500)
            #expect(try await env.getTrialBalance().balanced)
        }
    }

    @Test func onlyOfficersIssueAndBadVouchersAreRefused() async throws {
        try await withAssets { env in
            let nomad = env.nomad()
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.issueVoucher(
                    .with {
                        $0.requestID = UUID().uuidString; $0.holderID = nomad.id; $0.holderKind = .nomad; $0.amount = 5
                        $0.expiresOn = ZoneDay.today().adding(days: 5).message
                    }, metadata: env.admin().metadata)
            }
            await expectRPCError(.invalidArgument) { _ = try await env.issueVoucher(to: nomad, kind: .nomad, amount: 0) }
            await expectRPCError(.invalidArgument) { _ = try await env.issueVoucher(to: nomad, kind: .merchant, amount: 5) }
            await expectRPCError(.invalidArgument) {
                _ = try await env.issueVoucher(to: nomad, kind: .nomad, amount: 5, expires: ZoneDay.today().adding(days: -1))
            }
            // A nomad's voucher pays a data processing merchant, never a pool grant (nomads have none).
            _ = try await env.issueVoucher(to: nomad, kind: .nomad, amount: 20)
            let lab = try await env.registerMerchant(scene: "data_processing")
            _ = try await env.client.spendVoucher(
                .with {
                    $0.requestID = UUID().uuidString; $0.purpose = .dataProcessing; $0.merchantID = lab.merchantID; $0.amount = 20
                }, metadata: nomad.metadata)
            #expect(try await env.balance(of: nomad, .voucher) == 0)
            let transactions = try await env.ledgerSQLInt("SELECT count(*)::bigint FROM ledger_transactions")
            #expect(transactions == 2)
        }
    }
}
