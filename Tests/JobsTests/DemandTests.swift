import Foundation
import GRPCCore
@testable import Jobs
import Logging
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

extension JobsEnv {
    func listJobs(
        by caller: Caller, enterprise: String = "", skill: String = "", mode: Nomad_Jobs_V1_JobMode = .unspecified,
        status: Nomad_Jobs_V1_JobStatus = .unspecified, pageSize: Int32 = 100, token: String = ""
    ) async throws -> Nomad_Jobs_V1_ListJobsResponse {
        try await client.listJobs(
            .with {
                $0.enterpriseID = enterprise
                $0.skillCode = skill
                $0.mode = mode
                $0.status = status
                $0.page = .with {
                    $0.pageSize = pageSize; $0.pageToken = token
                }
            }, metadata: caller.metadata)
    }
}

@Suite struct DemandTests {
    @Test func publishedJobIsStoredAsSentWithItsEventAndReadableByAnyone() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise()
            let deadline = Date().addingTimeInterval(10 * 86400)
            let job = try await env.publishJob(
                by: enterprise, skills: [("software.mobile.ios", 3, 5, true), ("Swift", 2, 3, false)], mode: .flexible,
                seats: 4, budgetMinor: 1_200_000, deadline: deadline, tools: ["Xcode", "xcode", "Figma"],
                languages: ["zh-CN", "en"], externalID: "HR-7")
            #expect(job.enterpriseID == enterprise.id)
            #expect(job.status == .open)
            #expect(job.seats == 4 && job.seatsTaken == 0)
            #expect(job.mode == .flexible && job.claimable)
            #expect(job.externalID == "HR-7")
            #expect(job.tools == ["Xcode", "Figma"])
            #expect(job.budget.minorUnits == 1_200_000 && job.budget.currencyCode == "CNY")
            #expect(Set(job.requiredSkills.map(\.skillCode)) == ["software.mobile.ios", "software.languages.swift"])
            #expect(abs(job.deadline.date.timeIntervalSince(deadline)) < 0.001)
            #expect(try await env.app.outboxCount(type: "jobs.posting.published", subject: job.jobID) == 1)

            let read = try await env.client.getJob(.with { $0.jobID = job.jobID }, metadata: env.nomad().metadata)
            #expect(read == job)
        }
    }

    @Test func publishingTwiceWithOneRequestIDMakesOneJob() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise()
            let request = Nomad_Jobs_V1_PublishJobRequest.with {
                $0.requestID = UUID().uuidString
                $0.job = JobsEnv.posting()
            }
            let first = try await env.client.publishJob(request, metadata: enterprise.metadata)
            let second = try await env.client.publishJob(request, metadata: enterprise.metadata)
            #expect(first == second)
            #expect(try await env.listJobs(by: enterprise, enterprise: enterprise.id).jobs.count == 1)
            #expect(try await env.app.outboxCount(type: "jobs.posting.published", subject: first.jobID) == 1)
        }
    }

    @Test func badPostingsAreRefusedAndChangeNothing() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise()
            func refuse(_ job: Nomad_Jobs_V1_Job, language: String = "en") async -> String? {
                await expectRPCError(.invalidArgument) {
                    _ = try await env.client.publishJob(
                        .with {
                            $0.requestID = UUID().uuidString
                            $0.job = job
                        }, metadata: enterprise.metadata(language: language))
                }
            }
            var job = JobsEnv.posting()
            job.budget.minorUnits = -1
            #expect(await refuse(job)?.contains("budget") == true)
            let unknown = await refuse(JobsEnv.posting(skills: [("software.quantum", 3, 5, true)]), language: "zh-CN")
            #expect(unknown == "技能库中没有该技能：software.quantum")
            _ = await refuse(JobsEnv.posting(skills: [("software.mobile.ios", 0, 5, true)]))
            _ = await refuse(JobsEnv.posting(skills: [("software.mobile.ios", 6, 5, true)]))
            _ = await refuse(JobsEnv.posting(skills: [("software.mobile.ios", 3, 11, true)]))
            let twice = await refuse(JobsEnv.posting(skills: [("software.mobile.ios", 3, 5, true), ("iOS 开发", 2, 1, false)]))
            #expect(twice?.contains("software.mobile.ios") == true)
            _ = await refuse(JobsEnv.posting(skills: []))
            _ = await refuse(JobsEnv.posting(mode: .unspecified))
            let bounty = await refuse(JobsEnv.posting(mode: .openBounty))
            #expect(bounty?.contains("PublishBounty") == true)
            _ = await refuse(JobsEnv.posting(mode: .longContract, claimable: true))
            _ = await refuse(JobsEnv.posting(seats: 0))
            _ = await refuse(JobsEnv.posting(seats: 10_001))
            _ = await refuse(JobsEnv.posting(deadline: Date().addingTimeInterval(-60)))
            _ = await refuse(JobsEnv.posting(title: String(repeating: "标", count: 201)))
            _ = await refuse(JobsEnv.posting(title: "  "))
            _ = await refuse(JobsEnv.posting(languages: ["not a tag"]))
            job = JobsEnv.posting()
            job.budget.currencyCode = "yuan"
            _ = await refuse(job)
            #expect(try await env.listJobs(by: enterprise, enterprise: enterprise.id).jobs.isEmpty)
            // A long contract without direct claims is a valid posting.
            let contract = try await env.publishJob(by: enterprise, mode: .longContract, claimable: false)
            #expect(contract.mode == .longContract && !contract.claimable)
        }
    }

    @Test func getJobRefusesBadAndUnknownIDs() async throws {
        try await withJobs { env in
            let nomad = env.nomad()
            await expectRPCError(.invalidArgument) { _ = try await env.client.getJob(.with { $0.jobID = "x" }, metadata: nomad.metadata) }
            await expectRPCError(.notFound) {
                _ = try await env.client.getJob(.with { $0.jobID = UUID().uuidString }, metadata: nomad.metadata)
            }
        }
    }

    @Test func demandListFiltersBySkillSubtreeModeEnterpriseAndStatusNewestFirst() async throws {
        try await withJobs { env in
            let a = env.enterprise(), b = env.enterprise(), nomad = env.nomad()
            let ios = try await env.publishJob(by: a, skills: [("software.mobile.ios", 3, 5, true)])
            let android = try await env.publishJob(by: a, skills: [("software.mobile.android", 3, 5, true)], mode: .flexible)
            let labelling = try await env.publishJob(by: b, skills: [("data.labelling", 1, 5, true)], seats: 20)
            let web = try await env.publishJob(by: b, skills: [("software.web", 2, 5, true)], mode: .longContract, claimable: false)

            #expect(try await env.listJobs(by: nomad).jobs.map(\.jobID) == [web, labelling, android, ios].map(\.jobID))
            #expect(try await env.listJobs(by: nomad, skill: "software.mobile").jobs.map(\.jobID) == [android, ios].map(\.jobID))
            #expect(try await env.listJobs(by: nomad, skill: "software").jobs.count == 3)
            #expect(try await env.listJobs(by: nomad, skill: "data.labelling").jobs.map(\.jobID) == [labelling.jobID])
            #expect(try await env.listJobs(by: nomad, mode: .flexible).jobs.map(\.jobID) == [android.jobID])
            #expect(try await env.listJobs(by: nomad, enterprise: b.id).jobs.map(\.jobID) == [web, labelling].map(\.jobID))
            #expect(try await env.listJobs(by: nomad, skill: "games").jobs.isEmpty)

            let page1 = try await env.listJobs(by: nomad, pageSize: 3)
            #expect(page1.jobs.count == 3 && !page1.page.nextPageToken.isEmpty)
            let page2 = try await env.listJobs(by: nomad, pageSize: 3, token: page1.page.nextPageToken)
            #expect(page2.jobs.map(\.jobID) == [ios.jobID] && page2.page.nextPageToken.isEmpty)

            _ = try await env.client.closeJob(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.jobID = ios.jobID
                    $0.reason = "hired elsewhere"
                }, metadata: a.metadata)
            #expect(try await env.listJobs(by: nomad).jobs.count == 3)
            #expect(try await env.listJobs(by: nomad, status: .closed).jobs.map(\.jobID) == [ios.jobID])

            await expectRPCError(.invalidArgument) { _ = try await env.listJobs(by: nomad, skill: "software.quantum") }
            await expectRPCError(.invalidArgument) { _ = try await env.listJobs(by: nomad, skill: "Software Mobile") }
            await expectRPCError(.invalidArgument) { _ = try await env.listJobs(by: nomad, enterprise: "acme") }
        }
    }

    @Test func summaryCountsOpenSeatsPerSkillMostFirst() async throws {
        try await withJobs { env in
            let a = env.enterprise(), b = env.enterprise(), nomad = env.nomad()
            let ios = try await env.publishJob(
                by: a, skills: [("software.mobile.ios", 3, 5, true), ("design.ui", 2, 2, false)], seats: 3)
            _ = try await env.publishJob(by: b, skills: [("data.labelling", 1, 5, true)], seats: 50)
            _ = try await env.publishJob(
                by: b, skills: [("data.labelling", 2, 5, true), ("design.ui", 3, 5, true)], mode: .flexible, seats: 5)
            let closed = try await env.publishJob(by: a, skills: [("games", 2, 5, true)], seats: 9)
            _ = try await env.client.closeJob(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.jobID = closed.jobID
                    $0.reason = "cancelled"
                }, metadata: a.metadata)
            _ = try await env.claimJob(ios, by: env.nomad())

            let summary = try await env.client.summarizeDemand(.init(), metadata: nomad.metadata(language: "zh-CN"))
            let rows = summary.skills.map { ($0.skillCode, $0.openJobs, $0.openSeats, $0.essentialIn) }
            #expect(rows.map(\.0) == ["data.labelling", "design.ui", "software.mobile.ios"])
            #expect(rows.map(\.1) == [2, 2, 1])
            #expect(rows.map(\.2) == [55, 7, 2])
            #expect(rows.map(\.3) == [2, 1, 1])
            #expect(summary.skills[0].name.zhCn == "数据标注" && summary.skills[0].name.en == "Data labelling")

            let ofA = try await env.client.summarizeDemand(.with { $0.enterpriseID = a.id }, metadata: nomad.metadata)
            #expect(
                ofA.skills.map(\.skillCode) == ["design.ui", "software.mobile.ios"]
                    || ofA.skills.map(\.skillCode) == ["software.mobile.ios", "design.ui"])
            #expect(ofA.skills.allSatisfy { $0.openSeats == 2 })
            let flexible = try await env.client.summarizeDemand(.with { $0.mode = .flexible }, metadata: nomad.metadata)
            #expect(flexible.skills.map(\.openSeats) == [5, 5])
            let paged = try await env.client.summarizeDemand(.with { $0.page.pageSize = 2 }, metadata: nomad.metadata)
            #expect(paged.skills.count == 2 && !paged.page.nextPageToken.isEmpty)
        }
    }

    /// A posting whose deadline passed takes no claims or applications, so the
    /// demand list and its summary leave it out even before anyone closes it.
    @Test func postingsPastTheirDeadlineLeaveTheDemandList() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise(), nomad = env.nomad()
            let live = try await env.publishJob(by: enterprise, skills: [("photography", 2, 5, true)], seats: 2)
            let lapsed = try await env.publishJob(by: enterprise, skills: [("photography", 2, 5, true)], seats: 7)
            let lapsedID = UUID(uuidString: lapsed.jobID)!
            _ = try await env.app.withSchemaConnection { tx in
                try await tx.query(
                    "UPDATE jobs SET deadline = now() - interval '1 hour' WHERE id = \(lapsedID)")
            }
            let listed = try await env.client.listJobs(.with { $0.skillCode = "photography" }, metadata: nomad.metadata)
            #expect(listed.jobs.map(\.jobID) == [live.jobID])
            let summary = try await env.client.summarizeDemand(.with { $0.enterpriseID = enterprise.id }, metadata: nomad.metadata)
            #expect(summary.skills.map(\.openSeats) == [2])
            await expectRPCError(.failedPrecondition) { _ = try await env.claimJob(lapsed, by: nomad) }
        }
    }

    @Test func closingBelongsToTheOwnerOrStaffAndHappensOnce() async throws {
        try await withJobs { env in
            let owner = env.enterprise(), other = env.enterprise()
            let job = try await env.publishJob(by: owner, seats: 2)
            func close(
                _ id: String, by caller: JobsEnv.Caller, requestID: String = UUID().uuidString, reason: String = "filled offline"
            ) async throws -> Nomad_Jobs_V1_Job {
                try await env.client.closeJob(
                    .with {
                        $0.requestID = requestID
                        $0.jobID = id
                        $0.reason = reason
                    }, metadata: caller.metadata)
            }
            await expectRPCError(.permissionDenied) { _ = try await close(job.jobID, by: other) }
            await expectRPCError(.invalidArgument) { _ = try await close(job.jobID, by: owner, reason: "") }
            await expectRPCError(.notFound) { _ = try await close(UUID().uuidString, by: owner) }
            #expect(try await env.client.getJob(.with { $0.jobID = job.jobID }, metadata: owner.metadata).status == .open)

            let requestID = UUID().uuidString
            let closed = try await close(job.jobID, by: owner, requestID: requestID)
            #expect(closed.status == .closed)
            #expect(try await close(job.jobID, by: owner, requestID: requestID) == closed)
            await expectRPCError(.failedPrecondition) { _ = try await close(job.jobID, by: owner) }
            #expect(try await env.app.outboxCount(type: "jobs.posting.closed", subject: job.jobID) == 1)
            await expectRPCError(.failedPrecondition) { _ = try await env.claimJob(job, by: env.nomad()) }

            let second = try await env.publishJob(by: owner)
            #expect(try await close(second.jobID, by: env.officer()).status == .closed)
            let third = try await env.publishJob(by: owner)
            #expect(try await close(third.jobID, by: env.admin()).status == .closed)
        }
    }

    @Test func concurrentClosesLetExactlyOneThrough() async throws {
        try await withJobs { env in
            let owner = env.enterprise()
            let job = try await env.publishJob(by: owner)
            let outcomes = try await withThrowingTaskGroup(of: RPCError.Code?.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        do {
                            _ = try await env.client.closeJob(
                                .with {
                                    $0.requestID = UUID().uuidString
                                    $0.jobID = job.jobID
                                    $0.reason = "race"
                                }, metadata: owner.metadata)
                            return nil
                        } catch let error as RPCError {
                            return error.code
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == nil }.count == 1)
            #expect(outcomes.filter { $0 == .failedPrecondition }.count == 11)
            #expect(try await env.app.outboxCount(type: "jobs.posting.closed", subject: job.jobID) == 1)
        }
    }
}
