import Foundation
import GRPCCore
@testable import Identity
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// Each identity decision is made by the department that owns it
/// (`IdentityDecisionOwners`), refused to every other department before the
/// request is even read, and recorded in the append-only `audit_log`.
@Suite struct DecisionOwnerTests {
    @Test func everyOwnerIsAKnownDepartment() {
        for owner in IdentityDecisionOwners.table.departments.values {
            #expect(Departments.isKnown(owner), "\(owner)")
        }
        #expect(Departments.isKnown("investment_promotion"))
    }

    /// Empty requests: the refusal comes before validation, and nothing is written.
    @Test func anotherDepartmentsOfficerIsRefusedBeforeValidation() async throws {
        try await withIdentity { env in
            let before = try await env.app.auditCount()
            let stranger = callMetadata(token: env.officer("tax"))
            await expectRPCError(.permissionDenied) { _ = try await env.client.decideCertification(.init(), metadata: stranger) }
            await expectRPCError(.permissionDenied) { _ = try await env.client.recognizeMigrant(.init(), metadata: stranger) }
            await expectRPCError(.permissionDenied) { _ = try await env.client.setCardStatus(.init(), metadata: stranger) }
            await expectRPCError(.permissionDenied) { _ = try await env.client.decidePermit(.init(), metadata: stranger) }
            await expectRPCError(.permissionDenied) { _ = try await env.client.createSite(.init(), metadata: stranger) }
            // The owner gets as far as validation.
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.decidePermit(.init(), metadata: callMetadata(token: env.officer("exit_entry")))
            }
            let audited = try await env.app.auditCount()
            #expect(audited == before)
        }
    }

    @Test func theRefusalNamesTheOwnerInTheCallersLanguage() async throws {
        try await withIdentity { env in
            do {
                _ = try await env.client.setCardStatus(.init(), metadata: callMetadata(token: env.officer("housing"), language: "zh-CN"))
                Issue.record("expected a refusal")
            } catch let error as RPCError {
                #expect(error.code == .permissionDenied)
                #expect(error.message.contains("talent") && error.message.contains("部门"))
            }
        }
    }

    @Test func theOwnersDecisionIsAuditedAndTheRuntimeRoleCannotRewriteIt() async throws {
        try await withIdentity { env in
            let nomad = try await env.nomad()
            let application = try await env.client.applyCertification(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.evidence = IdentityEnv.goodEvidence()
                }, metadata: callMetadata(token: nomad.token))
            let refused = Nomad_Identity_V1_DecideCertificationRequest.with {
                $0.requestID = UUID().uuidString
                $0.id = application.id
                $0.decision = .approve
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.decideCertification(refused, metadata: callMetadata(token: env.officer("data")))
            }
            let subject = "certification/\(application.id)"
            #expect(try await env.app.auditRows(subject: subject).isEmpty)
            let officerID = UUID()
            let talent = TestKeys.token(for: Principal(accountID: officerID, role: .officer, department: "talent"))
            let approved = try await env.client.decideCertification(refused, metadata: callMetadata(token: talent))
            #expect(approved.status == .approved)
            let rows = try await env.app.auditRows(subject: subject)
            #expect(rows.count == 1)
            #expect(rows.first?.actorID == officerID && rows.first?.actorDepartment == "talent")
            #expect(rows.first?.before?.contains("SUBMITTED") == true || rows.first?.before != rows.first?.after)
            #expect(rows.first?.after?.contains("APPROVED") == true)

            #expect(try await env.app.runtimeSQLState("UPDATE audit_log SET reason = 'forged'") == "42501")
            #expect(try await env.app.runtimeSQLState("DELETE FROM audit_log") == "42501")
            #expect(try await env.app.runtimeSQLState("SELECT count(*) FROM audit_log") == nil)
        }
    }
}
