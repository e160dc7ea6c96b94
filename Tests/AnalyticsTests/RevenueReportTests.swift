import Foundation
import GRPCCore
@testable import Analytics
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// SubmitRevenueReport, DecideRevenueReport and ListRevenueReports over real gRPC.
@Suite struct RevenueReportTests {
    @Test func anEnterpriseSubmitsAndAnOfficerConfirms() async throws {
        try await withAnalytics { env in
            let enterprise = env.enterprise()
            let report = try await env.submitRevenueReport(
                enterprise, from: "2025-01-01", to: "2025-03-31", revenueYuan: 1_000_000, taxYuan: 50_000)
            #expect(report.status == .submitted)
            #expect(report.reporterID == enterprise.id)
            #expect(report.individual == false)
            #expect(report.revenue.minorUnits == 100_000_000)
            #expect(report.tax.minorUnits == 5_000_000)
            #expect(report.evidenceHashes.count == 2)
            #expect(report.period.to == day("2025-03-31"))

            let officer = env.officer()
            let decided = try await env.decideRevenueReport(report.reportID, confirm: true, by: officer)
            #expect(decided.status == .confirmed)
            #expect(decided.decidedBy == officer.id)
            #expect(decided.hasDecidedAt)

            // The confirmation is an event in ingested_events, in the same transaction.
            let listed = try await env.client.listIngestedEvents(
                .with { $0.type = "analytics.revenue.confirmed" }, metadata: env.admin().metadata)
            #expect(listed.events.count == 1)
            let event = try #require(listed.events.first?.event)
            #expect(event.sourceService == "analytics")
            #expect(event.subjectIds == ["reporter_id": enterprise.id, "report_id": report.reportID])
            let payload = try JSONSerialization.jsonObject(with: Data(event.payloadJson.utf8)) as? [String: Any]
            #expect(payload?["period_from"] as? String == "2025-01-01")
            #expect(payload?["period_to"] as? String == "2025-03-31")
            #expect(payload?["individual"] as? Bool == false)
            #expect((payload?["revenue_minor"] as? NSNumber)?.int64Value == 100_000_000)
            #expect((payload?["tax_minor"] as? NSNumber)?.int64Value == 5_000_000)
        }
    }

    @Test func aNomadsReportIsAlwaysIndividualAndARejectionNeedsAReasonAndWritesNoEvent() async throws {
        try await withAnalytics { env in
            let nomad = env.nomad()
            let report = try await env.submitRevenueReport(nomad, from: "2025-04-01", to: "2025-04-30", revenueYuan: 10, individual: false)
            #expect(report.individual)
            await expectRPCError(.invalidArgument) {
                try await env.decideRevenueReport(report.reportID, confirm: false, reason: "  ")
            }
            let rejected = try await env.decideRevenueReport(report.reportID, confirm: false, reason: "证明材料不符")
            #expect(rejected.status == .rejected)
            #expect(rejected.decisionReason == "证明材料不符")
            #expect(try await env.storedCount("type = 'analytics.revenue.confirmed'").rows == 0)
            // Decided once is decided: neither confirm nor reject again.
            await expectRPCError(.failedPrecondition) { try await env.decideRevenueReport(report.reportID, confirm: true) }
            // A rejected report frees its period for a corrected one.
            let again = try await env.submitRevenueReport(nomad, from: "2025-04-01", to: "2025-04-30", revenueYuan: 12)
            #expect(again.status == .submitted)
        }
    }

    @Test func oneLiveReportPerReporterAndOverlappingPeriod() async throws {
        try await withAnalytics { env in
            let enterprise = env.enterprise()
            let first = try await env.submitRevenueReport(enterprise, from: "2025-01-01", to: "2025-06-30", revenueYuan: 100)
            await expectRPCError(.alreadyExists) {
                try await env.submitRevenueReport(enterprise, from: "2025-06-01", to: "2025-06-30", revenueYuan: 100)
            }
            try await env.decideRevenueReport(first.reportID, confirm: true)
            let message = await expectRPCError(.alreadyExists) {
                try await env.submitRevenueReport(enterprise, from: "2025-03-01", to: "2025-09-30", revenueYuan: 100)
            }
            #expect(message?.contains("overlapping") == true)
            // Adjacent periods and other reporters are fine.
            try await env.submitRevenueReport(enterprise, from: "2025-07-01", to: "2025-07-31", revenueYuan: 100)
            try await env.submitRevenueReport(env.enterprise(), from: "2025-01-01", to: "2025-06-30", revenueYuan: 100)
            #expect(try await env.count("revenue_reports") == 3)
        }
    }

    @Test func badReportsAreRefusedAndChangeNothing() async throws {
        try await withAnalytics { env in
            let enterprise = env.enterprise()
            func refused(_ change: (inout Nomad_Analytics_V1_SubmitRevenueReportRequest) -> Void) async {
                var request = Nomad_Analytics_V1_SubmitRevenueReportRequest.with {
                    $0.requestID = UUID().uuidString
                    $0.period = period("2025-01-01", "2025-03-31")
                    $0.revenue = cny(100)
                    $0.evidenceHashes = [evidenceHash("x")]
                }
                change(&request)
                _ = await expectRPCError(.invalidArgument) {
                    _ = try await env.client.submitRevenueReport(request, metadata: enterprise.metadata)
                }
            }
            await refused { $0.clearPeriod() }
            await refused { $0.period.from = day("2025-01-02") }  // not a month's first day
            await refused { $0.period.to = day("2025-03-30") }  // not a month's last day
            await refused { $0.period = period("2025-11-01", "2026-01-31") }  // crosses a year
            await refused { $0.period = period("2025-04-01", "2025-03-31") }
            await refused { $0.period = period("2099-01-01", "2099-01-31") }  // not over yet
            await refused {
                $0.period.to = .with {
                    $0.year = 2025; $0.month = 2; $0.day = 30
                }
            }
            await refused {
                $0.revenue = .with {
                    $0.currencyCode = "USD"; $0.minorUnits = 100
                }
            }
            await refused {
                $0.revenue = .with {
                    $0.currencyCode = "CNY"; $0.minorUnits = -1
                }
            }
            await refused {
                $0.revenue = cny(0); $0.tax = cny(0)
            }
            await refused { $0.evidenceHashes = [] }
            await refused { $0.evidenceHashes = ["abc"] }
            await refused { $0.evidenceHashes = (0..<11).map { evidenceHash("e\($0)") } }
            await refused { $0.requestID = "" }
            let zh = await expectRPCError(.invalidArgument) {
                _ = try await env.client.submitRevenueReport(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.period = period("2025-01-01", "2025-03-31")
                        $0.evidenceHashes = [evidenceHash("x")]
                    }, metadata: enterprise.metadata(language: "zh-CN"))
            }
            #expect(zh?.contains("不能都为零") == true)
            // Tax alone is a valid report.
            let taxOnly = try await env.client.submitRevenueReport(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.period = period("2025-01-01", "2025-03-31")
                    $0.tax = cny(5)
                    $0.evidenceHashes = [evidenceHash("x").uppercased()]
                }, metadata: enterprise.metadata)
            #expect(taxOnly.revenue.minorUnits == 0)
            #expect(taxOnly.evidenceHashes == [evidenceHash("x")])
            #expect(try await env.count("revenue_reports") == 1)

            let officer = env.officer().metadata
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.decideRevenueReport(
                    .with {
                        $0.requestID = "r"; $0.reportID = "nope"; $0.confirm = true
                    }, metadata: officer)
            }
            await expectRPCError(.notFound) {
                _ = try await env.client.decideRevenueReport(
                    .with {
                        $0.requestID = "r"; $0.reportID = UUID().text; $0.confirm = true
                    }, metadata: officer)
            }
            #expect(try await env.count("revenue_reports", "status = 1") == 1)
            #expect(try await env.storedCount().rows == 0)
        }
    }

    @Test func aRetryWithTheSameRequestIDReturnsTheFirstResult() async throws {
        try await withAnalytics { env in
            let enterprise = env.enterprise()
            let first = try await env.submitRevenueReport(
                enterprise, from: "2025-01-01", to: "2025-01-31", revenueYuan: 7, requestID: "submit-1")
            let retry = try await env.submitRevenueReport(
                enterprise, from: "2025-01-01", to: "2025-01-31", revenueYuan: 7, requestID: "submit-1")
            #expect(retry == first)
            #expect(try await env.count("revenue_reports") == 1)

            let officer = env.officer()
            let request = Nomad_Analytics_V1_DecideRevenueReportRequest.with {
                $0.requestID = "decide-1"; $0.reportID = first.reportID; $0.confirm = true
            }
            let decided = try await env.client.decideRevenueReport(request, metadata: officer.metadata)
            let again = try await env.client.decideRevenueReport(request, metadata: officer.metadata)
            #expect(again == decided)
            #expect(try await env.storedCount("type = 'analytics.revenue.confirmed'").rows == 1)
        }
    }

    @Test func reportersReadOnlyTheirOwnAndStaffReadAll() async throws {
        try await withAnalytics { env in
            let a = env.enterprise(), b = env.nomad()
            let a1 = try await env.submitRevenueReport(a, from: "2025-01-01", to: "2025-01-31", revenueYuan: 1)
            let a2 = try await env.submitRevenueReport(a, from: "2025-02-01", to: "2025-02-28", revenueYuan: 1)
            let b1 = try await env.submitRevenueReport(b, from: "2025-01-01", to: "2025-01-31", revenueYuan: 1)
            try await env.decideRevenueReport(a2.reportID, confirm: true)

            let own = try await env.client.listRevenueReports(.with { _ in }, metadata: a.metadata)
            #expect(own.reports.map(\.reportID) == [a2.reportID, a1.reportID])
            let ownB = try await env.client.listRevenueReports(.with { $0.reporterID = b.id }, metadata: b.metadata)
            #expect(ownB.reports.map(\.reportID) == [b1.reportID])
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.listRevenueReports(.with { $0.reporterID = a.id }, metadata: b.metadata)
            }
            let confirmed = try await env.client.listRevenueReports(.with { $0.status = .confirmed }, metadata: a.metadata)
            #expect(confirmed.reports.map(\.reportID) == [a2.reportID])

            let officer = env.officer().metadata
            let all = try await env.client.listRevenueReports(.with { _ in }, metadata: officer)
            #expect(Set(all.reports.map(\.reportID)) == [a1.reportID, a2.reportID, b1.reportID])
            let ofA = try await env.client.listRevenueReports(.with { $0.reporterID = a.id }, metadata: env.admin().metadata)
            #expect(ofA.reports.count == 2)
            var seen: [String] = []
            var token = ""
            repeat {
                let page = try await env.client.listRevenueReports(
                    .with {
                        $0.page = .with {
                            $0.pageSize = 2; $0.pageToken = token
                        }
                    }, metadata: officer)
                seen += page.reports.map(\.reportID)
                token = page.page.nextPageToken
            } while !token.isEmpty
            #expect(seen.count == 3 && Set(seen).count == 3)
        }
    }

    @Test func refusals() async throws {
        try await withAnalytics { env in
            let report = try await env.submitRevenueReport(env.enterprise(), from: "2025-01-01", to: "2025-01-31", revenueYuan: 1)
            let decide = Nomad_Analytics_V1_DecideRevenueReportRequest.with {
                $0.requestID = "x"; $0.reportID = report.reportID; $0.confirm = true
            }
            // Officers of departments that do not check revenue filings may read figures, not confirm them.
            for caller in [env.nomad(), env.enterprise(), env.service(), env.officer("housing"), env.recognitionOfficer()] {
                await expectRPCError(.permissionDenied) {
                    _ = try await env.client.decideRevenueReport(decide, metadata: caller.metadata)
                }
            }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.decideRevenueReport(decide, metadata: callMetadata())
            }
            // Staff decide, they do not report.
            for caller in [env.officer(), env.admin()] {
                await expectRPCError(.permissionDenied) {
                    try await env.submitRevenueReport(caller, from: "2025-01-01", to: "2025-01-31", revenueYuan: 1)
                }
            }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.submitRevenueReport(.with { $0.requestID = "x" }, metadata: callMetadata())
            }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.listRevenueReports(.with { _ in }, metadata: callMetadata())
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.listRevenueReports(.with { _ in }, metadata: env.service().metadata)
            }
            #expect(try await env.count("revenue_reports", "status = 1") == 1)
        }
    }
}
