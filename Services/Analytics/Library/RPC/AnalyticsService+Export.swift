import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import SwiftProtobuf

/// CSV exports for officers' spreadsheets and other departments' systems.
/// The rows are computed exactly as the RPCs compute them (one code path),
/// then streamed in chunks so the message size limit never caps an export.
extension AnalyticsService {
    func exportCsv(
        request: Nomad_Analytics_V1_ExportCsvRequest, response: RPCWriter<Nomad_Analytics_V1_CsvChunk>,
        context: ServerContext
    ) async throws {
        _ = try caller
        var csv = CsvWriter()
        func send(_ bytes: [UInt8]?) async throws {
            guard let bytes else { return }
            try await response.write(.with { $0.data = Data(bytes) })
        }
        switch request.report {
        case .kpiSeries(let seriesRequest):
            let series = try await kpiSeries(seriesRequest)
            let kpi = series.progress.kpi
            try await send(csv.append(["kpi", "area", "month", "value", "running_total", "target", "target_kind"]))
            let area = ExportRules.areaName(series.area)
            for point in series.points {
                try await send(
                    csv.append([
                        kpi.code, area, point.month, "\(point.value)", "\(point.runningTotal)", "\(kpi.target)",
                        ExportRules.targetKindName(kpi.targetKind),
                    ]))
            }
        case .eligibilityYear(let year):
            let year = try EligibilityRules.year(year)
            let tiers = rewardTiers
            let rows = try await database.read { tx in
                try await EligibilityQueries.all(tx, year: year, tiers: tiers)
            }
            try await send(
                csv.append(
                    ["enterprise_id", "year"] + RewardCriterionKind.allCases.map(\.configName) + ["tiers_met"]))
            for row in rows {
                try await send(
                    csv.append(
                        [row.enterpriseID, "\(row.year)"] + RewardCriterionKind.allCases.map { "\(row.counts[$0])" }
                            + [row.tiersMet.map(\.code).joined(separator: ";")]))
            }
        case nil:
            throw NomadError.required("report")
        }
        try await send(csv.finish())
    }
}

/// Spellings used in exported files: stable codes, not enum case names.
enum ExportRules {
    /// The filter's spelling in the events ("core", "linked"), "all" for the whole zone.
    static func areaName(_ area: Nomad_Analytics_V1_Area) -> String {
        (try? KpiArea.name(area)).flatMap { $0 } ?? "all"
    }

    static func targetKindName(_ kind: Nomad_Analytics_V1_TargetKind) -> String {
        switch kind {
        case .annual: "annual"
        case .cumulative: "cumulative"
        default: "none"
        }
    }
}
