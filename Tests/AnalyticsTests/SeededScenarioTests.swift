import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// The seeded scenario: a fixed seed decides what 40 nomads, 6
/// enterprises, 3 events and 24 one-card applications do; the identity and
/// events processes carry it out through their real RPCs and relay to a real
/// analytics process; the expected figures come from the plan alone and are
/// compared with analytics' answers once it holds every outbox event.
@Suite struct SeededScenarioTests {
    static let seed: UInt64 = 20_260_601

    @Test func analyticsAnswersWhatTheSeedImplies() async throws {
        let plan = ScenarioPlan(seed: Self.seed)
        let expected = ScenarioExpectations(plan)
        let members = Pipeline.members()
        try await Pipeline.run(members) { suite in
            let run = try await ScenarioDriver.run(plan, suite: suite)
            let entries = run.entries
            try await Pipeline.expectExactlyOnce(suite)

            let analytics = Nomad_Analytics_V1_AnalyticsService.Client(wrapping: try suite["analytics"].client)
            let officer = TestCaller.make(.officer, department: "analytics")
            func kpis(_ area: Nomad_Analytics_V1_Area) async throws -> [String: Int64] {
                let answer = try await analytics.listKpis(.with { $0.area = area }, metadata: officer.metadata)
                return Dictionary(answer.kpis.map { ($0.kpi.code, $0.value) }) { first, _ in first }
            }
            let all = try await kpis(.unspecified)
            let core = try await kpis(.core)
            let linked = try await kpis(.linked)
            let figures: [(String, Int64?, Int)] = [
                ("certified_nomads", all["certified_nomads"], expected.certifiedNomads),
                ("settled_migrants", all["settled_migrants"], expected.settledMigrants),
                ("nomad_visits", all["nomad_visits"], expected.nomadVisits),
                ("nomad_visits core", core["nomad_visits"], expected.nomadVisitsCore),
                ("nomad_visits linked", linked["nomad_visits"], expected.nomadVisitsLinked),
                ("event_attendance", all["event_attendance"], expected.eventAttendance),
                ("event_attendance core", core["event_attendance"], expected.eventAttendanceCore),
                ("event_attendance linked", linked["event_attendance"], expected.eventAttendance - expected.eventAttendanceCore),
                ("jobs_posted", all["jobs_posted"], expected.jobsPosted),
                ("jobs_filled", all["jobs_filled"], expected.jobsFilled),
                ("pow_credited", all["pow_credited"], Int(expected.powCredited)),
                ("points_redeemed", all["points_redeemed"], Int(expected.pointsRedeemed)),
                ("bounties_completed", all["bounties_completed"], expected.bountiesCompleted),
            ]
            // Reports cover last month: in this year's figures unless it is January.
            let reportsCount = ScenarioDriver.lastMonth().to.year == ZoneDay.today().year
            let revenueFigures: [(String, Int64?, Int64)] = [
                ("digital_economy_revenue", all["digital_economy_revenue"], reportsCount ? expected.revenueMinor : 0),
                ("tax_revenue", all["tax_revenue"], reportsCount ? expected.taxMinor : 0),
                ("super_individuals", all["super_individuals"], reportsCount ? Int64(expected.superIndividuals) : 0),
            ]
            for (name, value, wanted) in revenueFigures {
                print("seeded scenario: \(name) expected \(wanted), analytics \(String(describing: value))")
                #expect(value == wanted, "\(name): analytics says \(String(describing: value)), the seed implies \(wanted)")
            }
            if reportsCount {
                let lastMonth = String(ScenarioDriver.lastMonth().to.iso.prefix(7))
                let revenue = try await analytics.getKpiSeries(
                    .with { $0.code = "digital_economy_revenue" }, metadata: officer.metadata)
                let point = revenue.points.first { $0.month == lastMonth }
                #expect(point?.value == expected.revenueMinor, "digital_economy_revenue \(lastMonth): \(String(describing: point))")
            }
            for (name, value, wanted) in figures {
                print("seeded scenario: \(name) expected \(wanted), analytics \(String(describing: value))")
                #expect(value == Int64(wanted), "\(name): analytics says \(String(describing: value)), the seed implies \(wanted)")
            }

            // The monthly series: everything happened this month.
            let month = String(ZoneDay.today().iso.prefix(7))
            let series = try await analytics.getKpiSeries(.with { $0.code = "nomad_visits" }, metadata: officer.metadata)
            let thisMonth = series.points.first { $0.month == month }
            #expect(thisMonth?.value == Int64(expected.nomadVisits), "nomad_visits \(month): \(String(describing: thisMonth))")
            #expect(series.points.map(\.value).reduce(0, +) == Int64(expected.nomadVisits))
            #expect(series.progress.value == Int64(expected.nomadVisits))

            // Reward eligibility of each enterprise this year.
            let year = Int32(ZoneDay.today().year)
            // Tiers are configuration: met when the year's count reaches the minimum.
            let tiers = try await analytics.listRewardTiers(.init(), metadata: officer.metadata).tiers
            for (index, enterprise) in run.enterprises.enumerated() {
                let wanted = expected.eligibility[index] ?? .init()
                let answer = try await analytics.getRewardEligibility(
                    .with {
                        $0.enterpriseID = enterprise.id
                        $0.year = year
                    }, metadata: officer.metadata)
                func count(_ criterion: Nomad_Analytics_V1_RewardCriterion) -> Int64? {
                    answer.counts.first { $0.criterion == criterion }?.count
                }
                let got = ScenarioExpectations.Eligibility(
                    introduced: Int(count(.nomadsIntroduced) ?? -1), longContracts: Int(count(.longContracts) ?? -1),
                    flexible: Int(count(.flexibleEngagements) ?? -1), trained: Int(count(.nomadsTrained) ?? -1))
                print("seeded scenario: eligibility of enterprise \(index) expected \(wanted), analytics \(got)")
                let wantedTiers = tiers.filter { tier in
                    let counted =
                        switch tier.criterion {
                        case .nomadsIntroduced: wanted.introduced
                        case .longContracts: wanted.longContracts
                        case .flexibleEngagements: wanted.flexible
                        case .nomadsTrained: wanted.trained
                        default: -1
                        }
                    return Int64(counted) >= tier.minimum
                }.map(\.code)
                #expect(
                    Set(answer.tiersMet.map(\.code)) == Set(wantedTiers),
                    "enterprise \(index) tiers: \(answer.tiersMet.map(\.code)) vs \(wantedTiers)")
                #expect(got == wanted, "enterprise \(index): analytics says \(got), the seed implies \(wanted)")
                // The enterprise reads its own the same.
                let own = try await analytics.getRewardEligibility(.with { $0.year = year }, metadata: enterprise.metadata)
                #expect(own.counts.map(\.count) == answer.counts.map(\.count))
            }

            // One-card service performance per catalogue entry used.
            let performance = try await analytics.getServicePerformance(.init(), metadata: officer.metadata)
            var received = 0, completed = 0
            for (index, entry) in entries.enumerated() {
                let wanted = expected.services[index] ?? .init()
                received += wanted.received
                completed += wanted.completed
                let row = performance.services.first { $0.serviceCode == entry.code }
                #expect(
                    row?.received == Int64(wanted.received),
                    "\(entry.code) received: \(String(describing: row?.received)) vs \(wanted.received)")
                #expect(row?.completed == Int64(wanted.completed), "\(entry.code) completed")
                #expect(row?.department == entry.department)
                #expect(row?.timeLimitDays == entry.processingDays)
                #expect(row?.ratings == Int64(wanted.ratings), "\(entry.code) ratings")
                if wanted.received > 0 {
                    let share = Int64(wanted.completed * 10_000 / wanted.received)
                    #expect(abs((row?.completionBasisPoints ?? -100) - share) <= 1, "\(entry.code) completion share")
                }
                if wanted.ratings > 0 {
                    let mean = Double(wanted.starsTotal) / Double(wanted.ratings)
                    #expect(
                        abs((row?.averageRating ?? 0) - mean) < 0.01,
                        "\(entry.code) rating \(String(describing: row?.averageRating)) vs \(mean)")
                }
                // Everything was decided at once, well within any time limit.
                #expect(row?.overdueBasisPoints == 0)
            }
            #expect(performance.total.received == Int64(received))
            #expect(performance.total.completed == Int64(completed))
        }
    }

    /// The plan is a function of the seed alone.
    @Test func theSeedDecidesThePlan() {
        let one = ScenarioExpectations(ScenarioPlan(seed: Self.seed))
        let two = ScenarioExpectations(ScenarioPlan(seed: Self.seed))
        #expect(one.nomadVisits == two.nomadVisits && one.certifiedNomads == two.certifiedNomads)
        #expect(one.services == two.services)
        #expect(one.nomadVisits > 0 && one.settledMigrants > 0 && one.eventAttendance > 0 && one.bountiesCompleted > 0)
        // Some nomads were at a site and at an event the same day (one visit,
        // not two), and some visited both areas (one visit, once per area).
        let plan = ScenarioPlan(seed: Self.seed)
        #expect(plan.nomads.contains { nomad in !nomad.siteVisits.isEmpty && nomad.registrations.contains(where: \.checkedIn) })
        #expect(one.nomadVisitsCore + one.nomadVisitsLinked > one.nomadVisits)
    }
}
