import Foundation
import NomadProtos
import NomadTesting
import Testing

/// ListAuditEntries over analytics' decision log (`expectAuditReadable`).
@Suite struct AuditReadingTests {
    @Test func aRevenueReportDecisionIsReadByItsDepartmentAndAnAdminOnly() async throws {
        try await withAnalytics { env in
            let report = try await env.submitRevenueReport(env.enterprise(), from: "2025-01-01", to: "2025-03-31", revenueYuan: 1_000_000)
            let officer = env.officer("tax")
            _ = try await env.decideRevenueReport(report.reportID, confirm: false, reason: "证明材料不符", by: officer)
            try await expectAuditReadable(
                subject: "revenue_report/\(report.reportID)", owner: officer, department: "tax",
                stranger: env.officer("housing"), admin: env.admin(), nomad: env.nomad()
            ) { try await env.client.listAuditEntries($0, metadata: $1) }
        }
    }
}
