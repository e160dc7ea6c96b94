import Foundation
import GRPCCore
@testable import Analytics
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// ListKpiEvents: a KPI figure drilled down to the ingested events that make
/// it up, on KpiTests' hand-counted world.
@Suite struct KpiEventsTests {
    static func events(
        _ env: AnalyticsEnv, _ code: String, _ month: String, area: Nomad_Analytics_V1_Area = .unspecified,
        pageSize: Int32 = 100, token: String = ""
    ) async throws -> Nomad_Analytics_V1_ListKpiEventsResponse {
        try await env.client.listKpiEvents(
            .with {
                $0.code = code
                $0.month = month
                $0.area = area
                $0.page = .with {
                    $0.pageSize = pageSize; $0.pageToken = token
                }
            }, metadata: env.officer().metadata)
    }

    /// Every month's figure of every KPI (and area) is the drill-down's value,
    /// and a count has events exactly when it is not zero.
    @Test func everyFigureHasTheEventsBehindIt() async throws {
        try await withAnalytics { env in
            _ = try await KpiTests.seed(env)
            for kpi in KpiCatalogue.all {
                for area in kpi.byArea ? [.unspecified, .core, .linked] : [Nomad_Analytics_V1_Area.unspecified] {
                    let series = try await env.getKpiSeries(kpi.code, "2025-01-01", "2025-12-31", area: area)
                    for point in series.points {
                        let drill = try await Self.events(env, kpi.code, point.month, area: area)
                        #expect(drill.value == point.value, "\(kpi.code) \(area) \(point.month)")
                        #expect(drill.kpi == kpi.definition)
                        // A sum can be zero over real events (a confirmed report
                        // that paid no tax); a count cannot.
                        if kpi.unit == .count {
                            #expect((drill.eventCount > 0) == (point.value != 0), "\(kpi.code) \(area) \(point.month)")
                        } else if point.value != 0 {
                            #expect(drill.eventCount > 0, "\(kpi.code) \(area) \(point.month)")
                        }
                        #expect(drill.events.count == Int(drill.eventCount), "\(kpi.code) \(point.month)")
                        #expect(drill.events.allSatisfy { kpi.eventTypes.contains($0.event.type) }, "\(kpi.code)")
                    }
                }
            }
        }
    }

    @Test func theEventsAreTheOnesTheFigureCounts() async throws {
        try await withAnalytics { env in
            let world = try await KpiTests.seed(env)

            // One visit in March: P1's two site visits and two check-ins that day
            // (the redelivered visit is one event).
            let march = try await Self.events(env, "nomad_visits", "2025-03")
            #expect(march.value == 1)
            #expect(march.eventCount == 4)
            #expect(Set(march.events.map { $0.event.subjectIds["account_id"] ?? $0.event.subjectIds["attendee_id"] ?? "" }).count == 1)
            #expect(march.events.map(\.event.occurredAt) == march.events.map(\.event.occurredAt).sorted { $0.seconds < $1.seconds })
            let marchCore = try await Self.events(env, "nomad_visits", "2025-03", area: .core)
            #expect(marchCore.value == 1 && marchCore.eventCount == 3)

            // The signed order that was not cancelled, once.
            let filled = try await Self.events(env, "jobs_filled", "2025-04")
            #expect(filled.value == 1)
            #expect(filled.events.map(\.event.type) == ["jobs.contract.signed"])

            // A1 was certified twice: the first certification made it count.
            let certified = try await Self.events(env, "certified_nomads", "2025-03")
            #expect(certified.value == 1 && certified.eventCount == 1)
            #expect(try await Self.events(env, "certified_nomads", "2025-04").eventCount == 0)

            // The super individual: the year's two confirmed reports that reached 20M.
            let superIndividual = try await Self.events(env, "super_individuals", "2025-09")
            #expect(superIndividual.value == 1)
            #expect(superIndividual.eventCount == 2)
            #expect(superIndividual.events.allSatisfy { $0.event.subjectIds["reporter_id"] == world.superNomad })

            // Units: C1's credit alone (C2 was reversed).
            let pow = try await Self.events(env, "pow_credited", "2025-07")
            #expect(pow.value == 100)
            #expect(pow.events.map(\.event.type) == ["assets.contribution.credited"])
        }
    }

    @Test func pagesCoverTheEventsOnce() async throws {
        try await withAnalytics { env in
            _ = try await KpiTests.seed(env)
            let first = try await Self.events(env, "nomad_visits", "2025-03", pageSize: 3)
            #expect(first.events.count == 3)
            #expect(!first.page.nextPageToken.isEmpty)
            let second = try await Self.events(env, "nomad_visits", "2025-03", pageSize: 3, token: first.page.nextPageToken)
            #expect(second.events.count == 1)
            #expect(second.page.nextPageToken.isEmpty)
            #expect(second.value == 1 && second.eventCount == 4)
            #expect(Set((first.events + second.events).map(\.event.eventID)).count == 4)
            let empty = try await Self.events(env, "nomad_visits", "2025-02")
            #expect(empty.value == 0 && empty.eventCount == 0 && empty.events.isEmpty && empty.page.nextPageToken.isEmpty)
        }
    }

    /// Staff only (events name people), refused before the request is read;
    /// bad requests are refused in the caller's language.
    @Test func strangersAndBadRequestsAreRefused() async throws {
        try await withAnalytics { env in
            let bad = Nomad_Analytics_V1_ListKpiEventsRequest.with {
                $0.code = ""; $0.month = "nonsense"
            }
            for caller in [env.nomad(), env.enterprise()] {
                await expectRPCError(.permissionDenied) { _ = try await env.client.listKpiEvents(bad, metadata: caller.metadata) }
            }
            await expectRPCError(.unauthenticated) { _ = try await env.client.listKpiEvents(bad, metadata: callMetadata()) }

            let officer = env.officer()
            for month in ["2025-13", "2025-3", "25-03", "2025-03-01", "", "２０２５-03"] {
                let zh = await expectRPCError(.invalidArgument) {
                    _ = try await env.client.listKpiEvents(
                        .with {
                            $0.code = "nomad_visits"; $0.month = month
                        }, metadata: officer.metadata(language: "zh-CN"))
                }
                #expect(zh?.contains("月份") == true || zh?.contains("month") == true, "\(month): \(zh ?? "")")
            }
            await expectRPCError(.notFound) {
                _ = try await env.client.listKpiEvents(
                    .with {
                        $0.code = "no_such_kpi"; $0.month = "2025-03"
                    }, metadata: officer.metadata)
            }
            let area = await expectRPCError(.invalidArgument) {
                _ = try await env.client.listKpiEvents(
                    .with {
                        $0.code = "settled_migrants"; $0.month = "2025-03"; $0.area = .core
                    },
                    metadata: officer.metadata(language: "zh-CN"))
            }
            #expect(area?.contains("不按区域统计") == true)
        }
    }
}
