import Foundation
import GRPCCore
@testable import Analytics
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// The KPIs without a token, for the portal's signed-out KPI page: the same
/// zone-wide aggregates staff read, and nothing about any one person.
@Suite struct AnalyticsPublicReadTests {
    @Test func anonymousCallersReadTheKpisAndSeriesStaffRead() async throws {
        try await withAnalytics { env in
            let today = ZoneDay.today().iso
            let visitor = UUID().text, nomad = UUID().text
            try await env.ingestEvents([
                SuiteEvents.siteVisit(visitor, day: today, area: "core"),
                SuiteEvents.certified(nomad, at: Date()),
            ])
            let officer = env.officer()
            let staff = try await env.client.listKpis(.init(), metadata: officer.metadata)
            let anonymous = try await env.client.listKpis(.init(), metadata: callMetadata())
            #expect(anonymous == staff)
            #expect(anonymous.kpis.first { $0.kpi.code == "nomad_visits" }?.value == 1)
            #expect(anonymous.kpis.first { $0.kpi.code == "certified_nomads" }?.value == 1)
            let byArea = try await env.client.listKpis(.with { $0.area = .core }, metadata: callMetadata())
            #expect(byArea == (try await env.client.listKpis(.with { $0.area = .core }, metadata: officer.metadata)))

            let series = try await env.client.getKpiSeries(.with { $0.code = "nomad_visits" }, metadata: callMetadata())
            #expect(series == (try await env.client.getKpiSeries(.with { $0.code = "nomad_visits" }, metadata: officer.metadata)))
            #expect(series.points.map(\.value).reduce(0, +) == 1)
            // Aggregates only: no account id anywhere in the answers.
            for text in [try anonymous.jsonString(), try series.jsonString()] {
                #expect(!text.contains(visitor) && !text.contains(nomad))
            }
            // Bad requests are refused as for anyone; the export stays staff-only.
            await expectRPCError(.notFound) {
                _ = try await env.client.getKpiSeries(.with { $0.code = "no_such_kpi" }, metadata: callMetadata())
            }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.exportCsv(.with { $0.kpiSeries = .with { $0.code = "nomad_visits" } }, metadata: callMetadata()) {
                    response in
                    for try await _ in response.messages {}
                }
            }
        }
    }
}
