import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// One nomad's way through the zone, across the five services as real
/// processes: identity's own Login tokens are what jobs, assets, events and
/// analytics accept, and what the nomad does shows up in analytics' KPIs
/// through the outbox relays.
@Suite struct JourneyTests {
    @Test func aNomadsJourneyThroughEveryServiceMovesTheKpis() async throws {
        try await WholeSuite.run { suite in
            let identity = IdentityClient(wrapping: try suite["identity"].client)
            let jobs = JobsClient(wrapping: try suite["jobs"].client)
            let assets = AssetsClient(wrapping: try suite["assets"].client)
            let events = EventsClient(wrapping: try suite["events"].client)
            let analytics = AnalyticsClient(wrapping: try suite["analytics"].client)
            let before = try await WholeSuite.kpis(analytics)
            let tag = UUID().uuidString.prefix(6).lowercased()

            // Identity: registration, login, certification, the one-card.
            let username = "journey-\(tag)"
            let registered = try await ScenarioIdentity.registerNomad(identity, username: username, nationality: "CN")
            let fresh = try await ScenarioIdentity.login(identity, username: username, password: ScenarioIdentity.password)
            #expect(fresh.id == registered.id)
            try await ScenarioIdentity.certify(identity, nomad: ScenarioNomad(id: fresh.id, caller: fresh))
            // A token issued before the certification still says "registered";
            // logging in again gives one that says "certified".
            let nomad = try await ScenarioIdentity.login(identity, username: username, password: ScenarioIdentity.password)
            let account = try await identity.getAccount(.init(), metadata: nomad.metadata)
            #expect(account.nomad.status == .certified)
            let card = try await identity.getCard(.init(), metadata: nomad.metadata)
            #expect(card.status == .active)

            let enterpriseName = "ent-\(tag)"
            _ = try await ScenarioIdentity.registerEnterprise(identity, username: enterpriseName, serial: 7)
            let enterprise = try await ScenarioIdentity.login(
                identity, username: enterpriseName, password: ScenarioIdentity.password)

            // Jobs: a skill profile, then a bounty (揭榜挂帅) for certified nomads only.
            let profile = try await jobs.updateProfile(
                .with {
                    $0.requestID = UUID().text
                    $0.profile = .with {
                        $0.skills = [
                            .with {
                                $0.skillCode = "software.mobile.ios"; $0.level = 4; $0.yearsExperience = 6
                            }
                        ]
                        $0.availability = .partTime
                        $0.hoursPerWeek = 20
                        $0.timeZone = "Asia/Shanghai"
                        $0.languages = ["zh-CN", "en"]
                    }
                }, metadata: nomad.metadata)
            #expect(profile.skills.map(\.skillCode) == ["software.mobile.ios"])
            #expect(profile.certification == .certified)
            let bounty = try await jobs.publishBounty(
                .with {
                    $0.requestID = UUID().text
                    $0.bounty = .with {
                        $0.title = "Xinying Bay tide app"
                        $0.description_p = "An iOS app showing Xinying Bay's tides for the fishing port."
                        $0.budget = .with {
                            $0.currencyCode = "CNY"; $0.minorUnits = 3_000_000
                        }
                        $0.deadline = .init(date: Date().addingTimeInterval(14 * 86400))
                        $0.winnerPlaces = 1
                        $0.qualification = .with {
                            $0.certifiedOnly = true
                            $0.requiredSkills = [
                                .with {
                                    $0.skillCode = "software.mobile.ios"; $0.minLevel = 3; $0.weight = 5; $0.essential = true
                                }
                            ]
                        }
                        $0.milestones = [
                            .with {
                                $0.title = "App Store release"; $0.due = .init(date: Date().addingTimeInterval(40 * 86400))
                            }
                        ]
                    }
                }, metadata: enterprise.metadata)
            func apply(_ caller: TestCaller) async throws -> Nomad_Jobs_V1_BountyApplication {
                try await jobs.submitBountyApplication(
                    .with {
                        $0.requestID = UUID().text
                        $0.bountyID = bounty.bountyID
                        $0.kind = .individual
                        $0.proposal = "SwiftUI app with tide tables from the port authority."
                    }, metadata: caller.metadata)
            }
            // The token from before the certification is refused: standing travels in the token.
            await expectRPCError(.failedPrecondition) { _ = try await apply(fresh) }
            let application = try await apply(nomad)
            // Bounties are the science and industry bureau's (JobsDecisionOwners).
            let industry = TestCaller.make(.officer, department: "science_industry")
            // The officer reviewing the qualification reads the applicant's profile.
            let seen = try await jobs.getProfile(.with { $0.nomadID = nomad.id }, metadata: industry.metadata)
            #expect(seen.skills.first?.level == 4)
            _ = try await jobs.reviewBountyApplication(
                .with {
                    $0.requestID = UUID().text
                    $0.applicationID = application.applicationID
                    $0.qualified = true
                }, metadata: industry.metadata)
            _ = try await jobs.claimBounty(
                .with {
                    $0.requestID = UUID().text
                    $0.applicationID = application.applicationID
                }, metadata: nomad.metadata)
            let completed = try await jobs.completeBounty(
                .with {
                    $0.requestID = UUID().text
                    $0.bountyID = bounty.bountyID
                    $0.reward = .with {
                        $0.currencyCode = "CNY"; $0.minorUnits = 3_000_000
                    }
                }, metadata: enterprise.metadata)
            #expect(completed.status == .completed)
            #expect(completed.winnerApplicationIds == [application.applicationID])

            // Assets: a data contribution credited as POW, exchanged for points.
            let assetsOfficer = TestCaller.make(.officer, department: "data")
            let contribution = try await assets.submitContribution(
                .with {
                    $0.requestID = UUID().text
                    $0.poolCode = "culture_tourism_consumption"
                    $0.kind = .data
                    $0.recordCount = 12_000
                    $0.bytes = 48_000_000
                    $0.contentHash = String(repeating: String(tag.prefix(2)), count: 32)
                    $0.qualityScore = 90
                }, metadata: nomad.metadata)
            let credited = try await assets.reviewContribution(
                .with {
                    $0.requestID = UUID().text
                    $0.contributionID = contribution.contributionID
                    $0.accept = true
                }, metadata: assetsOfficer.metadata)
            #expect(credited.powUnits > 0)
            let exchanged = try await assets.exchangePow(
                .with {
                    $0.requestID = UUID().text
                    $0.powUnits = credited.powUnits
                }, metadata: nomad.metadata)
            #expect(exchanged.points > 0)
            let balances = try await assets.getBalances(.init(), metadata: nomad.metadata).accounts
            #expect(balances.first { $0.unit == .points }?.balance == exchanged.points)
            #expect(balances.first { $0.unit == .pow }?.balance ?? 0 == 0)

            // Events: a forum in the core zone; the nomad registers with the
            // one-card and the gate checks them in by the card's QR.
            let eventsOfficer = TestCaller.make(.officer, department: "events")
            let site = try await ScenarioIdentity.createSite(identity, index: 0, core: true)
            let start = Date().addingTimeInterval(3600)
            let draft = try await events.createEvent(
                .with {
                    $0.requestID = UUID().text
                    $0.event = .with {
                        $0.kind = .forum
                        $0.title = ["zh-CN": "数字游民论坛", "en": "Digital Nomad Forum"]
                        $0.description_p = ["zh-CN": "新英湾数字游民论坛", "en": "Xinying Bay digital nomad forum"]
                        $0.venue.site = .with {
                            $0.siteID = site; $0.area = .core; $0.address = "新英湾 1 号"
                        }
                        $0.startTime = .init(date: start)
                        $0.endTime = .init(date: start.addingTimeInterval(4 * 3600))
                        $0.capacity = 200
                    }
                }, metadata: eventsOfficer.metadata)
            let forum = try await events.publishEvent(
                .with {
                    $0.requestID = UUID().text
                    $0.eventID = draft.eventID
                }, metadata: eventsOfficer.metadata)
            let qr = try await identity.issueCardQr(.init(), metadata: nomad.metadata)
            _ = try await events.registerForEvent(
                .with {
                    $0.requestID = UUID().text
                    $0.eventID = forum.eventID
                    $0.cardQr = qr.payload
                }, metadata: nomad.metadata)
            _ = try await events.checkIn(
                .with {
                    $0.requestID = UUID().text
                    $0.eventID = forum.eventID
                    $0.credential.cardQr = qr.payload
                }, metadata: eventsOfficer.metadata)
            let attendance = try await events.getAttendance(.with { $0.eventID = forum.eventID }, metadata: eventsOfficer.metadata)
            #expect(attendance.checkedIn == 1)

            // Analytics: the KPIs are public (the nomad reads them too); they
            // move once the relays have delivered.
            _ = try await analytics.listKpis(.init(), metadata: nomad.metadata)
            let expected: [String: Int64] = [
                "certified_nomads": 1, "bounties_completed": 1, "pow_credited": credited.powUnits,
                "nomad_visits": 1, "event_attendance": 1,
            ]
            var after: [String: Int64] = [:]
            let moved = try await eventually(cap: 1200, every: .milliseconds(100)) {
                after = try await WholeSuite.kpis(analytics)
                return expected.allSatisfy { code, delta in after[code, default: 0] - before[code, default: 0] == delta }
            }
            #expect(moved, "KPIs before \(before), after \(after), expected to move by \(expected)")
            // Nothing counted twice: a KPI the journey did not touch stays put.
            #expect(after["jobs_filled", default: 0] == before["jobs_filled", default: 0])
        }
    }
}
