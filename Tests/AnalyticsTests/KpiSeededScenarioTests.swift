import Foundation
import GRPCCore
@testable import Analytics
import NomadKit
import NomadProtos
import NomadTesting
import Testing

/// A seeded scenario: hundreds of visits, check-ins, settlements and
/// contracts drawn from a fixed seed, with the KPI figures computed here
/// independently (plain Swift sets and dictionaries) and compared with
/// analytics' answers month by month.
@Suite struct KpiSeededScenarioTests {
    /// SplitMix64: the same seed draws the same scenario on every run.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    struct Visit: Hashable { let person: String, day: ZoneDay, area: String }

    @Test func seededFiguresMatchAnIndependentCount() async throws {
        var random = Generator(state: 20_251_125)
        let people = (0..<40).map { _ in UUID().text }
        let areas = ["core", "linked"]
        // Days from 2024-12-15 to 2026-01-15: the period's edges are crossed.
        let firstDay = ZoneDay(year: 2024, month: 12, day: 15)!
        func randomDay() -> ZoneDay { firstDay.adding(days: Int.random(in: 0..<397, using: &random)) }

        var events: [Nomad_Common_V1_DomainEvent] = []
        var visits: [Visit] = []
        for _ in 0..<300 {
            let visit = Visit(person: people.randomElement(using: &random)!, day: randomDay(), area: areas.randomElement(using: &random)!)
            visits.append(visit)
            events.append(SuiteEvents.siteVisit(visit.person, day: visit.day.iso, area: visit.area))
        }
        // Events with a fixed area ("" = online) and check-ins over their days.
        let gatherings = (0..<12).map { index in (id: UUID().text, area: ["core", "linked", ""][index % 3]) }
        var checkIns: [(event: String, attendee: String, day: ZoneDay, area: String)] = []
        for _ in 0..<250 {
            let gathering = gatherings.randomElement(using: &random)!
            let checkIn = (gathering.id, people.randomElement(using: &random)!, randomDay(), gathering.area)
            checkIns.append(checkIn)
            events.append(SuiteEvents.checkIn(event: checkIn.0, attendee: checkIn.1, day: checkIn.2.iso, area: checkIn.3))
        }
        // Settlements at random instants, some accounts twice.
        var settledAt: [String: [Date]] = [:]
        for _ in 0..<60 {
            let account = people.randomElement(using: &random)!
            let at = zoneTime("\(randomDay().iso) 00:00").addingTimeInterval(Double(Int.random(in: 0..<86_400, using: &random)))
            settledAt[account, default: []].append(at)
            events.append(SuiteEvents.settled(account, at: at))
        }
        // Contracts, a third of them cancelled later.
        var filledOn: [ZoneDay] = []
        for index in 0..<45 {
            let order = UUID().text
            let day = randomDay()
            events.append(SuiteEvents.contractSigned(order, at: zoneTime("\(day.iso) 12:00")))
            if index % 3 == 0 {
                events.append(SuiteEvents.orderCancelled(order, at: zoneTime("\(day.iso) 18:00")))
            } else {
                filledOn.append(day)
            }
        }
        events.shuffle(using: &random)

        let from = ZoneDay(year: 2025, month: 1, day: 1)!, to = ZoneDay(year: 2025, month: 12, day: 31)!
        let months = (1...12).map { String(format: "2025-%02d", $0) }
        func month(_ day: ZoneDay) -> String { String(day.iso.prefix(7)) }
        func perMonth(_ days: [ZoneDay]) -> [String: Int64] {
            days.filter { from <= $0 && $0 <= to }.reduce(into: [:]) { $0[month($1), default: 0] += 1 }
        }

        // The independent count.
        let checkInVisits = checkIns.filter { !$0.area.isEmpty }.map { Visit(person: $0.attendee, day: $0.day, area: $0.area) }
        func expectedVisits(_ area: String?) -> [String: Int64] {
            let days = Set((visits + checkInVisits).filter { area == nil || $0.area == area }.map { "\($0.person) \($0.day.iso)" })
            return perMonth(days.map { ZoneDay(iso: String($0.split(separator: " ")[1]))! })
        }
        var firstCheckIn: [String: (day: ZoneDay, area: String)] = [:]
        for checkIn in checkIns {
            let key = "\(checkIn.event) \(checkIn.attendee)"
            if let seen = firstCheckIn[key], seen.day <= checkIn.day { continue }
            firstCheckIn[key] = (checkIn.day, checkIn.area)
        }
        func expectedAttendance(_ area: String?) -> [String: Int64] {
            perMonth(firstCheckIn.values.filter { area == nil || $0.area == area }.map(\.day))
        }
        let firstSettled = settledAt.values.map { ZoneDay.today(now: $0.min()!) }
        // The scenario is not trivial: most of it falls inside the period.
        #expect(expectedVisits(nil).values.reduce(0, +) > 300)
        #expect(expectedAttendance(nil).values.reduce(0, +) > 100)

        try await withAnalytics { env in
            for batch in stride(from: 0, to: events.count, by: 200) {
                try await env.ingestEvents(Array(events[batch..<min(batch + 200, events.count)]))
            }
            // A redelivery of everything changes nothing.
            for batch in stride(from: 0, to: events.count, by: 200) {
                try await env.ingestEvents(Array(events[batch..<min(batch + 200, events.count)]))
            }
            func check(
                _ code: String, area: Nomad_Analytics_V1_Area = .unspecified, expected: [String: Int64], before: Int64 = 0
            ) async throws {
                let series = try await env.getKpiSeries(code, from.iso, to.iso, area: area)
                var running = before
                for (index, point) in series.points.enumerated() {
                    running += expected[months[index]] ?? 0
                    #expect(point.month == months[index])
                    #expect(point.value == expected[months[index]] ?? 0, "\(code) \(area) \(point.month)")
                    #expect(point.runningTotal == running, "\(code) \(area) \(point.month)")
                }
                #expect(series.progress.value == running, "\(code) \(area)")
            }
            try await check("nomad_visits", expected: expectedVisits(nil))
            try await check("nomad_visits", area: .core, expected: expectedVisits("core"))
            try await check("nomad_visits", area: .linked, expected: expectedVisits("linked"))
            try await check("event_attendance", expected: expectedAttendance(nil))
            try await check("event_attendance", area: .core, expected: expectedAttendance("core"))
            try await check("event_attendance", area: .linked, expected: expectedAttendance("linked"))
            try await check(
                "settled_migrants", expected: perMonth(firstSettled),
                before: Int64(firstSettled.filter { $0 < from }.count))
            try await check("jobs_filled", expected: perMonth(filledOn))
        }
    }
}
