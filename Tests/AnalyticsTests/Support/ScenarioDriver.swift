import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NomadKit
import NomadLocal
import NomadProtos
import NomadTesting
import SwiftProtobuf

typealias EventsClient = Nomad_Events_V1_EventsService.Client<HTTP2ClientTransport.Posix>
typealias JobsClient = Nomad_Jobs_V1_JobsService.Client<HTTP2ClientTransport.Posix>

/// What the comparison needs to name things after a run.
struct ScenarioRun: Sendable {
    /// The catalogue entries used, in plan order.
    let entries: [Nomad_Identity_V1_CatalogueEntry]
    /// The enterprises, in plan order.
    let enterprises: [TestCaller]
}

/// Carries out a plan through the real RPCs of the identity, jobs and events
/// processes (which relay to analytics).
enum ScenarioDriver {
    static let eventsOfficer = TestCaller.make(.officer, department: "events")

    /// The zone's previous calendar month, first and last day: the latest
    /// period a revenue report may cover.
    static func lastMonth() -> (from: ZoneDay, to: ZoneDay) {
        let firstOfThisMonth = ZoneDay(year: ZoneDay.today().year, month: ZoneDay.today().month, day: 1)!
        let to = firstOfThisMonth.adding(days: -1)
        return (ZoneDay(year: to.year, month: to.month, day: 1)!, to)
    }

    static func run(_ plan: ScenarioPlan, suite: ServiceSuite) async throws -> ScenarioRun {
        let identity = IdentityClient(wrapping: try suite["identity"].client)
        let jobs = JobsClient(wrapping: try suite["jobs"].client)
        let events = EventsClient(wrapping: try suite["events"].client)
        let tag = UUID().uuidString.prefix(6).lowercased()

        var siteIDs: [String] = []
        for index in 0..<ScenarioPlan.sites {
            siteIDs.append(try await ScenarioIdentity.createSite(identity, index: index, core: index < ScenarioPlan.coreSites))
        }
        let sites = siteIDs
        var enterprises: [TestCaller] = []
        for index in 0..<plan.enterprises {
            enterprises.append(try await ScenarioIdentity.registerEnterprise(identity, username: "ent-\(tag)-\(index)", serial: index))
        }
        var nomads: [ScenarioNomad] = []
        for (index, planned) in plan.nomads.enumerated() {
            nomads.append(
                try await ScenarioIdentity.registerNomad(
                    identity, username: "nomad-\(tag)-\(index)", nationality: planned.nationality, serial: index))
        }
        let nomadList = nomads
        try await inParallel(plan.nomads.count, width: 8) { index in
            let planned = plan.nomads[index]
            guard planned.certified else { return }
            try await ScenarioIdentity.certify(identity, nomad: nomadList[index])
            if planned.settled { try await ScenarioIdentity.settle(identity, nomad: nomadList[index]) }
            for site in planned.siteVisits {
                _ = try await ScenarioIdentity.visit(identity, nomad: nomadList[index], site: sites[site])
            }
        }

        // Events: created and published by their organizers; nomads register,
        // the organizer's gate checks them in with their tickets.
        var published: [(event: Nomad_Events_V1_Event, organizer: TestCaller)] = []
        for (index, planned) in plan.events.enumerated() {
            let organizer = planned.enterprise.map { enterprises[$0] } ?? eventsOfficer
            let start = Date().addingTimeInterval(3 * 86400 + Double(index) * 3600)
            let draft = try await events.createEvent(
                .with {
                    $0.requestID = UUID().text
                    $0.event = .with {
                        $0.kind = planned.kind
                        $0.title = ["zh-CN": "活动 \(index)", "en": "Event \(index)"]
                        $0.description_p = ["zh-CN": "种子场景", "en": "Seeded scenario"]
                        $0.venue.site = .with {
                            $0.siteID = sites[planned.core ? 0 : ScenarioPlan.coreSites]
                            $0.area = planned.core ? .core : .linked
                            $0.address = planned.core ? "新英湾 1 号" : "儋州 2 号"
                        }
                        $0.startTime = .init(date: start)
                        $0.endTime = .init(date: start.addingTimeInterval(4 * 3600))
                        $0.capacity = 100
                    }
                }, metadata: organizer.metadata)
            let event = try await events.publishEvent(
                .with {
                    $0.requestID = UUID().text
                    $0.eventID = draft.eventID
                }, metadata: organizer.metadata)
            published.append((event, organizer))
        }
        let publishedEvents = published
        try await inParallel(plan.nomads.count, width: 8) { index in
            for registration in plan.nomads[index].registrations {
                let (event, organizer) = publishedEvents[registration.event]
                let attendee = nomadList[index].caller
                let confirmed = try await events.registerForEvent(
                    .with {
                        $0.requestID = UUID().text
                        $0.eventID = event.eventID
                    }, metadata: attendee.metadata)
                guard registration.checkedIn else { continue }
                let ticket = try await events.getTicket(
                    .with { $0.registrationID = confirmed.registrationID }, metadata: attendee.metadata)
                _ = try await events.checkIn(
                    .with {
                        $0.requestID = UUID().text
                        $0.eventID = event.eventID
                        $0.credential.ticketToken = ticket.token
                    }, metadata: organizer.metadata)
            }
        }

        // Jobs: each enterprise posts a remote order and a flexible job; the
        // planned nomads apply and are accepted with the planned contract,
        // one after another so each nomad's first contract is the planned one.
        var postings: [[String]] = []
        for enterprise in enterprises {
            var ids: [String] = []
            for mode in [Nomad_Jobs_V1_JobMode.remoteOrder, .flexible] {
                ids.append(
                    try await jobs.publishJob(
                        .with {
                            $0.requestID = UUID().text
                            $0.job = .with {
                                $0.title = mode == .flexible ? "Flexible data labelling" : "iOS app for a Danzhou homestay"
                                $0.description_p = "Seeded scenario job."
                                $0.requiredSkills = [
                                    .with {
                                        $0.skillCode = "software.mobile.ios"; $0.minLevel = 3; $0.weight = 5; $0.essential = true
                                    }
                                ]
                                $0.budget = .with {
                                    $0.currencyCode = "CNY"; $0.minorUnits = 800_000
                                }
                                $0.mode = mode
                                $0.seats = 20
                                $0.claimable = false
                                $0.deadline = .init(date: Date().addingTimeInterval(30 * 86400))
                                $0.languages = ["zh-CN"]
                            }
                        }, metadata: enterprise.metadata
                    ).jobID)
            }
            postings.append(ids)
        }
        for contract in plan.contracts {
            let order = try await jobs.applyToJob(
                .with {
                    $0.requestID = UUID().text
                    $0.jobID = postings[contract.enterprise][contract.job]
                    $0.coverNote = "Seeded scenario."
                }, metadata: nomads[contract.nomad].caller.metadata)
            let today = ZoneDay.today()
            let (kind, months): (Nomad_Jobs_V1_ContractKind, Int) =
                switch contract.terms {
                case .employmentYear: (.employment, 12)
                case .employmentHalfYear: (.employment, 6)
                case .flexible: (.flexible, 3)
                case .serviceOrder: (.serviceOrder, 1)
                }
            _ = try await jobs.acceptApplication(
                .with {
                    $0.requestID = UUID().text
                    $0.orderID = order.orderID
                    $0.contract = .with {
                        $0.kind = kind
                        $0.startDate = today.message
                        $0.endDate = today.adding(months: months).adding(days: -1).message
                    }
                }, metadata: enterprises[contract.enterprise].metadata)
        }

        // Bounties: published by an enterprise, applied for and claimed by
        // a nomad an officer found qualified, completed by the enterprise.
        let jobsOfficer = TestCaller.make(.officer, department: "science_industry")
        for planned in plan.bounties {
            let publisher = enterprises[planned.enterprise]
            let winner = nomads[planned.winner].caller
            let bounty = try await jobs.publishBounty(
                .with {
                    $0.requestID = UUID().text
                    $0.bounty = .with {
                        $0.title = "Danzhou tourism data labelling"
                        $0.description_p = "Label 100k images of Danzhou's coast for a tourism model."
                        $0.budget = .with {
                            $0.currencyCode = "CNY"; $0.minorUnits = 5_000_000
                        }
                        $0.deadline = .init(date: Date().addingTimeInterval(14 * 86400))
                        $0.winnerPlaces = 1
                        $0.milestones = [
                            .with {
                                $0.title = "Delivery"; $0.due = .init(date: Date().addingTimeInterval(30 * 86400))
                            }
                        ]
                    }
                }, metadata: publisher.metadata)
            let application = try await jobs.submitBountyApplication(
                .with {
                    $0.requestID = UUID().text
                    $0.bountyID = bounty.bountyID
                    $0.kind = .individual
                    $0.proposal = "Two-pass labelling with review."
                }, metadata: winner.metadata)
            _ = try await jobs.reviewBountyApplication(
                .with {
                    $0.requestID = UUID().text
                    $0.applicationID = application.applicationID
                    $0.qualified = true
                }, metadata: jobsOfficer.metadata)
            _ = try await jobs.claimBounty(
                .with {
                    $0.requestID = UUID().text
                    $0.applicationID = application.applicationID
                }, metadata: winner.metadata)
            guard planned.completed else { continue }
            _ = try await jobs.completeBounty(
                .with {
                    $0.requestID = UUID().text
                    $0.bountyID = bounty.bountyID
                    $0.reward = .with {
                        $0.currencyCode = "CNY"; $0.minorUnits = 4_000_000
                    }
                }, metadata: publisher.metadata)
        }

        // The one-card catalogue: applications, decisions by the entry's
        // department, ratings by the applicants.
        let catalogue = try await identity.listCatalogue(.with { $0.page.pageSize = 100 }, metadata: callMetadata())
        let entries = Array(
            catalogue.entries
                .filter { $0.audience == .nomad || $0.audience == .both }
                .sorted { $0.code < $1.code }
                .prefix(ScenarioPlan.entries))
        guard entries.count == ScenarioPlan.entries else {
            throw ChildProcessError("the catalogue has \(entries.count) entries open to nomads, the plan needs \(ScenarioPlan.entries)")
        }
        for application in plan.applications {
            let applicant = nomadList[application.nomad].caller
            let entry = entries[application.entry]
            let submitted = try await identity.submitApplication(
                .with {
                    $0.requestID = UUID().text
                    $0.serviceCode = entry.code
                    $0.form = ["purpose": "seeded scenario"]
                }, metadata: applicant.metadata)
            guard let approve = application.decision else { continue }
            _ = try await identity.decideApplication(
                .with {
                    $0.requestID = UUID().text
                    $0.id = submitted.id
                    $0.approve = approve
                    $0.reason = approve ? "" : "材料不全"
                }, metadata: TestCaller.make(.officer, department: entry.department).metadata)
            guard let stars = application.stars else { continue }
            _ = try await identity.rateApplication(
                .with {
                    $0.requestID = UUID().text
                    $0.id = submitted.id
                    $0.stars = Int32(stars)
                }, metadata: applicant.metadata)
        }
        // Proof of work: labelling tasks reviewed by an assets officer, POW
        // exchanged for points, points redeemed at a merchant.
        let assets = Nomad_Assets_V1_AssetsService.Client(wrapping: try suite["assets"].client)
        let assetsOfficer = TestCaller.make(.officer, department: "data")
        let merchant = try await assets.registerMerchant(
            .with {
                $0.requestID = UUID().text
                $0.name = .with {
                    $0.zhCn = "儋州东坡书院咖啡"; $0.en = "Dongpo Academy Cafe"
                }
                $0.scene = "dining"
            }, metadata: TestCaller.make(.officer, department: "culture_tourism").metadata)
        for (index, planned) in plan.contributions.enumerated() {
            let contributor = nomadList[planned.nomad].caller
            let contribution = try await assets.submitContribution(
                .with {
                    $0.requestID = UUID().text
                    $0.poolCode = "culture_tourism_consumption"
                    $0.kind = .labelling
                    $0.evidenceHash = String(format: "%064x", index + 1)
                    $0.workUnits = planned.hours
                    $0.workUnitLabel = "hours"
                    $0.qualityScore = 100
                }, metadata: contributor.metadata)
            _ = try await assets.reviewContribution(
                .with {
                    $0.requestID = UUID().text
                    $0.contributionID = contribution.contributionID
                    $0.accept = planned.accepted
                    $0.note = planned.accepted ? "" : "标注质量不足"
                }, metadata: assetsOfficer.metadata)
            if planned.exchanged > 0 {
                _ = try await assets.exchangePow(
                    .with {
                        $0.requestID = UUID().text
                        $0.powUnits = planned.exchanged
                    }, metadata: contributor.metadata)
            }
            if planned.redeemed > 0 {
                _ = try await assets.redeemPoints(
                    .with {
                        $0.requestID = UUID().text
                        $0.merchantID = merchant.merchantID
                        $0.points = planned.redeemed
                        $0.memo = "咖啡"
                    }, metadata: contributor.metadata)
            }
        }

        // Revenue reports for last month, decided by an analytics officer.
        let analytics = Nomad_Analytics_V1_AnalyticsService.Client(wrapping: try suite["analytics"].client)
        let officer = TestCaller.make(.officer, department: "tax")
        let month = ScenarioDriver.lastMonth()
        for report in plan.reports {
            let reporter = report.individual ? nomadList[report.reporter].caller : enterprises[report.reporter]
            let submitted = try await analytics.submitRevenueReport(
                .with {
                    $0.requestID = UUID().text
                    $0.individual = report.individual
                    $0.period = .with {
                        $0.from = month.from.message; $0.to = month.to.message
                    }
                    $0.revenue = .with {
                        $0.currencyCode = "CNY"; $0.minorUnits = report.revenueMinor
                    }
                    $0.tax = .with {
                        $0.currencyCode = "CNY"; $0.minorUnits = report.taxMinor
                    }
                    $0.evidenceHashes = [String(repeating: "cd", count: 32)]
                }, metadata: reporter.metadata)
            _ = try await analytics.decideRevenueReport(
                .with {
                    $0.requestID = UUID().text
                    $0.reportID = submitted.reportID
                    $0.confirm = report.confirmed
                    $0.reason = report.confirmed ? "" : "证据不足"
                }, metadata: officer.metadata)
        }
        return ScenarioRun(entries: entries, enterprises: enterprises)
    }
}
