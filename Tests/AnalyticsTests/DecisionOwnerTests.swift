import Foundation
import GRPCCore
@testable import Analytics
import NomadKit
import NomadProtos
import NomadTesting
import Testing

/// Analytics' decisions are made by the departments that own them
/// (`AnalyticsDecisionOwners`), refused to every other department before the
/// request is read, and recorded in the append-only `audit_log`.
@Suite struct DecisionOwnerTests {
    @Test func anotherDepartmentIsRefusedBeforeValidationAndNothingIsWritten() async throws {
        try await withAnalytics { env in
            for stranger in ["housing", "development_reform", "science_industry"] {
                await expectRPCError(.permissionDenied) {
                    _ = try await env.client.decideRevenueReport(.init(), metadata: env.officer(stranger).metadata)
                }
            }
            for stranger in ["housing", "tax"] {
                await expectRPCError(.permissionDenied) {
                    _ = try await env.client.recordRecognition(.init(), metadata: env.officer(stranger).metadata)
                }
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.decideRevenueReport(.init(), metadata: env.officer("tax").metadata)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.recordRecognition(.init(), metadata: env.recognitionOfficer().metadata)
            }
            let audited = try await env.app.auditCount()
            #expect(audited == 0)
        }
    }

    @Test func theTaxServiceConfirmsAReportOnTheRecord() async throws {
        try await withAnalytics { env in
            let report = try await env.submitRevenueReport(env.enterprise(), from: "2025-01-01", to: "2025-03-31", revenueYuan: 1_000_000)
            await expectRPCError(.permissionDenied) {
                _ = try await env.decideRevenueReport(report.reportID, confirm: true, by: env.officer("housing"))
            }
            let subject = "revenue_report/\(report.reportID)"
            #expect(try await env.app.auditRows(subject: subject).isEmpty)
            let officer = env.officer("tax")
            _ = try await env.decideRevenueReport(report.reportID, confirm: false, reason: "证明材料不符", by: officer)
            let rows = try await env.app.auditRows(subject: subject)
            #expect(rows.count == 1)
            let row = try #require(rows.first)
            #expect(row.actorID.uuidString.lowercased() == officer.id && row.actorDepartment == "tax")
            #expect(row.action == "revenue_report.reject" && row.reason == "证明材料不符")
            #expect(row.before?.contains("SUBMITTED") == true && row.after?.contains("REJECTED") == true)
        }
    }

    @Test func aRecognitionIsRecordedByScienceAndIndustryAndTheRuntimeRoleCannotRewriteIt() async throws {
        try await withAnalytics { env in
            let recognition = try await env.recordRecognition(UUID().text, on: "2025-06-01", by: env.recognitionOfficer())
            let rows = try await env.app.auditRows(subject: "recognition/\(recognition.recognitionID)")
            #expect(rows.count == 1 && rows.first?.actorDepartment == "science_industry" && rows.first?.before == nil)
            #expect(try await env.app.runtimeSQLState("UPDATE audit_log SET reason = 'forged'") == "42501")
            #expect(try await env.app.runtimeSQLState("DELETE FROM audit_log") == "42501")
        }
    }
}
