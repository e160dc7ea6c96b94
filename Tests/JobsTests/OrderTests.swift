import Foundation
import GRPCCore
@testable import Jobs
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

@Suite("Remote orders")
struct OrderTests {
    @Test("an application is accepted, delivered by milestones, completed, verified and rated")
    func fullLife() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise(), nomad = env.nomad()
            let job = try await env.insertJob(
                by: enterprise, skills: [("software.mobile.ios", 3, 5, true), ("design.ui", 2, 2, false)], claimable: false)
            let applied = try await env.applyToJob(job, by: nomad)
            #expect(applied.status == .applied)
            #expect(applied.nomadID == nomad.id)
            #expect(applied.enterpriseID == enterprise.id)
            #expect(try await env.seats(of: job).taken == 0)
            #expect(try await env.app.outboxCount(type: "jobs.application.submitted", subject: applied.orderID) == 1)

            let start = ZoneDay.today().adding(days: 7)
            let active = try await env.acceptApplication(
                applied, by: enterprise, contract: JobsEnv.contract(.serviceOrder, start: start, months: 3))
            #expect(active.status == .active)
            #expect(active.contract.kind == .serviceOrder)
            #expect(ZoneDay(active.contract.startDate) == start)
            #expect(active.contract.hasSignedAt)
            #expect(!active.contract.longTerm)
            let seats = try await env.seats(of: job)
            #expect(seats.taken == 1 && seats.status == 2)
            let signed = try await env.outboxPayloadJSON(type: "jobs.contract.signed", subject: active.orderID)
            #expect(signed["whole_months"] as? Int == 3)
            #expect(signed["long_term"] as? Bool == false)

            let planned = try await env.setMilestones(
                active,
                [
                    JobsEnv.milestone("Design", days: 7, amount: 300_000),
                    JobsEnv.milestone("Ship", days: 30, amount: 500_000),
                ], by: enterprise)
            #expect(planned.milestones.map(\.title) == ["Design", "Ship"])
            #expect(planned.milestones.allSatisfy { $0.status == .pending && !$0.overdue })

            var order = try await env.submitDelivery(planned, milestone: 0, by: nomad)
            #expect(order.milestones[0].status == .delivered)
            #expect(order.milestones[0].evidenceHash == JobsEnv.evidence)
            #expect(order.status == .active)
            order = try await env.acceptDelivery(order, milestone: 0, by: enterprise)
            #expect(order.milestones[0].status == .accepted)
            #expect(order.status == .active)
            order = try await env.submitDelivery(order, milestone: 1, by: nomad)
            #expect(order.status == .delivered)
            #expect(try await env.verified(nomad, "software.mobile.ios") == nil)
            order = try await env.acceptDelivery(order, milestone: 1, by: enterprise)
            #expect(order.status == .completed)
            #expect(order.hasCompletedAt)
            // The work filled the seat: completing does not give it back.
            #expect(try await env.seats(of: job).taken == 1)
            let ios = try await env.verified(nomad, "software.mobile.ios")
            #expect(ios?.level == 3 && ios?.source == 2)
            #expect(try await env.verified(nomad, "design.ui")?.level == 2)
            let completed = try await env.outboxPayloadJSON(type: "jobs.order.completed", subject: order.orderID)
            #expect(completed["skill_codes"] as? [String] == ["software.mobile.ios", "design.ui"])
            #expect(completed["budget_minor"] as? Int == 800_000)

            order = try await env.rateOrder(order, stars: 5, by: enterprise, comment: "Fast and careful")
            #expect(order.ratingByEnterprise.stars == 5)
            #expect(order.ratingByEnterprise.comment == "Fast and careful")
            #expect(!order.hasRatingByNomad)
            order = try await env.rateOrder(order, stars: 4, by: nomad)
            #expect(order.ratingByNomad.stars == 4)
            await expectRPCError(.failedPrecondition) { _ = try await env.rateOrder(order, stars: 3, by: enterprise) }
            await expectRPCError(.failedPrecondition) { _ = try await env.rateOrder(order, stars: 3, by: nomad) }
            let read = try await env.client.getOrder(.with { $0.orderID = order.orderID }, metadata: nomad.metadata)
            #expect(read.ratingByEnterprise.stars == 5 && read.ratingByNomad.stars == 4)
        }
    }

    @Test("an order without milestones is delivered and accepted as a whole")
    func wholeDelivery() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise(), nomad = env.nomad()
            let (_, order) = try await env.activeOrder(enterprise: enterprise, nomad: nomad)
            await expectRPCError(.failedPrecondition) { _ = try await env.acceptDelivery(order, by: enterprise) }
            let delivered = try await env.submitDelivery(order, milestone: 7, by: nomad)
            #expect(delivered.status == .delivered)
            await expectRPCError(.failedPrecondition) { _ = try await env.submitDelivery(order, by: nomad) }
            await expectRPCError(.failedPrecondition) {
                _ = try await env.setMilestones(order, [JobsEnv.milestone("Late plan")], by: enterprise)
            }
            let completed = try await env.acceptDelivery(order, by: enterprise)
            #expect(completed.status == .completed)
            await expectRPCError(.failedPrecondition) { _ = try await env.acceptDelivery(order, by: enterprise) }
            #expect(try await env.app.outboxCount(type: "jobs.order.completed", subject: order.orderID) == 1)
        }
    }

    @Test("applying: refusals, one live application per nomad, and idempotency")
    func applying() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise(), nomad = env.nomad()
            let bounty = try await env.insertJob(by: enterprise, mode: .openBounty)
            await expectRPCError(.failedPrecondition) { _ = try await env.applyToJob(bounty, by: nomad) }
            let closed = try await env.insertJob(by: enterprise, status: .closed)
            await expectRPCError(.failedPrecondition) { _ = try await env.applyToJob(closed, by: nomad) }
            let late = try await env.insertJob(by: enterprise, deadline: Date().addingTimeInterval(-60))
            let lateMessage = await expectRPCError(.failedPrecondition) { _ = try await env.applyToJob(late, by: nomad) }
            #expect(lateMessage?.contains("deadline") == true)
            let missing = Nomad_Jobs_V1_Job.with { $0.jobID = UUID().uuidString }
            await expectRPCError(.notFound) { _ = try await env.applyToJob(missing, by: nomad) }
            await expectRPCError(.invalidArgument) {
                _ = try await env.applyToJob(Nomad_Jobs_V1_Job.with { $0.jobID = "not-a-uuid" }, by: nomad)
            }

            let job = try await env.insertJob(by: enterprise, claimable: false)
            let zh = await expectRPCError(.invalidArgument) {
                _ = try await env.client.applyToJob(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.jobID = job.jobID
                        $0.coverNote = String(repeating: "好", count: 2001)
                    }, metadata: nomad.metadata(language: "zh-CN"))
            }
            #expect(zh?.contains("cover_note") == true && zh?.contains("过长") == true)
            #expect(try await env.orderCount(job: job) == 0)

            let requestID = UUID().uuidString
            let first = try await env.applyToJob(job, by: nomad, requestID: requestID)
            let retry = try await env.applyToJob(job, by: nomad, requestID: requestID)
            #expect(first == retry)
            #expect(try await env.orderCount(job: job) == 1)
            #expect(try await env.app.outboxCount(type: "jobs.application.submitted", subject: first.orderID) == 1)
            await expectRPCError(.alreadyExists) { _ = try await env.applyToJob(job, by: nomad) }
            // Another nomad may still apply: applications hold no seat.
            #expect(try await env.applyToJob(job, by: env.nomad()).status == .applied)
        }
    }

    @Test("accepting: ownership, the contract's rules, a second accept, idempotency")
    func accepting() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise(), nomad = env.nomad()
            let job = try await env.insertJob(by: enterprise, claimable: false)
            let applied = try await env.applyToJob(job, by: nomad)
            await expectRPCError(.permissionDenied) { _ = try await env.acceptApplication(applied, by: env.enterprise()) }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.acceptApplication(
                    .with {
                        $0.requestID = UUID().uuidString; $0.orderID = applied.orderID; $0.contract = JobsEnv.contract()
                    }, metadata: nomad.metadata)
            }
            await expectRPCError(.notFound) {
                _ = try await env.acceptApplication(Nomad_Jobs_V1_Order.with { $0.orderID = UUID().uuidString }, by: enterprise)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.acceptApplication(
                    .with {
                        $0.requestID = UUID().uuidString; $0.orderID = applied.orderID
                    }, metadata: enterprise.metadata)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.acceptApplication(applied, by: enterprise, contract: JobsEnv.contract(.unspecified))
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.acceptApplication(applied, by: enterprise, contract: .with { $0.kind = .serviceOrder })
            }
            let start = ZoneDay.today()
            let backwards = Nomad_Jobs_V1_Contract.with {
                $0.kind = .serviceOrder; $0.startDate = start.message; $0.endDate = start.adding(days: -1).message
            }
            let zh = await expectRPCError(.invalidArgument) {
                _ = try await env.client.acceptApplication(
                    .with {
                        $0.requestID = UUID().uuidString; $0.orderID = applied.orderID; $0.contract = backwards
                    }, metadata: enterprise.metadata(language: "zh-CN"))
            }
            #expect(zh?.contains("不能早于开始日期") == true)
            // Bad input changed nothing.
            #expect(try await env.seats(of: job).taken == 0)
            #expect(try await env.client.getOrder(.with { $0.orderID = applied.orderID }, metadata: nomad.metadata).status == .applied)

            let requestID = UUID().uuidString
            let accepted = try await env.acceptApplication(applied, by: enterprise, requestID: requestID)
            let retry = try await env.acceptApplication(applied, by: enterprise, requestID: requestID)
            #expect(accepted == retry)
            #expect(try await env.seats(of: job).taken == 1)
            #expect(try await env.app.outboxCount(type: "jobs.contract.signed", subject: accepted.orderID) == 1)
            await expectRPCError(.failedPrecondition) { _ = try await env.acceptApplication(applied, by: enterprise) }
        }
    }

    @Test("a long-contract job needs a contract of a year or more")
    func longContract() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise(), nomad = env.nomad()
            let job = try await env.insertJob(by: enterprise, mode: .longContract, claimable: false)
            let applied = try await env.applyToJob(job, by: nomad)
            let start = ZoneDay.today()
            await expectRPCError(.invalidArgument) {
                _ = try await env.acceptApplication(
                    applied, by: enterprise, contract: JobsEnv.contract(.employment, start: start, months: 11))
            }
            let almost = Nomad_Jobs_V1_Contract.with {
                $0.kind = .employment; $0.startDate = start.message; $0.endDate = start.adding(months: 12).adding(days: -2).message
            }
            await expectRPCError(.invalidArgument) { _ = try await env.acceptApplication(applied, by: enterprise, contract: almost) }
            await expectRPCError(.invalidArgument) {
                _ = try await env.acceptApplication(
                    applied, by: enterprise, contract: JobsEnv.contract(.employment, start: start, months: nil))
            }
            let signed = try await env.acceptApplication(
                applied, by: enterprise, contract: JobsEnv.contract(.employment, start: start, months: 12))
            #expect(signed.contract.longTerm)
            let payload = try await env.outboxPayloadJSON(type: "jobs.contract.signed", subject: signed.orderID)
            #expect(payload["long_term"] as? Bool == true)
            #expect(payload["whole_months"] as? Int == 12)
            #expect(payload["mode"] as? Int == Nomad_Jobs_V1_JobMode.longContract.rawValue)
        }
    }

    @Test("rejecting an application")
    func rejecting() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise(), nomad = env.nomad()
            let job = try await env.insertJob(by: enterprise, claimable: false)
            let applied = try await env.applyToJob(job, by: nomad)
            func reject(_ by: JobsEnv.Caller, reason: String) async throws -> Nomad_Jobs_V1_Order {
                try await env.client.rejectApplication(
                    .with {
                        $0.requestID = UUID().uuidString; $0.orderID = applied.orderID; $0.reason = reason
                    }, metadata: by.metadata)
            }
            await expectRPCError(.invalidArgument) { _ = try await reject(enterprise, reason: "  ") }
            await expectRPCError(.permissionDenied) { _ = try await reject(env.enterprise(), reason: "No") }
            let rejected = try await reject(enterprise, reason: "We need Swift 6 experience")
            #expect(rejected.status == .rejected)
            #expect(rejected.rejectReason == "We need Swift 6 experience")
            await expectRPCError(.failedPrecondition) { _ = try await reject(enterprise, reason: "Again") }
            await expectRPCError(.failedPrecondition) { _ = try await env.acceptApplication(applied, by: enterprise) }
            await expectRPCError(.failedPrecondition) { _ = try await env.cancelOrder(applied, by: nomad) }
            // A rejected application is no longer live: the nomad may apply again.
            #expect(try await env.applyToJob(job, by: nomad).status == .applied)
        }
    }

    @Test("milestones: within budget, due in the future, in the budget's currency, replaced until a delivery")
    func milestones() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise(), nomad = env.nomad()
            let (_, order) = try await env.activeOrder(enterprise: enterprise, nomad: nomad)
            let bad: [[Nomad_Jobs_V1_Milestone]] = [
                [],
                [JobsEnv.milestone("A", amount: 500_000), JobsEnv.milestone("B", amount: 300_001)],
                [JobsEnv.milestone("Past", days: -1)],
                [JobsEnv.milestone("Dollars", currency: "USD")],
                [JobsEnv.milestone("Negative", amount: -1)],
                [JobsEnv.milestone("")],
                (0..<21).map { JobsEnv.milestone("M\($0)", amount: 1) },
            ]
            for plan in bad {
                await expectRPCError(.invalidArgument) { _ = try await env.setMilestones(order, plan, by: enterprise) }
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.setMilestones(order, [JobsEnv.milestone("A")], by: env.enterprise())
            }
            let first = try await env.setMilestones(order, [JobsEnv.milestone("A"), JobsEnv.milestone("B")], by: enterprise)
            #expect(first.milestones.count == 2)
            let full = try await env.setMilestones(order, [JobsEnv.milestone("All", amount: 800_000)], by: enterprise)
            #expect(full.milestones.map(\.title) == ["All"])
            #expect(full.milestones[0].amount.minorUnits == 800_000)
            _ = try await env.submitDelivery(full, milestone: 0, by: nomad)
            await expectRPCError(.failedPrecondition) {
                _ = try await env.setMilestones(order, [JobsEnv.milestone("Again")], by: enterprise)
            }

            let job2 = try await env.insertJob(by: enterprise, claimable: false)
            let applied = try await env.applyToJob(job2, by: nomad)
            await expectRPCError(.failedPrecondition) {
                _ = try await env.setMilestones(applied, [JobsEnv.milestone("Early")], by: enterprise)
            }
        }
    }

    @Test("delivering: only the assignee, valid evidence and index, once per milestone")
    func delivering() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise(), nomad = env.nomad()
            let (_, active) = try await env.activeOrder(enterprise: enterprise, nomad: nomad)
            let order = try await env.setMilestones(active, [JobsEnv.milestone("A"), JobsEnv.milestone("B")], by: enterprise)
            await expectRPCError(.permissionDenied) { _ = try await env.submitDelivery(order, by: env.nomad()) }
            await expectRPCError(.invalidArgument) { _ = try await env.submitDelivery(order, by: nomad, hash: "abc") }
            await expectRPCError(.invalidArgument) {
                _ = try await env.submitDelivery(order, by: nomad, hash: String(repeating: "g", count: 64))
            }
            await expectRPCError(.invalidArgument) { _ = try await env.submitDelivery(order, by: nomad, hash: "") }
            await expectRPCError(.invalidArgument) { _ = try await env.submitDelivery(order, milestone: 2, by: nomad) }
            await expectRPCError(.invalidArgument) { _ = try await env.submitDelivery(order, milestone: -1, by: nomad) }
            await expectRPCError(.failedPrecondition) { _ = try await env.acceptDelivery(order, milestone: 1, by: enterprise) }

            let requestID = UUID().uuidString
            let delivered = try await env.submitDelivery(
                order, milestone: 1, by: nomad, hash: JobsEnv.evidence.uppercased(), requestID: requestID)
            #expect(delivered.milestones[1].status == .delivered)
            #expect(delivered.milestones[1].evidenceHash == JobsEnv.evidence)
            #expect(
                try await env.submitDelivery(order, milestone: 1, by: nomad, hash: JobsEnv.evidence.uppercased(), requestID: requestID)
                    == delivered)
            await expectRPCError(.failedPrecondition) { _ = try await env.submitDelivery(order, milestone: 1, by: nomad) }
            await expectRPCError(.permissionDenied) { _ = try await env.acceptDelivery(order, milestone: 1, by: env.enterprise()) }
            #expect(try await env.acceptDelivery(order, milestone: 1, by: enterprise).milestones[1].status == .accepted)
            await expectRPCError(.failedPrecondition) { _ = try await env.acceptDelivery(order, milestone: 1, by: enterprise) }
        }
    }

    @Test("rating: completed orders only, parties only, stars 1 to 5")
    func rating() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise(), nomad = env.nomad()
            let (_, active) = try await env.activeOrder(enterprise: enterprise, nomad: nomad)
            await expectRPCError(.failedPrecondition) { _ = try await env.rateOrder(active, stars: 5, by: enterprise) }
            _ = try await env.submitDelivery(active, by: nomad)
            let order = try await env.acceptDelivery(active, by: enterprise)
            await expectRPCError(.invalidArgument) { _ = try await env.rateOrder(order, stars: 0, by: enterprise) }
            let zh = await expectRPCError(.invalidArgument) {
                _ = try await env.client.rateOrder(
                    .with {
                        $0.requestID = UUID().uuidString; $0.orderID = order.orderID; $0.stars = 6
                    }, metadata: nomad.metadata(language: "zh-CN"))
            }
            #expect(zh?.contains("1 到 5") == true)
            await expectRPCError(.invalidArgument) {
                _ = try await env.rateOrder(order, stars: 4, by: nomad, comment: String(repeating: "x", count: 1001))
            }
            await expectRPCError(.permissionDenied) { _ = try await env.rateOrder(order, stars: 4, by: env.nomad()) }
            await expectRPCError(.permissionDenied) { _ = try await env.rateOrder(order, stars: 4, by: env.enterprise()) }
            let requestID = UUID().uuidString
            let rated = try await env.rateOrder(order, stars: 4, by: nomad, requestID: requestID)
            #expect(try await env.rateOrder(order, stars: 4, by: nomad, requestID: requestID) == rated)
            #expect(rated.ratingByNomad.stars == 4)
            #expect(!rated.hasRatingByEnterprise)
        }
    }

    @Test("cancelling gives the seat back, once, by a party, with a reason")
    func cancelling() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise(), nomad = env.nomad()
            let (job, order) = try await env.activeOrder(enterprise: enterprise, nomad: nomad)
            #expect(try await env.seats(of: job) == (2, 1))
            await expectRPCError(.invalidArgument) { _ = try await env.cancelOrder(order, by: nomad, reason: "") }
            await expectRPCError(.permissionDenied) { _ = try await env.cancelOrder(order, by: env.nomad()) }
            await expectRPCError(.permissionDenied) { _ = try await env.cancelOrder(order, by: env.enterprise()) }
            let requestID = UUID().uuidString
            let cancelled = try await env.cancelOrder(order, by: enterprise, reason: "Budget withdrawn", requestID: requestID)
            #expect(cancelled.status == .cancelled)
            #expect(cancelled.cancelReason == "Budget withdrawn")
            #expect(try await env.cancelOrder(order, by: enterprise, reason: "Budget withdrawn", requestID: requestID) == cancelled)
            #expect(try await env.seats(of: job) == (1, 0))
            #expect(try await env.app.outboxCount(type: "jobs.order.cancelled", subject: order.orderID) == 1)
            await expectRPCError(.failedPrecondition) { _ = try await env.cancelOrder(order, by: nomad) }
            await expectRPCError(.failedPrecondition) { _ = try await env.submitDelivery(order, by: nomad) }

            // An application holds no seat: cancelling it leaves the count alone.
            let other = env.nomad()
            let applied = try await env.applyToJob(job, by: other)
            _ = try await env.acceptApplication(try await env.applyToJob(job, by: nomad), by: enterprise)
            #expect(try await env.seats(of: job) == (2, 1))
            #expect(try await env.cancelOrder(applied, by: other).status == .cancelled)
            #expect(try await env.seats(of: job) == (2, 1))

            let (_, completed) = try await env.completedOrder(enterprise: enterprise, nomad: nomad)
            await expectRPCError(.failedPrecondition) { _ = try await env.cancelOrder(completed, by: nomad) }
        }
    }

    @Test("reading orders: parties and staff; lists narrowed to what the caller may see")
    func reading() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise(), nomad = env.nomad(), otherNomad = env.nomad()
            let job = try await env.insertJob(by: enterprise, seats: 3, claimable: false)
            let first = try await env.applyToJob(job, by: nomad)
            let second = try await env.applyToJob(job, by: otherNomad)
            let otherEnterprise = env.enterprise()
            let foreignJob = try await env.insertJob(by: otherEnterprise, claimable: false)
            let foreign = try await env.applyToJob(foreignJob, by: nomad)
            _ = try await env.acceptApplication(first, by: enterprise)

            for caller in [nomad, enterprise, env.officer(), env.admin()] {
                #expect(
                    try await env.client.getOrder(.with { $0.orderID = first.orderID }, metadata: caller.metadata).orderID == first.orderID)
            }
            for caller in [otherNomad, otherEnterprise] {
                await expectRPCError(.permissionDenied) {
                    _ = try await env.client.getOrder(.with { $0.orderID = first.orderID }, metadata: caller.metadata)
                }
            }
            await expectRPCError(.notFound) {
                _ = try await env.client.getOrder(.with { $0.orderID = UUID().uuidString }, metadata: nomad.metadata)
            }

            func list(
                _ caller: JobsEnv.Caller, _ configure: (inout Nomad_Jobs_V1_ListOrdersRequest) -> Void = { _ in }
            ) async throws -> [String] {
                var request = Nomad_Jobs_V1_ListOrdersRequest()
                configure(&request)
                return try await env.client.listOrders(request, metadata: caller.metadata).orders.map(\.orderID)
            }
            #expect(try await list(nomad) == [foreign.orderID, first.orderID])
            #expect(try await list(nomad) { $0.nomadID = nomad.id } == [foreign.orderID, first.orderID])
            #expect(try await list(nomad) { $0.status = .active } == [first.orderID])
            #expect(try await list(nomad) { $0.jobID = foreignJob.jobID } == [foreign.orderID])
            await expectRPCError(.permissionDenied) { _ = try await list(nomad) { $0.nomadID = otherNomad.id } }
            #expect(try await list(enterprise) == [second.orderID, first.orderID])
            #expect(try await list(enterprise) { $0.status = .applied } == [second.orderID])
            #expect(try await list(enterprise) { $0.jobID = job.jobID } == [second.orderID, first.orderID])
            await expectRPCError(.permissionDenied) { _ = try await list(enterprise) { $0.jobID = foreignJob.jobID } }
            await expectRPCError(.notFound) { _ = try await list(enterprise) { $0.jobID = UUID().uuidString } }
            await expectRPCError(.permissionDenied) { _ = try await list(enterprise) { $0.nomadID = nomad.id } }
            #expect(try await list(env.officer()) { $0.nomadID = nomad.id } == [foreign.orderID, first.orderID])
            #expect(try await list(env.admin()) { $0.jobID = job.jobID }.count == 2)
            await expectRPCError(.invalidArgument) { _ = try await list(nomad) { $0.status = .UNRECOGNIZED(42) } }

            var request = Nomad_Jobs_V1_ListOrdersRequest()
            request.page.pageSize = 1
            let page1 = try await env.client.listOrders(request, metadata: env.officer().metadata)
            #expect(page1.orders.count == 1 && !page1.page.nextPageToken.isEmpty)
            request.page.pageToken = page1.page.nextPageToken
            let page2 = try await env.client.listOrders(request, metadata: env.officer().metadata)
            #expect(page2.orders.count == 1 && page2.orders[0].orderID != page1.orders[0].orderID)
        }
    }

    @Test("20 applications accepted at once on a 5-seat job: exactly 5 get a seat")
    func concurrentAccepts() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise()
            let job = try await env.insertJob(by: enterprise, seats: 5, claimable: false)
            var applications: [Nomad_Jobs_V1_Order] = []
            for _ in 0..<20 { applications.append(try await env.applyToJob(job, by: env.nomad())) }
            let outcomes = try await withThrowingTaskGroup(of: RPCError.Code?.self) { group in
                for application in applications {
                    group.addTask {
                        do {
                            _ = try await env.acceptApplication(application, by: enterprise)
                            return nil
                        } catch let error as RPCError {
                            return error.code
                        }
                    }
                }
                var codes: [RPCError.Code?] = []
                for try await code in group { codes.append(code) }
                return codes
            }
            #expect(outcomes.filter { $0 == nil }.count == 5)
            #expect(outcomes.filter { $0 == .failedPrecondition }.count == 15)
            #expect(try await env.seats(of: job) == (2, 5))
            var request = Nomad_Jobs_V1_ListOrdersRequest()
            request.jobID = job.jobID
            request.status = .active
            #expect(try await env.client.listOrders(request, metadata: enterprise.metadata).orders.count == 5)
        }
    }
}
