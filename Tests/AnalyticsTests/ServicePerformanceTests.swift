import Foundation
import GRPCCore
@testable import Analytics
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// GetServicePerformance over a hand-made set of applications whose figures
/// are worked out below by hand.
@Suite struct ServicePerformanceTests {
    typealias F = RewardFixtures
    static let day: TimeInterval = 86_400

    /// 2025 in the zone:
    /// - D1/S1 (limit 5): six submitted 1 March; five decided after 1, 2, 3.5,
    ///   4 and 10 days (the last late), one never (past its limit now);
    ///   rated 5, 4, 4. Median 3.5, p90 4 + 0.6 * 6 = 7.6, overdue 2 of 6.
    /// - D1/S2: one at 00:10 on 1 January (still 2024 in UTC) decided after
    ///   1.5 days (limit 5); one undecided with a 3650-day limit, the later
    ///   submission, so the entry's limit is 3650. One at 23:50 on 31 December
    ///   2024 is outside the period.
    /// - D0/S1 (limit 2): one decided late after 3 days.
    /// - D2/S0 (limit 1): one decided after half a day, rated 5.
    /// - D3/S9: one submitted now, in the current year only.
    private func seed(_ env: AnalyticsEnv) async throws {
        var events: [Nomad_Common_V1_DomainEvent] = []
        func application(
            _ dept: String, _ code: String, limit: Int, at: Date, decidedAfter days: Double?, late: Bool = false, stars: Int? = nil
        ) {
            let app = UUID().text
            events.append(F.submitted(app: app, code: code, department: dept, limitDays: limit, at: at))
            if let days {
                let decidedAt = at.addingTimeInterval(days * Self.day)
                events.append(F.decided(app: app, code: code, department: dept, late: late, at: decidedAt))
                if let stars {
                    events.append(F.rated(app: app, code: code, department: dept, stars: stars, at: decidedAt.addingTimeInterval(60)))
                }
            }
        }
        let march = F.zone("2025-03-01T09:00")
        application("D1", "S1", limit: 5, at: march, decidedAfter: 1, stars: 5)
        application("D1", "S1", limit: 5, at: march, decidedAfter: 2, stars: 4)
        application("D1", "S1", limit: 5, at: march, decidedAfter: 3.5, stars: 4)
        application("D1", "S1", limit: 5, at: march, decidedAfter: 4)
        application("D1", "S1", limit: 5, at: march, decidedAfter: 10, late: true)
        application("D1", "S1", limit: 5, at: march, decidedAfter: nil)
        application("D1", "S2", limit: 5, at: F.zone("2025-01-01T00:10"), decidedAfter: 1.5)
        application("D1", "S2", limit: 3650, at: F.zone("2025-06-01T09:00"), decidedAfter: nil)
        application("D1", "S2", limit: 5, at: F.zone("2024-12-31T23:50"), decidedAfter: 1)
        application("D0", "S1", limit: 2, at: F.zone("2025-07-01T09:00"), decidedAfter: 3, late: true)
        application("D2", "S0", limit: 1, at: F.zone("2025-08-01T09:00"), decidedAfter: 0.5, stars: 5)
        application("D3", "S9", limit: 5, at: Date(), decidedAfter: nil)
        try await env.ingestEvents(events)
    }

    private let year2025 = Nomad_Analytics_V1_Period.with {
        $0.from = .with {
            $0.year = 2025; $0.month = 1; $0.day = 1
        }
        $0.to = .with {
            $0.year = 2025; $0.month = 12; $0.day = 31
        }
    }

    private func row(
        _ dept: String, _ code: String, received: Int64, completed: Int64, completion: Int64, median: Double, p90: Double,
        limit: Int32, overdue: Int64, rating: Double, ratings: Int64
    ) -> Nomad_Analytics_V1_ServicePerformance {
        .with {
            $0.department = dept
            $0.serviceCode = code
            $0.received = received
            $0.completed = completed
            $0.completionBasisPoints = completion
            $0.medianProcessingDays = median
            $0.p90ProcessingDays = p90
            $0.timeLimitDays = limit
            $0.overdueBasisPoints = overdue
            $0.averageRating = rating
            $0.ratings = ratings
        }
    }

    @Test func figuresMatchTheHandComputation() async throws {
        try await withAnalytics { env in
            try await seed(env)
            let result = try await env.client.getServicePerformance(.with { $0.period = year2025 }, metadata: env.officer().metadata)
            #expect(result.period == year2025)
            #expect(
                result.services == [
                    row(
                        "D0", "S1", received: 1, completed: 1, completion: 10_000, median: 3, p90: 3, limit: 2, overdue: 10_000, rating: 0,
                        ratings: 0),
                    row(
                        "D1", "S1", received: 6, completed: 5, completion: 8_333, median: 3.5, p90: 7.6, limit: 5, overdue: 3_333,
                        rating: 4.33, ratings: 3),
                    row(
                        "D1", "S2", received: 2, completed: 1, completion: 5_000, median: 1.5, p90: 1.5, limit: 3650, overdue: 0, rating: 0,
                        ratings: 0),
                    row(
                        "D2", "S0", received: 1, completed: 1, completion: 10_000, median: 0.5, p90: 0.5, limit: 1, overdue: 0, rating: 5,
                        ratings: 1),
                ])
            // Over all ten: days 0.5 1 1.5 2 3 3.5 4 10; median (2 + 3) / 2,
            // p90 at rank 6.3: 4 + 0.3 * 6; 3 overdue; stars 5 4 4 5.
            #expect(
                result.total
                    == row(
                        "", "", received: 10, completed: 8, completion: 8_000, median: 2.5, p90: 5.8,
                        limit: 0, overdue: 3_000, rating: 4.5, ratings: 4))
            #expect(result.page.nextPageToken.isEmpty)

            // The current year by default: only what was submitted now.
            let current = try await env.client.getServicePerformance(.init(), metadata: env.admin().metadata)
            let thisYear = Int32(ZoneDay.today().year)
            #expect(
                current.period.from
                    == .with {
                        $0.year = thisYear; $0.month = 1; $0.day = 1
                    })
            #expect(
                current.period.to
                    == .with {
                        $0.year = thisYear; $0.month = 12; $0.day = 31
                    })
            #expect(current.services.map(\.serviceCode) == ["S9"])
            #expect(current.total.received == 1 && current.total.overdueBasisPoints == 0 && current.total.completed == 0)
        }
    }

    @Test func filtersAndPagesKeepTheTotalOverEverythingThatMatched() async throws {
        try await withAnalytics { env in
            try await seed(env)
            let staff = env.officer().metadata
            let d1 = try await env.client.getServicePerformance(
                .with {
                    $0.period = year2025; $0.department = "D1"
                }, metadata: staff)
            #expect(d1.services.map(\.serviceCode) == ["S1", "S2"])
            #expect(d1.total.received == 8 && d1.total.completed == 6)
            let s1 = try await env.client.getServicePerformance(
                .with {
                    $0.period = year2025; $0.serviceCode = "S1"
                }, metadata: staff)
            #expect(s1.services.map(\.department) == ["D0", "D1"])
            #expect(s1.total.received == 7)
            let both = try await env.client.getServicePerformance(
                .with {
                    $0.period = year2025; $0.serviceCode = "S1"; $0.department = "D1"
                }, metadata: staff)
            #expect(both.services.count == 1 && both.total.received == 6)
            let none = try await env.client.getServicePerformance(
                .with {
                    $0.period = year2025; $0.department = "D9"
                }, metadata: staff)
            #expect(none.services.isEmpty && none.total.received == 0 && none.total.completionBasisPoints == 0)

            let first = try await env.client.getServicePerformance(
                .with {
                    $0.period = year2025; $0.page = .with { $0.pageSize = 3 }
                }, metadata: staff)
            #expect(first.services.map { "\($0.department)/\($0.serviceCode)" } == ["D0/S1", "D1/S1", "D1/S2"])
            #expect(!first.page.nextPageToken.isEmpty)
            let second = try await env.client.getServicePerformance(
                .with {
                    $0.period = year2025;
                    $0.page = .with {
                        $0.pageSize = 3; $0.pageToken = first.page.nextPageToken
                    }
                },
                metadata: staff)
            #expect(second.services.map { "\($0.department)/\($0.serviceCode)" } == ["D2/S0"])
            #expect(second.page.nextPageToken.isEmpty)
            #expect(first.total == second.total && first.total.received == 10)
        }
    }

    @Test func badPeriodsAreRefused() async throws {
        try await withAnalytics { env in
            let staff = env.officer()
            func period(_ from: (Int32, Int32, Int32)?, _ to: (Int32, Int32, Int32)?) -> Nomad_Analytics_V1_GetServicePerformanceRequest {
                .with {
                    if let from {
                        $0.period.from = .with {
                            $0.year = from.0; $0.month = from.1; $0.day = from.2
                        }
                    }
                    if let to {
                        $0.period.to = .with {
                            $0.year = to.0; $0.month = to.1; $0.day = to.2
                        }
                    }
                }
            }
            let reversed = await expectRPCError(.invalidArgument) {
                _ = try await env.client.getServicePerformance(
                    period((2025, 6, 1), (2025, 5, 31)), metadata: staff.metadata(language: "zh-CN"))
            }
            #expect(reversed?.contains("开始日期不能晚于结束日期") == true)
            let notADay = await expectRPCError(.invalidArgument) {
                _ = try await env.client.getServicePerformance(period((2025, 2, 30), (2025, 3, 1)), metadata: staff.metadata)
            }
            #expect(notADay?.contains("period.from") == true)
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.getServicePerformance(period((2010, 1, 1), (2025, 1, 1)), metadata: staff.metadata)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.getServicePerformance(period((2025, 1, 1), nil), metadata: staff.metadata)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.getServicePerformance(
                    .with {
                        $0.department = String(repeating: "d", count: 65)
                    }, metadata: staff.metadata)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.getServicePerformance(.with { $0.page.pageSize = -1 }, metadata: staff.metadata)
            }
        }
    }

    @Test func onlyStaffRead() async throws {
        try await withAnalytics { env in
            for caller in [env.nomad(), env.enterprise(), env.service()] {
                await expectRPCError(.permissionDenied) {
                    _ = try await env.client.getServicePerformance(.init(), metadata: caller.metadata)
                }
            }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.getServicePerformance(.init(), metadata: callMetadata())
            }
        }
    }
}
