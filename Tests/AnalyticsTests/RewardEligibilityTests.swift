import Foundation
import GRPCCore
@testable import Analytics
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// Reward eligibility from hand-made events ingested through IngestEvents,
/// checked against counts worked out by hand in each test.
@Suite struct RewardEligibilityTests {
    typealias F = RewardFixtures

    private func count(
        _ e: Nomad_Analytics_V1_RewardEligibility, _ c: Nomad_Analytics_V1_RewardCriterion
    ) -> Nomad_Analytics_V1_CriterionCount {
        e.counts.first { $0.criterion == c } ?? .init()
    }

    @Test func firstContractRuleAcrossTwoEnterprisesAndTheZoneYearBoundary() async throws {
        try await withAnalytics { env in
            let a = env.enterprise(), b = env.enterprise()
            let n1 = UUID().text, n2 = UUID().text, n3 = UUID().text, n4 = UUID().text
            // n1: first with A in 2025, then a long employment contract with B in 2026.
            let n1First = F.contractSigned(nomad: n1, enterprise: a.id, kind: 1, at: F.zone("2025-03-10T10:00"))
            let n1Long = F.contractSigned(nomad: n1, enterprise: b.id, kind: 2, longTerm: true, at: F.zone("2026-02-01T09:00"))
            // n2: first with B at 00:30 on 1 January 2026 in the zone, still 2025 in UTC.
            let n2First = F.contractSigned(nomad: n2, enterprise: b.id, kind: 2, longTerm: false, at: F.zone("2026-01-01T00:30"))
            // n3: first with A one minute before the zone's new year.
            let n3First = F.contractSigned(nomad: n3, enterprise: a.id, kind: 1, at: F.zone("2025-12-31T23:59"))
            // n4: flexible with A, then flexible with B, both 2026.
            let n4First = F.contractSigned(nomad: n4, enterprise: a.id, kind: 3, at: F.zone("2026-03-01T10:00"))
            let n4Second = F.contractSigned(nomad: n4, enterprise: b.id, kind: 3, at: F.zone("2026-04-01T10:00"))
            try await env.ingestEvents([n1Long, n2First, n1First, n3First, n4Second, n4First])

            let staff = env.officer().metadata
            let a2025 = try await env.client.getRewardEligibility(
                .with {
                    $0.enterpriseID = a.id; $0.year = 2025
                }, metadata: staff)
            let introducedA2025 = count(a2025, .nomadsIntroduced)
            #expect(introducedA2025.count == 2)
            #expect(Set(introducedA2025.evidence.map(\.subjectID)) == [n1, n3])
            #expect(Set(introducedA2025.evidence.flatMap(\.eventIds)) == [n1First.eventID, n3First.eventID])
            #expect(!introducedA2025.evidenceTruncated)
            #expect(count(a2025, .longContracts).count == 0)
            #expect(count(a2025, .flexibleEngagements).count == 0)

            let a2026 = try await env.client.getRewardEligibility(
                .with {
                    $0.enterpriseID = a.id; $0.year = 2026
                }, metadata: staff)
            #expect(count(a2026, .nomadsIntroduced).evidence.map(\.subjectID) == [n4])
            #expect(count(a2026, .flexibleEngagements).count == 1)
            #expect(count(a2026, .flexibleEngagements).evidence.first?.eventIds == [n4First.eventID])

            let b2025 = try await env.client.getRewardEligibility(
                .with {
                    $0.enterpriseID = b.id; $0.year = 2025
                }, metadata: staff)
            #expect(b2025.counts.allSatisfy { $0.count == 0 })
            #expect(b2025.counts.map(\.criterion) == [.nomadsIntroduced, .longContracts, .flexibleEngagements, .nomadsTrained])

            // B read by itself: its introduced nomad is n2 only (n1 came through A).
            let b2026 = try await env.client.getRewardEligibility(.with { $0.year = 2026 }, metadata: b.metadata)
            #expect(b2026.enterpriseID == b.id)
            #expect(count(b2026, .nomadsIntroduced).evidence.map(\.subjectID) == [n2])
            // n1's long contract counts; n2's employment contract is not long term.
            let long = count(b2026, .longContracts)
            #expect(long.count == 1)
            #expect(long.evidence.first?.subjectID == n1Long.subjectIds["order_id"])
            #expect(long.evidence.first?.eventIds == [n1Long.eventID])
            #expect(count(b2026, .flexibleEngagements).evidence.map(\.subjectID) == [n4Second.subjectIds["order_id"]!])

            // Redelivery changes nothing.
            try await env.ingestEvents([n1Long, n2First, n4Second])
            let again = try await env.client.getRewardEligibility(.with { $0.year = 2026 }, metadata: b.metadata)
            #expect(again == b2026)
        }
    }

    @Test func trainedCountsDistinctAttendeesOfTheOrganizersTrainingsThatWereNotCancelled() async throws {
        try await withAnalytics { env in
            let e = env.enterprise(), other = env.enterprise()
            let t1 = UUID().text, cancelled = UUID().text, meetup = UUID().text, othersTraining = UUID().text
            let published = F.eventPublished(event: t1, organizer: e.id, kind: "training", at: F.zone("2025-12-01T10:00"))
            let a1 = UUID().text, a2 = UUID().text, a3 = UUID().text, a4 = UUID().text, a5 = UUID().text, a6 = UUID().text
            let a1Gate = F.checkIn(event: t1, attendee: a1, at: F.zone("2026-03-01T09:00"))
            let a1Session = F.checkIn(event: t1, attendee: a1, session: UUID().text, at: F.zone("2026-03-01T10:00"))
            let events = [
                published,
                F.eventPublished(event: cancelled, organizer: e.id, kind: "training", at: F.zone("2025-12-01T10:00")),
                F.eventPublished(event: meetup, organizer: e.id, kind: "meetup", at: F.zone("2025-12-01T10:00")),
                F.eventPublished(event: othersTraining, organizer: other.id, kind: "training", at: F.zone("2025-12-01T10:00")),
                a1Gate, a1Session,
                F.checkIn(event: t1, attendee: a2, at: F.zone("2026-03-01T09:05")),
                // Checked in, then the event was cancelled: does not count.
                F.checkIn(event: cancelled, attendee: a3, at: F.zone("2026-02-01T09:00")),
                F.eventCancelled(event: cancelled, organizer: e.id, at: F.zone("2026-02-02T09:00")),
                F.checkIn(event: meetup, attendee: a4, kind: "meetup", at: F.zone("2026-03-01T09:00")),
                F.checkIn(event: othersTraining, attendee: a5, at: F.zone("2026-03-01T09:00")),
                // 23:50 on 31 December in the zone: the year before.
                F.checkIn(event: t1, attendee: a6, at: F.zone("2025-12-31T23:50")),
            ]
            try await env.ingestEvents(events)
            let mine = try await env.client.getRewardEligibility(.with { $0.year = 2026 }, metadata: e.metadata)
            let trained = count(mine, .nomadsTrained)
            #expect(trained.count == 2)
            #expect(Set(trained.evidence.map(\.subjectID)) == [a1, a2])
            let a1Evidence = trained.evidence.first { $0.subjectID == a1 }
            #expect(a1Evidence?.eventIds == [a1Gate.eventID, a1Session.eventID, published.eventID])
            let earlier = try await env.client.getRewardEligibility(.with { $0.year = 2025 }, metadata: e.metadata)
            #expect(count(earlier, .nomadsTrained).evidence.map(\.subjectID) == [a6])
            let others = try await env.client.getRewardEligibility(
                .with {
                    $0.enterpriseID = other.id; $0.year = 2026
                }, metadata: env.admin().metadata)
            #expect(count(others, .nomadsTrained).evidence.map(\.subjectID) == [a5])
        }
    }

    @Test func evidenceIsCappedAtAHundredItemsAndSaysSo() async throws {
        try await withAnalytics { env in
            let e = env.enterprise()
            let contracts = (0..<101).map { i in
                F.contractSigned(
                    nomad: UUID().text, enterprise: e.id, kind: 3, at: F.zone("2026-05-01T10:00").addingTimeInterval(Double(i)))
            }
            try await env.ingestEvents(contracts)
            let result = try await env.client.getRewardEligibility(.with { $0.year = 2026 }, metadata: e.metadata)
            let flexible = count(result, .flexibleEngagements)
            #expect(flexible.count == 101)
            #expect(flexible.evidence.count == 100)
            #expect(flexible.evidenceTruncated)
            // Ordered by subject id, so the first 100 of the sorted orders.
            let orders = contracts.map { $0.subjectIds["order_id"]! }.sorted()
            #expect(flexible.evidence.map(\.subjectID) == Array(orders.prefix(100)))
            #expect(count(result, .nomadsIntroduced).count == 101)
        }
    }

    @Test func tiersMetFollowTheConfigurationAndTheListPagesInEnterpriseOrder() async throws {
        let tiers = try RewardTiers.parse("intro_2:nomads_introduced:2, flex_1:flexible_engagements:1")
        try await withRewardsAnalytics(tiers: tiers) { env in
            // Five enterprises: introduced 0 (one long contract only), 1, 2, 3 nomads; one with a flexible engagement.
            let ids = (0..<5).map { _ in UUID().text }
            let at = F.zone("2026-06-01T10:00")
            var events: [Nomad_Common_V1_DomainEvent] = []
            let someone = UUID().text
            events.append(F.contractSigned(nomad: someone, enterprise: UUID().text, kind: 1, at: F.zone("2024-01-01T10:00")))
            events.append(F.contractSigned(nomad: someone, enterprise: ids[0], kind: 2, longTerm: true, at: at))
            for (index, introduced) in [(1, 1), (2, 2), (3, 3)] {
                for _ in 0..<introduced { events.append(F.contractSigned(nomad: UUID().text, enterprise: ids[index], kind: 1, at: at)) }
            }
            // ids[4]: a flexible engagement with a nomad introduced earlier.
            events.append(F.contractSigned(nomad: someone, enterprise: ids[4], kind: 3, at: at))
            try await env.ingestEvents(events)

            let staff = env.officer().metadata
            let listedTiers = try await env.client.listRewardTiers(.init(), metadata: staff)
            #expect(listedTiers.tiers.map(\.code) == ["intro_2", "flex_1"])
            #expect(listedTiers.tiers.first?.name.zhCn == "引进数字游民达到2人")
            #expect(listedTiers.tiers.last?.name.en == "1 flexible engagements")
            #expect(listedTiers.tiers.last?.criterion == .flexibleEngagements)

            var seen: [Nomad_Analytics_V1_RewardEligibility] = []
            var token = ""
            repeat {
                let page = try await env.client.listRewardEligibility(
                    .with {
                        $0.year = 2026
                        $0.page = .with {
                            $0.pageSize = 2; $0.pageToken = token
                        }
                    }, metadata: staff)
                #expect(page.enterprises.count <= 2)
                #expect(page.enterprises.allSatisfy { $0.counts.allSatisfy(\.evidence.isEmpty) })
                seen += page.enterprises
                token = page.page.nextPageToken
            } while !token.isEmpty
            #expect(seen.map(\.enterpriseID) == ids.sorted())
            let byID = Dictionary(uniqueKeysWithValues: seen.map { ($0.enterpriseID, $0) })
            #expect(byID[ids[0]].map { count($0, .longContracts).count } == 1)
            #expect(byID[ids[0]]?.tiersMet.isEmpty == true)
            #expect(byID[ids[1]]?.tiersMet.isEmpty == true)
            #expect(byID[ids[2]]?.tiersMet.map(\.code) == ["intro_2"])
            #expect(byID[ids[3]]?.tiersMet.map(\.code) == ["intro_2"])
            #expect(byID[ids[4]]?.tiersMet.map(\.code) == ["flex_1"])

            let eligible = try await env.client.listRewardEligibility(
                .with {
                    $0.year = 2026; $0.onlyEligible = true
                }, metadata: staff)
            #expect(eligible.enterprises.map(\.enterpriseID) == [ids[2], ids[3], ids[4]].sorted())
            let single = try await env.client.getRewardEligibility(
                .with {
                    $0.enterpriseID = ids[3]; $0.year = 2026
                }, metadata: staff)
            #expect(single.tiersMet.map(\.code) == ["intro_2"])
            #expect(single.tiersMet.first?.minimum == 2)

            // The lead's CSV export reads the same rows.
            let all = try await env.app.withSchemaConnection { tx in
                try await EligibilityQueries.all(tx, year: 2026, tiers: tiers)
            }
            #expect(all.map(\.enterpriseID) == ids.sorted())
            #expect(
                all.map { $0.counts[.nomadsIntroduced] }
                    == ids.sorted().map { id in
                        Int64(byID[id].map { count($0, .nomadsIntroduced).count } ?? -1)
                    })
            let empty = try await env.client.listRewardEligibility(.with { $0.year = 2030 }, metadata: staff)
            #expect(empty.enterprises.isEmpty && empty.page.nextPageToken.isEmpty)
        }
    }

    @Test func concurrentRedeliveriesWhileReadingNeverCountTwice() async throws {
        try await withAnalytics { env in
            let e = env.enterprise()
            let at = F.zone("2026-07-01T10:00")
            let batch = (0..<20).map { _ in F.contractSigned(nomad: UUID().text, enterprise: e.id, kind: 3, at: at) }
            // Eight relays deliver the same batch at once while the enterprise reads.
            try await withThrowingTaskGroup(of: Int64?.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await env.ingestEvents(batch); return nil
                    }
                    group.addTask {
                        let seen = try await env.client.getRewardEligibility(.with { $0.year = 2026 }, metadata: e.metadata)
                        return seen.counts.first { $0.criterion == .flexibleEngagements }?.count
                    }
                }
                for try await seen in group {
                    if let seen { #expect(seen == 0 || seen == 20) }
                }
            }
            let result = try await env.client.getRewardEligibility(.with { $0.year = 2026 }, metadata: e.metadata)
            #expect(count(result, .flexibleEngagements).count == 20)
            #expect(count(result, .nomadsIntroduced).count == 20)
        }
    }

    @Test func onlyTheEnterpriseItselfAndStaffMayRead() async throws {
        try await withAnalytics { env in
            let e = env.enterprise()
            let own = Nomad_Analytics_V1_GetRewardEligibilityRequest.with {
                $0.enterpriseID = e.id; $0.year = 2026
            }
            _ = try await env.client.getRewardEligibility(own, metadata: e.metadata)
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.getRewardEligibility(own, metadata: env.enterprise().metadata)
            }
            for caller in [env.nomad(), env.service()] {
                await expectRPCError(.permissionDenied) {
                    _ = try await env.client.getRewardEligibility(own, metadata: caller.metadata)
                }
            }
            for caller in [env.nomad(), e, env.service()] {
                await expectRPCError(.permissionDenied) {
                    _ = try await env.client.listRewardEligibility(.with { $0.year = 2026 }, metadata: caller.metadata)
                }
                await expectRPCError(.permissionDenied) {
                    _ = try await env.client.listRewardTiers(.init(), metadata: caller.metadata)
                }
            }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.getRewardEligibility(own, metadata: callMetadata())
            }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.listRewardEligibility(.with { $0.year = 2026 }, metadata: callMetadata())
            }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.listRewardTiers(.init(), metadata: callMetadata())
            }
        }
    }

    @Test func badInputIsRefusedInBothLanguages() async throws {
        try await withAnalytics { env in
            let e = env.enterprise(), staff = env.officer()
            for year: Int32 in [0, 1999, 2101] {
                await expectRPCError(.invalidArgument) {
                    _ = try await env.client.getRewardEligibility(.with { $0.year = year }, metadata: e.metadata)
                }
                await expectRPCError(.invalidArgument) {
                    _ = try await env.client.listRewardEligibility(.with { $0.year = year }, metadata: staff.metadata)
                }
            }
            let zh = await expectRPCError(.invalidArgument) {
                _ = try await env.client.getRewardEligibility(.with { $0.year = 1999 }, metadata: e.metadata(language: "zh-CN"))
            }
            #expect(zh?.contains("须在 2000 到 2100 之间") == true)
            let missing = await expectRPCError(.invalidArgument) {
                _ = try await env.client.getRewardEligibility(.with { $0.year = 0 }, metadata: e.metadata)
            }
            #expect(missing?.contains("year") == true)
            let badID = await expectRPCError(.invalidArgument) {
                _ = try await env.client.getRewardEligibility(
                    .with {
                        $0.enterpriseID = "nope"; $0.year = 2026
                    }, metadata: staff.metadata)
            }
            #expect(badID?.contains("enterprise_id") == true)
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.getRewardEligibility(
                    .with {
                        $0.enterpriseID = "nope"; $0.year = 2026
                    }, metadata: e.metadata)
            }
            // Staff must say whose eligibility they want.
            let unnamed = await expectRPCError(.invalidArgument) {
                _ = try await env.client.getRewardEligibility(.with { $0.year = 2026 }, metadata: staff.metadata(language: "zh-CN"))
            }
            #expect(unnamed?.contains("缺少必填字段：enterprise_id") == true)
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.listRewardEligibility(
                    .with {
                        $0.year = 2026
                        $0.page = .with { $0.pageToken = "forged" }
                    }, metadata: staff.metadata)
            }
        }
    }
}
