import Foundation
import GRPCCore
@testable import Assets
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// Each assets decision is made by the department that owns it
/// (`AssetsDecisionOwners`), refused to every other department before the
/// request is read, and recorded in the append-only `audit_log`.
@Suite struct DecisionOwnerTests {
    typealias Call = @Sendable (AssetsClient, Metadata) async throws -> Void

    /// Every owned RPC with an empty request: the refusal comes before validation.
    static let owned: [(String, Call)] = [
        ("DecidePoolAccess", { _ = try await $0.decidePoolAccess(.init(), metadata: $1) }),
        ("RevokePoolAccess", { _ = try await $0.revokePoolAccess(.init(), metadata: $1) }),
        ("ReviewContribution", { _ = try await $0.reviewContribution(.init(), metadata: $1) }),
        ("ReverseContribution", { _ = try await $0.reverseContribution(.init(), metadata: $1) }),
        ("SetValuationRule", { _ = try await $0.setValuationRule(.init(), metadata: $1) }),
        ("IssueVoucher", { _ = try await $0.issueVoucher(.init(), metadata: $1) }),
        ("RegisterDataAsset", { _ = try await $0.registerDataAsset(.init(), metadata: $1) }),
        ("RecordValuation", { _ = try await $0.recordValuation(.init(), metadata: $1) }),
        ("SetExchangeRate", { _ = try await $0.setExchangeRate(.init(), metadata: $1) }),
        ("RegisterMerchant", { _ = try await $0.registerMerchant(.init(), metadata: $1) }),
        ("AddQflpInvestor", { _ = try await $0.addQflpInvestor(.init(), metadata: $1) }),
        ("RemoveQflpInvestor", { _ = try await $0.removeQflpInvestor(.init(), metadata: $1) }),
        ("TokenizeAsset", { _ = try await $0.tokenizeAsset(.init(), metadata: $1) }),
        ("FreezeTokenHolder", { _ = try await $0.freezeTokenHolder(.init(), metadata: $1) }),
        ("UnfreezeTokenHolder", { _ = try await $0.unfreezeTokenHolder(.init(), metadata: $1) }),
        ("ForceTransferTokens", { _ = try await $0.forceTransferTokens(.init(), metadata: $1) }),
        ("CloseAlert", { _ = try await $0.closeAlert(.init(), metadata: $1) }),
    ]

    @Test func theTableNamesEveryOwnedMethodOnce() {
        let names = Set(AssetsDecisionOwners.table.departments.keys.map(\.method))
        #expect(names == Set(Self.owned.map(\.0)))
    }

    @Test func everyOtherDepartmentIsRefusedAndTheOwnerGetsToValidation() async throws {
        try await withAssets { env in
            let before = try await env.app.auditCount()
            for (name, call) in Self.owned {
                let owner = try #require(AssetsDecisionOwners.table.departments.first { $0.key.method == name }?.value)
                for stranger in ["tax", "data", "finance", "culture_tourism"] where stranger != owner {
                    await expectRPCError(.permissionDenied) { try await call(env.client, env.officer(stranger).metadata) }
                }
                await expectRPCError(.invalidArgument) { try await call(env.client, env.officer(owner).metadata) }
            }
            let audited = try await env.app.auditCount()
            #expect(audited == before)
        }
    }

    @Test func aPoolGrantIsDecidedByTheDataBureauOnTheRecord() async throws {
        try await withAssets { env in
            let grant = try await env.requestPoolAccess(by: env.enterprise())
            await expectRPCError(.permissionDenied) { _ = try await env.decidePoolAccess(grant, by: env.financeOfficer()) }
            #expect(try await env.app.auditRows(subject: "pool_grant/\(grant.grantID)").isEmpty)
            let officer = env.officer()
            let granted = try await env.decidePoolAccess(grant, by: officer, note: "study approved")
            #expect(granted.status == .granted)
            let rows = try await env.app.auditRows(subject: "pool_grant/\(grant.grantID)")
            #expect(rows.count == 1)
            let row = try #require(rows.first)
            #expect(row.actorID.uuidString.lowercased() == officer.id && row.actorDepartment == "data")
            #expect(row.action == "pool.grant" && row.reason == "study approved")
            #expect(row.before?.contains("REQUESTED") == true && row.after?.contains("GRANTED") == true)
        }
    }

    @Test func theExchangeRateIsTheTourismBureausAndItsChangeIsRecorded() async throws {
        try await withAssets { env in
            let request = Nomad_Assets_V1_SetExchangeRateRequest.with {
                $0.requestID = UUID().uuidString; $0.pointsPerPow = 12; $0.pointsValidDays = 30
            }
            await expectRPCError(.permissionDenied) { _ = try await env.client.setExchangeRate(request, metadata: env.officer().metadata) }
            let officer = env.tourismOfficer()
            let rate = try await env.client.setExchangeRate(request, metadata: officer.metadata)
            #expect(rate.pointsPerPow == 12)
            let rows = try await env.app.auditRows(subject: "exchange_rate")
            #expect(rows.count == 1)
            #expect(rows.first?.actorDepartment == "culture_tourism" && rows.first?.action == "exchange_rate.set")
            #expect(rows.first?.before?.contains("\"pointsPerPow\": \"12\"") == false)
            #expect(rows.first?.after?.contains("\"pointsPerPow\": \"12\"") == true)
        }
    }

    @Test func aFreezeIsTheFinanceOfficesWithTheHoldingBeforeAndAfter() async throws {
        try await withRegistry { env in
            let finance = env.financeOfficer()
            let (owner, asset) = try await env.tokenizedAsset(officer: finance, units: 1000)
            let freeze = Nomad_Assets_V1_FreezeTokenHolderRequest.with {
                $0.requestID = requestID()
                $0.assetID = asset.assetID
                $0.holderID = owner.id
                $0.units = 300
                $0.reason = "监管问询"
            }
            await expectRPCError(.permissionDenied) { _ = try await env.client.freezeTokenHolder(freeze, metadata: env.officer().metadata) }
            let subject = "asset/\(asset.assetID)"
            let earlier = try await env.app.auditRows(subject: subject).count
            #expect(try await env.client.freezeTokenHolder(freeze, metadata: finance.metadata).frozenUnits == 300)
            let rows = try await env.app.auditRows(subject: subject)
            #expect(rows.count == earlier + 1)
            let row = try #require(rows.last)
            #expect(row.action == "token.freeze" && row.actorDepartment == "finance" && row.reason == "监管问询")
            #expect(row.before != nil && row.before?.contains("\"frozenUnits\": \"300\"") == false)
            #expect(row.after?.contains("\"frozenUnits\": \"300\"") == true)
        }
    }

    @Test func theRuntimeRoleCannotRewriteTheAudit() async throws {
        try await withAssets { env in
            _ = try await env.registerMerchant()
            let audited = try await env.app.auditCount()
            #expect(audited == 1)
            #expect(try await env.app.runtimeSQLState("UPDATE audit_log SET reason = 'forged'") == "42501")
            #expect(try await env.app.runtimeSQLState("DELETE FROM audit_log") == "42501")
            #expect(try await env.app.runtimeSQLState("SELECT count(*) FROM audit_log") == nil)
        }
    }
}
