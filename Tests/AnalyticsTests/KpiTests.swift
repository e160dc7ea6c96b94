import Foundation
import GRPCCore
@testable import Analytics
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// KPI figures checked against values computed by hand from a small set of
/// events ingested through the real IngestEvents RPC (and reports and
/// recognitions through their RPCs).
@Suite struct KpiTests {
    /// The hand-made world. Expected 2025 figures are in the comments.
    struct World {
        var superNomad = ""
    }

    static func seed(_ env: AnalyticsEnv) async throws -> World {
        let p1 = UUID().text, p2 = UUID().text, p3 = UUID().text, p4 = UUID().text
        let e1 = UUID().text, e2 = UUID().text, e3 = UUID().text
        let visit = SuiteEvents.siteVisit(p1, day: "2025-03-10", area: "core")
        try await env.ingestEvents([
            // P1 at a core site, at a core event (and one of its sessions) and at a
            // linked site, all on 10 March: one visit for the zone, one per area.
            visit,
            SuiteEvents.checkIn(event: e1, attendee: p1, day: "2025-03-10", area: "core"),
            SuiteEvents.checkIn(event: e1, attendee: p1, day: "2025-03-10", area: "core", session: UUID().text),
            SuiteEvents.siteVisit(p1, day: "2025-03-10", area: "linked"),
            // P2 on New Year's day (00:30 zone time, still 2024 in UTC) and on New
            // Year's Eve before: only the first is 2025's.
            SuiteEvents.siteVisit(p2, day: "2025-01-01", area: "core", at: zoneTime("2025-01-01 00:30")),
            SuiteEvents.siteVisit(p2, day: "2024-12-31", area: "core"),
            // P3 at a two-day linked event across the year's end.
            SuiteEvents.checkIn(event: e2, attendee: p3, day: "2025-12-31", area: "linked"),
            SuiteEvents.checkIn(event: e2, attendee: p3, day: "2026-01-01", area: "linked"),
            // P4 at an online event: attendance, not a visit.
            SuiteEvents.checkIn(event: e3, attendee: p4, day: "2025-05-05", area: ""),
        ])
        // Redelivered: counted once.
        try await env.ingestEvents([visit])

        let a1 = UUID().text, a2 = UUID().text, a3 = UUID().text
        let o1 = UUID().text, o2 = UUID().text, c1 = UUID().text, c2 = UUID().text
        try await env.ingestEvents([
            // Settled: A1 in June 2024 (before the period), A2 at 01:00 on 1 February
            // zone time (still 31 January in UTC), again in May (same account), A3 at
            // 00:30 on 1 January 2026 zone time (31 December 2025 in UTC).
            SuiteEvents.settled(a1, at: zoneTime("2024-06-01 10:00")),
            SuiteEvents.settled(a2, at: zoneTime("2025-02-01 01:00")),
            SuiteEvents.settled(a2, at: zoneTime("2025-05-01 10:00")),
            SuiteEvents.settled(a3, at: zoneTime("2026-01-01 00:30")),
            // Certified twice: once.
            SuiteEvents.certified(a1, at: zoneTime("2025-03-01 10:00")),
            SuiteEvents.certified(a1, at: zoneTime("2025-04-01 10:00")),
            SuiteEvents.postingPublished(UUID().text, at: zoneTime("2025-04-01 10:00")),
            // O2's order is cancelled after signing: not filled.
            SuiteEvents.contractSigned(o1, at: zoneTime("2025-04-10 10:00")),
            SuiteEvents.contractSigned(o2, at: zoneTime("2025-04-11 10:00")),
            SuiteEvents.orderCancelled(o2, at: zoneTime("2025-04-20 10:00")),
            SuiteEvents.bountyCompleted(UUID().text, at: zoneTime("2025-06-01 10:00")),
            // C2 is reversed: only C1's 100 units count.
            SuiteEvents.contributionCredited(c1, units: 100, at: zoneTime("2025-07-01 10:00")),
            SuiteEvents.contributionCredited(c2, units: 50, at: zoneTime("2025-07-02 10:00")),
            SuiteEvents.contributionRejected(c2, at: zoneTime("2025-07-03 10:00")),
            SuiteEvents.pointsRedeemed(points: "30", at: zoneTime("2025-08-01 10:00")),
            SuiteEvents.pointsRedeemed(points: #""20""#, at: zoneTime("2025-08-31 23:59")),
        ])

        // Revenue: an enterprise's first quarter (1,000,000 yuan, tax 1,000 yuan);
        // a nomad with 15M + 6M yuan in 2025 (a super individual from September);
        // a nomad with 25M rejected; a nomad with 12M in 2024 and 10M in 2025.
        let enterprise = env.enterprise()
        let q1 = try await env.submitRevenueReport(enterprise, from: "2025-01-01", to: "2025-03-31", revenueYuan: 1_000_000, taxYuan: 1_000)
        try await env.decideRevenueReport(q1.reportID, confirm: true)
        let superNomad = env.nomad()
        for (from, to, yuan) in [("2025-01-01", "2025-06-30", Int64(15_000_000)), ("2025-07-01", "2025-09-30", 6_000_000)] {
            let report = try await env.submitRevenueReport(superNomad, from: from, to: to, revenueYuan: yuan)
            try await env.decideRevenueReport(report.reportID, confirm: true)
        }
        let rejected = try await env.submitRevenueReport(env.nomad(), from: "2025-01-01", to: "2025-12-31", revenueYuan: 25_000_000)
        try await env.decideRevenueReport(rejected.reportID, confirm: false, reason: "伪造")
        let twoYears = env.nomad()
        for (from, to, yuan) in [("2024-01-01", "2024-12-31", Int64(12_000_000)), ("2025-01-01", "2025-12-31", 10_000_000)] {
            let report = try await env.submitRevenueReport(twoYears, from: from, to: to, revenueYuan: yuan)
            try await env.decideRevenueReport(report.reportID, confirm: true)
        }
        // Pending: not counted.
        try await env.submitRevenueReport(env.enterprise(), from: "2025-01-01", to: "2025-03-31", revenueYuan: 999)

        // Recognitions: one in 2024, one in February 2025.
        try await env.recordRecognition(UUID().text, on: "2024-11-05")
        try await env.recordRecognition(UUID().text, on: "2025-02-14")
        return World(superNomad: superNomad.id)
    }

    @Test func figuresMatchTheHandCount() async throws {
        try await withAnalytics { env in
            _ = try await Self.seed(env)
            let year = ("2025-01-01", "2025-12-31")

            let visits = try await env.getKpiSeries("nomad_visits", year.0, year.1)
            #expect(visits.progress.value == 3)
            #expect(visits.progress.kpi.target == 50_000)
            #expect(visits.progress.kpi.targetKind == .annual)
            #expect(visits.progress.shareBasisPoints == 0)  // 3 × 10000 / 50000 rounds down
            #expect(visits.points.map(\.month) == (1...12).map { String(format: "2025-%02d", $0) })
            #expect(visits.byMonth["2025-01"]! == (1, 1))
            #expect(visits.byMonth["2025-03"]! == (1, 2))
            #expect(visits.byMonth["2025-05"]! == (0, 2))
            #expect(visits.byMonth["2025-12"]! == (1, 3))
            let core = try await env.getKpiSeries("nomad_visits", year.0, year.1, area: .core)
            #expect(core.progress.value == 2)
            #expect(core.area == .core)
            let linked = try await env.getKpiSeries("nomad_visits", year.0, year.1, area: .linked)
            #expect(linked.progress.value == 2)
            #expect(linked.byMonth["2025-03"]!.0 == 1 && linked.byMonth["2025-12"]!.0 == 1)
            let visits2026 = try await env.getKpiSeries("nomad_visits", "2026-01-01", "2026-01-31")
            #expect(visits2026.progress.value == 1)

            let attendance = try await env.getKpiSeries("event_attendance", year.0, year.1)
            #expect(attendance.progress.value == 3)
            #expect(try await env.getKpiSeries("event_attendance", year.0, year.1, area: .core).progress.value == 1)
            #expect(try await env.getKpiSeries("event_attendance", year.0, year.1, area: .linked).progress.value == 1)
            // P3's first check-in at E2 was in 2025.
            #expect(try await env.getKpiSeries("event_attendance", "2026-01-01", "2026-12-31").progress.value == 0)

            let settled = try await env.getKpiSeries("settled_migrants", year.0, year.1)
            #expect(settled.progress.value == 2)  // A1 before the period + A2 in February
            #expect(settled.progress.kpi.targetKind == .cumulative)
            #expect(settled.progress.shareBasisPoints == 4)  // 2 × 10000 / 5000
            #expect(settled.byMonth["2025-01"]! == (0, 1))
            #expect(settled.byMonth["2025-02"]! == (1, 2))
            #expect(settled.byMonth["2025-12"]! == (0, 2))
            #expect(try await env.getKpiSeries("settled_migrants", "2026-01-01", "2026-01-31").progress.value == 3)

            let certified = try await env.getKpiSeries("certified_nomads", year.0, year.1)
            #expect(certified.progress.value == 1)
            #expect(certified.byMonth["2025-03"]!.0 == 1)
            #expect(certified.progress.kpi.targetKind == .none)
            #expect(certified.progress.shareBasisPoints == 0)

            #expect(try await env.getKpiSeries("jobs_posted", year.0, year.1).progress.value == 1)
            let filled = try await env.getKpiSeries("jobs_filled", year.0, year.1)
            #expect(filled.progress.value == 1)
            #expect(filled.byMonth["2025-04"]!.0 == 1)
            #expect(try await env.getKpiSeries("bounties_completed", year.0, year.1).progress.value == 1)
            #expect(try await env.getKpiSeries("pow_credited", year.0, year.1).progress.value == 100)
            let points = try await env.getKpiSeries("points_redeemed", year.0, year.1)
            #expect(points.progress.value == 50)
            #expect(points.byMonth["2025-08"]!.0 == 50)

            // Revenue in fen, in the month each period ends.
            let revenue = try await env.getKpiSeries("digital_economy_revenue", year.0, year.1)
            #expect(revenue.byMonth["2025-03"]!.0 == 100_000_000)
            #expect(revenue.byMonth["2025-06"]!.0 == 1_500_000_000)
            #expect(revenue.byMonth["2025-09"]!.0 == 600_000_000)
            #expect(revenue.byMonth["2025-12"]!.0 == 1_000_000_000)
            #expect(revenue.progress.value == 3_200_000_000)
            #expect(revenue.progress.kpi.target == 200_000_000_000)
            #expect(revenue.progress.shareBasisPoints == 160)  // 3.2e9 × 10000 / 2e11
            let tax = try await env.getKpiSeries("tax_revenue", year.0, year.1)
            #expect(tax.progress.value == 100_000)
            #expect(try await env.getKpiSeries("digital_economy_revenue", "2024-01-01", "2024-12-31").progress.value == 1_200_000_000)

            let superIndividuals = try await env.getKpiSeries("super_individuals", year.0, year.1)
            #expect(superIndividuals.progress.value == 1)
            #expect(superIndividuals.byMonth["2025-08"]! == (0, 0))
            #expect(superIndividuals.byMonth["2025-09"]! == (1, 1))
            #expect(superIndividuals.progress.shareBasisPoints == 1_000)

            let highTech = try await env.getKpiSeries("high_tech_enterprises", year.0, year.1)
            #expect(highTech.progress.value == 2)
            #expect(highTech.byMonth["2025-01"]! == (0, 1))
            #expect(highTech.byMonth["2025-02"]! == (1, 2))
            #expect(highTech.progress.shareBasisPoints == 2_000)

            // ListKpis agrees with the series, KPI by KPI.
            let list = try await env.client.listKpis(.with { $0.period = period(year.0, year.1) }, metadata: env.admin().metadata)
            #expect(list.kpis.count == KpiCatalogue.all.count)
            let values = Dictionary(uniqueKeysWithValues: list.kpis.map { ($0.kpi.code, $0.value) })
            #expect(values["nomad_visits"] == 3)
            #expect(values["settled_migrants"] == 2)
            #expect(values["digital_economy_revenue"] == 3_200_000_000)
            #expect(values["super_individuals"] == 1)
            #expect(values["high_tech_enterprises"] == 2)
            #expect(values["jobs_filled"] == 1)
            let byArea = try await env.client.listKpis(
                .with {
                    $0.period = period(year.0, year.1); $0.area = .core
                }, metadata: env.officer().metadata)
            #expect(Set(byArea.kpis.map(\.kpi.code)) == ["nomad_visits", "event_attendance"])
            #expect(byArea.kpis.first { $0.kpi.code == "nomad_visits" }?.value == 2)
        }
    }

    @Test func theSuperIndividualThresholdIsConfiguration() async throws {
        try await withAnalytics(kpiSettings: KpiSettings(superIndividualRevenueYuan: 10_000_000)) { env in
            _ = try await Self.seed(env)
            // At 10M yuan: the two-year nomad in 2024 (12M) and again... once per
            // reporter ever; the 15M nomad from June 2025.
            let series = try await env.getKpiSeries("super_individuals", "2025-01-01", "2025-12-31")
            #expect(series.byMonth["2025-01"]! == (0, 1))
            #expect(series.byMonth["2025-06"]! == (1, 2))
            #expect(series.progress.value == 2)
        }
    }

    /// Officers and enterprise staff checked in at an event attend it, but
    /// they are not nomads visiting; a version 1 check-in (no role) still
    /// counts, as it did when it was published.
    @Test func onlyNomadsCheckedInAreNomadVisits() async throws {
        try await withAnalytics { env in
            let event = UUID().text
            let nomad = UUID().text, officer = UUID().text, staff = UUID().text, unsaid = UUID().text
            try await env.ingestEvents([
                SuiteEvents.checkIn(event: event, attendee: nomad, day: "2025-04-02", area: "core", role: "nomad"),
                SuiteEvents.checkIn(event: event, attendee: officer, day: "2025-04-02", area: "core", role: "officer"),
                SuiteEvents.checkIn(event: event, attendee: staff, day: "2025-04-02", area: "core", role: "enterprise"),
                SuiteEvents.checkIn(event: event, attendee: unsaid, day: "2025-04-02", area: "core"),
            ])
            let year = ("2025-01-01", "2025-12-31")
            #expect(try await env.getKpiSeries("nomad_visits", year.0, year.1).progress.value == 2)
            #expect(try await env.getKpiSeries("nomad_visits", year.0, year.1, area: .core).progress.value == 2)
            #expect(try await env.getKpiSeries("event_attendance", year.0, year.1).progress.value == 4)
        }
    }

    /// The plan's conversion of nomads into migrants: a settlement counts when
    /// the account was certified before its first settlement, once.
    @Test func settledFromNomadsAreTheSettledWhoWereCertifiedFirst() async throws {
        try await withAnalytics { env in
            let converted = UUID().text, certifiedLater = UUID().text, never = UUID().text
            try await env.ingestEvents([
                SuiteEvents.certified(converted, at: zoneTime("2025-01-10 10:00")),
                SuiteEvents.settled(converted, at: zoneTime("2025-03-01 10:00")),
                SuiteEvents.settled(converted, at: zoneTime("2025-06-01 10:00")),
                SuiteEvents.settled(certifiedLater, at: zoneTime("2025-02-01 10:00")),
                SuiteEvents.certified(certifiedLater, at: zoneTime("2025-04-01 10:00")),
                SuiteEvents.settled(never, at: zoneTime("2025-02-02 10:00")),
            ])
            let year = ("2025-01-01", "2025-12-31")
            let series = try await env.getKpiSeries("settled_from_nomads", year.0, year.1)
            #expect(series.progress.value == 1)
            #expect(series.byMonth["2025-03"]!.0 == 1 && series.byMonth["2025-06"]!.0 == 0)
            #expect(try await env.getKpiSeries("settled_migrants", year.0, year.1).progress.value == 3)

            // The drill-down names the settlement and the certification before it.
            let march = try await env.client.listKpiEvents(
                .with {
                    $0.code = "settled_from_nomads"; $0.month = "2025-03"
                }, metadata: env.officer().metadata)
            #expect(march.value == 1)
            #expect(march.events.map(\.event.type).sorted() == ["identity.nomad.certified", "identity.nomad.settled"])
            #expect(march.events.allSatisfy { $0.event.subjectIds["account_id"] == converted })
        }
    }

    @Test func internationalSitesAreTheSitesDesignatedSo() async throws {
        try await withAnalytics { env in
            let designated = UUID().text
            try await env.ingestEvents([
                SuiteEvents.siteCreated(designated, international: true, at: zoneTime("2025-05-02 10:00")),
                SuiteEvents.siteCreated(UUID().text, international: false, at: zoneTime("2025-05-03 10:00")),
                SuiteEvents.siteCreated(UUID().text, international: true, at: zoneTime("2024-11-03 10:00")),
            ])
            // A second event about the same site: once.
            try await env.ingestEvents([SuiteEvents.siteCreated(designated, international: true, at: zoneTime("2025-05-02 10:00"))])
            let series = try await env.getKpiSeries("international_sites", "2025-01-01", "2025-12-31")
            #expect(series.progress.value == 1 && series.byMonth["2025-05"]!.0 == 1)
            #expect(try await env.getKpiSeries("international_sites", "2024-01-01", "2024-12-31").progress.value == 1)
        }
    }

    /// The programme's targets are defaults: a configured one is what every
    /// answer measures against, and the rest keep the programme's.
    @Test func theTargetsAreConfiguration() async throws {
        try await withAnalytics(kpiSettings: KpiSettings(targets: ["nomad_visits": 4])) { env in
            _ = try await Self.seed(env)
            let visits = try await env.getKpiSeries("nomad_visits", "2025-01-01", "2025-12-31")
            #expect(visits.progress.value == 3)
            #expect(visits.progress.kpi.target == 4)
            #expect(visits.progress.shareBasisPoints == 7_500)
            let list = try await env.client.listKpis(.with { $0.period = period("2025-01-01", "2025-12-31") }, metadata: callMetadata())
            let targets = Dictionary(uniqueKeysWithValues: list.kpis.map { ($0.kpi.code, $0.kpi.target) })
            #expect(targets["nomad_visits"] == 4)
            #expect(targets["settled_migrants"] == 5_000)
            #expect(targets["tax_revenue"] == 20_000_000_000)
        }
        #expect(try KpiSettings.targets(" nomad_visits = 60000 ,tax_revenue=1") == ["nomad_visits": 60_000, "tax_revenue": 1])
        #expect(try KpiSettings.targets("") == [:])
        for bad in [
            "nomad_visits", "no_such_kpi=5", "jobs_posted=10", "nomad_visits=0", "nomad_visits=1.5",
            "nomad_visits=1,nomad_visits=2", "nomad_visits=10000000000000000",
        ] {
            #expect(throws: ConfigError.self, "\(bad)") { try KpiSettings.targets(bad) }
        }
    }

    @Test func theDefaultPeriodIsTheZonesCurrentYear() async throws {
        try await withAnalytics { env in
            let today = ZoneDay.today()
            try await env.ingestEvents([SuiteEvents.siteVisit(UUID().text, day: today.iso, area: "core")])
            let series = try await env.client.getKpiSeries(.with { $0.code = "nomad_visits" }, metadata: env.officer().metadata)
            #expect(series.period.from == ZoneDay(year: today.year, month: 1, day: 1)!.message)
            #expect(series.period.to == ZoneDay(year: today.year, month: 12, day: 31)!.message)
            #expect(series.points.count == 12)
            #expect(series.progress.value == 1)
            let list = try await env.client.listKpis(.with { _ in }, metadata: env.officer().metadata)
            #expect(list.period == series.period)
            #expect(list.kpis.allSatisfy { !$0.kpi.name.zhCn.isEmpty && !$0.kpi.definition.en.isEmpty && !$0.kpi.eventTypes.isEmpty })
            #expect(list.kpis.first { $0.kpi.code == "nomad_visits" }?.value == 1)
        }
    }

    @Test func badQueriesAreRefused() async throws {
        try await withAnalytics { env in
            let officer = env.officer()
            let message = await expectRPCError(.notFound) {
                _ = try await env.client.getKpiSeries(.with { $0.code = "no_such_kpi" }, metadata: officer.metadata)
            }
            #expect(message?.contains("no_such_kpi") == true)
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.getKpiSeries(.with { $0.code = "" }, metadata: officer.metadata)
            }
            let zh = await expectRPCError(.invalidArgument) {
                _ = try await env.client.getKpiSeries(
                    .with {
                        $0.code = "settled_migrants"; $0.area = .core
                    }, metadata: officer.metadata(language: "zh-CN"))
            }
            #expect(zh?.contains("不按区域统计") == true)
            for bad in [
                period("2025-12-01", "2025-01-01"), period("2010-01-01", "2025-12-31"),
                .with { $0.from = day("2025-01-01") },
                .with {
                    $0.from = day("2025-01-01");
                    $0.to = .with {
                        $0.year = 2025; $0.month = 2; $0.day = 29
                    }
                },
            ] {
                await expectRPCError(.invalidArgument) {
                    _ = try await env.client.getKpiSeries(
                        .with {
                            $0.code = "nomad_visits"; $0.period = bad
                        }, metadata: officer.metadata)
                }
                await expectRPCError(.invalidArgument) {
                    _ = try await env.client.listKpis(.with { $0.period = bad }, metadata: officer.metadata)
                }
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.listKpis(.with { $0.area = .UNRECOGNIZED(9) }, metadata: officer.metadata)
            }
        }
    }

    /// The KPIs became public (the portal's signed-out KPI page): every
    /// caller, signed in or not, gets staff's answer. Before, only staff read
    /// them and the others were refused.
    @Test func everyoneReadsTheSameKpis() async throws {
        try await withAnalytics { env in
            let staff = try await env.client.listKpis(.with { _ in }, metadata: env.officer().metadata)
            let staffSeries = try await env.client.getKpiSeries(.with { $0.code = "nomad_visits" }, metadata: env.officer().metadata)
            for metadata in [env.nomad().metadata, env.enterprise().metadata, env.service().metadata, callMetadata()] {
                #expect(try await env.client.listKpis(.with { _ in }, metadata: metadata) == staff)
                #expect(try await env.client.getKpiSeries(.with { $0.code = "nomad_visits" }, metadata: metadata) == staffSeries)
            }
        }
    }

    @Test func shareBasisPointsNeverOverflows() {
        #expect(KpiSeriesFigures.shareBasisPoints(3, target: 50_000) == 0)
        #expect(KpiSeriesFigures.shareBasisPoints(25_000, target: 50_000) == 5_000)
        #expect(KpiSeriesFigures.shareBasisPoints(.max, target: 10) == .max)
        #expect(KpiSeriesFigures.shareBasisPoints(5, target: 0) == 0)
    }
}
