import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO

/// Reported figures: revenue reports (enterprises and nomads report, officers
/// decide) and high-tech recognitions (officers record). A confirmed report
/// and a recognition are also written to ingested_events in the same
/// transaction, which is all the KPIs read.
extension AnalyticsService {
    func submitRevenueReport(
        request: Nomad_Analytics_V1_SubmitRevenueReportRequest, context: ServerContext
    ) async throws -> Nomad_Analytics_V1_RevenueReport {
        let reporter = try caller
        let draft = try RevenueReportRules.draft(request, reporter: reporter)
        return try await mutation(request) { tx in
            try await RevenueReportStore.lockReporter(tx, reporter.accountID)
            if try await RevenueReportStore.hasLiveOverlap(
                tx, reporter: reporter.accountID, from: draft.from, to: draft.to)
            {
                throw RevenueReportRules.overlapping
            }
            return try await RevenueReportStore.insert(tx, id: UUID(), reporter: reporter, draft: draft).message
        }
    }

    /// The report's row lock orders concurrent decisions: the first officer
    /// decides, the others find it no longer submitted.
    func decideRevenueReport(
        request: Nomad_Analytics_V1_DecideRevenueReportRequest, context: ServerContext
    ) async throws -> Nomad_Analytics_V1_RevenueReport {
        let officer = try caller
        let id = try Validate.uuid(request.reportID, "report_id")
        let reason = try Validate.text(
            request.reason, "reason", max: RevenueReportRules.maxReason, required: !request.confirm)
        return try await mutation(request) { tx in
            let report = try await RevenueReportStore.find(tx, id: id, lock: .update).orNotFound("revenue report \(id.text)")
            guard report.status == RevenueReportRules.Status.submitted.rawValue else {
                throw NomadError.wrongState("该申报已审核", "the report has already been decided")
            }
            let decided = try await RevenueReportStore.decide(
                tx, id: id, status: request.confirm ? .confirmed : .rejected, by: officer.accountID,
                reason: reason
            ).message
            if request.confirm {
                try await OwnEventStore.append(
                    tx,
                    AnalyticsEvents.RevenueConfirmed(
                        subjects: .init(reporterID: report.reporterID.text, reportID: id.text),
                        payload: .init(
                            periodFrom: report.from, periodTo: report.to, individual: report.individual,
                            revenueMinor: report.revenueMinor, taxMinor: report.taxMinor)))
            }
            try await audit(
                tx, officer, request.confirm ? "revenue_report.confirm" : "revenue_report.reject",
                subject: "revenue_report/\(id.text)", reason: reason, before: report.message, after: decided)
            return decided
        }
    }

    func listRevenueReports(
        request: Nomad_Analytics_V1_ListRevenueReportsRequest, context: ServerContext
    ) async throws -> Nomad_Analytics_V1_ListRevenueReportsResponse {
        let principal = try caller
        let page = try Page(request.page)
        let status = try RevenueReportRules.statusFilter(request.status)
        var reporter = request.reporterID.isEmpty ? nil : try Validate.uuid(request.reporterID, "reporter_id")
        if !AnalyticsAccess.staff.contains(principal.role) {
            // A reporter reads only their own reports; asking for another's is refused, not silently narrowed.
            if let reporter, reporter != principal.accountID { throw NomadError.permissionDenied }
            reporter = principal.accountID
        }
        let reports = try await database.read { tx in
            try await RevenueReportStore.list(tx, reporter: reporter, status: status, page: page)
        }
        return .listing(\.reports, reports.map(\.message), page)
    }

    func recordRecognition(
        request: Nomad_Analytics_V1_RecordRecognitionRequest, context: ServerContext
    ) async throws -> Nomad_Analytics_V1_Recognition {
        let officer = try caller
        let draft = try RecognitionRules.draft(request)
        return try await mutation(request) { tx in
            let id = UUID()
            guard let recorded = try await RecognitionStore.insert(tx, id: id, draft: draft, by: officer.accountID)?.message else {
                throw RecognitionRules.duplicate
            }
            try await OwnEventStore.append(
                tx,
                AnalyticsEvents.EnterpriseRecognized(
                    subjects: .init(enterpriseID: draft.enterpriseID.text, recognitionID: id.text),
                    payload: .init(recognizedOn: draft.recognizedOn.iso)))
            try await audit(tx, officer, "recognition.record", subject: "recognition/\(id.text)", before: nil, after: recorded)
            return recorded
        }
    }

    func listRecognitions(
        request: Nomad_Analytics_V1_ListRecognitionsRequest, context: ServerContext
    ) async throws -> Nomad_Analytics_V1_ListRecognitionsResponse {
        _ = try caller
        let page = try Page(request.page)
        let recognitions = try await database.read { tx in
            try await RecognitionStore.list(tx, page: page)
        }
        return .listing(\.recognitions, recognitions.map(\.message), page)
    }
}
