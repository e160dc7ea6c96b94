import Foundation
import GRPCCore
@testable import Jobs
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

extension JobsEnv {
    func ingest(
        _ jobs: [Nomad_Jobs_V1_Job], by enterprise: Caller, language: String = "en"
    ) async throws -> Nomad_Jobs_V1_IngestJobsResponse {
        try await client.ingestJobs(
            metadata: enterprise.metadata(language: language),
            requestProducer: { writer in
                for job in jobs { try await writer.write(.with { $0.job = job }) }
            })
    }
}

@Suite struct IngestTests {
    static func feed() -> [Nomad_Jobs_V1_Job] {
        let deadline = Date().addingTimeInterval(20 * 86400)
        var negative = JobsEnv.posting(externalID: "ERP-4")
        negative.budget.minorUnits = -100
        return [
            JobsEnv.posting(
                title: "Labelling street photos", skills: [("data.labelling.image", 1, 5, true)], seats: 30,
                deadline: deadline, externalID: "ERP-1"),
            JobsEnv.posting(
                title: "Cross-border shop", skills: [("跨境电商", 2, 5, true)], mode: .flexible,
                deadline: deadline, externalID: "ERP-2"),
            negative,
            JobsEnv.posting(title: "Second copy of ERP-1", deadline: deadline, externalID: "ERP-1"),
            JobsEnv.posting(
                title: "Backend", skills: [("software.backend", 3, 5, true)], mode: .longContract,
                claimable: false, deadline: deadline, externalID: "ERP-3"),
            JobsEnv.posting(title: "No external id", deadline: deadline),
        ]
    }

    @Test func aStreamUpsertsGoodItemsAndRejectsBadOnesWithoutStopping() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise()
            let response = try await env.ingest(Self.feed(), by: enterprise, language: "zh-CN")
            #expect(response.results.map(\.index) == [0, 1, 2, 3, 4, 5])
            #expect(response.results.map(\.outcome) == [.created, .created, .rejected, .rejected, .created, .rejected])
            #expect((response.created, response.updated, response.unchanged, response.rejected) == (3, 0, 0, 3))
            #expect(response.results[2].errorCode == "INVALID_ARGUMENT")
            #expect(response.results[2].errorMessage.contains("budget"))
            #expect(response.results[3].externalID == "ERP-1")
            #expect(response.results[3].errorCode == "INVALID_ARGUMENT")
            #expect(response.results[3].errorMessage == "字段 external_id 无效：同一数据流中外部编号重复")
            #expect(response.results[5].errorMessage == "缺少必填字段：external_id")

            let listed = try await env.listJobs(by: enterprise, enterprise: enterprise.id).jobs
            #expect(Set(listed.map(\.externalID)) == ["ERP-1", "ERP-2", "ERP-3"])
            #expect(listed.allSatisfy { $0.enterpriseID == enterprise.id })
            let erp1 = try #require(listed.first { $0.externalID == "ERP-1" })
            #expect(erp1.title == "Labelling street photos" && erp1.seats == 30)
            #expect(response.results[0].jobID == erp1.jobID)
            let erp2 = try #require(listed.first { $0.externalID == "ERP-2" })
            #expect(erp2.requiredSkills.map(\.skillCode) == ["commerce.cross-border"])
            #expect(try await env.app.outboxCount(type: "jobs.posting.published", subject: erp1.jobID) == 1)
        }
    }

    @Test func replayingAStreamChangesNothing() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise()
            let feed = Self.feed()
            let first = try await env.ingest(feed, by: enterprise)
            let before = try await env.listJobs(by: enterprise, enterprise: enterprise.id).jobs
            let replay = try await env.ingest(feed, by: enterprise)
            #expect(replay.results.map(\.outcome) == [.unchanged, .unchanged, .rejected, .rejected, .unchanged, .rejected])
            #expect((replay.created, replay.updated, replay.unchanged, replay.rejected) == (0, 0, 3, 3))
            #expect(replay.results.map(\.jobID) == first.results.map(\.jobID))
            #expect(try await env.listJobs(by: enterprise, enterprise: enterprise.id).jobs == before)
            for job in before {
                #expect(try await env.app.outboxCount(type: "jobs.posting.published", subject: job.jobID) == 1)
                #expect(try await env.app.outboxCount(type: "jobs.posting.updated", subject: job.jobID) == 0)
            }
        }
    }

    @Test func changedContentUpdatesTheJobAndOtherEnterprisesKeepTheirOwnIDs() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise(), other = env.enterprise()
            let deadline = Date().addingTimeInterval(5 * 86400)
            let created = try await env.ingest([JobsEnv.posting(title: "v1", deadline: deadline, externalID: "X")], by: enterprise)
            let updated = try await env.ingest(
                [JobsEnv.posting(title: "v2", seats: 3, deadline: deadline, externalID: "X")], by: enterprise)
            #expect(updated.results[0].outcome == .updated && updated.updated == 1)
            #expect(updated.results[0].jobID == created.results[0].jobID)
            let job = try await env.client.getJob(.with { $0.jobID = created.results[0].jobID }, metadata: enterprise.metadata)
            #expect(job.title == "v2" && job.seats == 3)
            #expect(try await env.app.outboxCount(type: "jobs.posting.updated", subject: job.jobID) == 1)

            let theirs = try await env.ingest([JobsEnv.posting(title: "v1", deadline: deadline, externalID: "X")], by: other)
            #expect(theirs.results[0].outcome == .created && theirs.results[0].jobID != job.jobID)
        }
    }

    /// Orders rest on a job's mode and seats: once a seat is taken the mode
    /// stays and seats cannot drop below those taken; a closed job stays as it is.
    @Test func updatesThatWouldBreakOrdersOrReviveAClosedJobAreRejected() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise()
            let deadline = Date().addingTimeInterval(5 * 86400)
            func posting(
                seats: Int32, mode: Nomad_Jobs_V1_JobMode = .remoteOrder, title: String = "t", id: String = "S"
            ) -> Nomad_Jobs_V1_Job {
                JobsEnv.posting(title: title, mode: mode, seats: seats, deadline: deadline, externalID: id)
            }
            let created = try await env.ingest([posting(seats: 3)], by: enterprise)
            let job = try await env.client.getJob(.with { $0.jobID = created.results[0].jobID }, metadata: enterprise.metadata)
            _ = try await env.claimJob(job, by: env.nomad())
            _ = try await env.claimJob(job, by: env.nomad())

            let refused = try await env.ingest([posting(seats: 1), posting(seats: 3, mode: .flexible, id: "S")], by: enterprise)
            #expect(refused.results.map(\.outcome) == [.rejected, .rejected])
            #expect(refused.results.map(\.errorCode) == ["FAILED_PRECONDITION", "INVALID_ARGUMENT"])

            let filled = try await env.ingest([posting(seats: 2)], by: enterprise)
            #expect(filled.results[0].outcome == .updated)
            var read = try await env.client.getJob(.with { $0.jobID = job.jobID }, metadata: enterprise.metadata)
            #expect(read.seats == 2 && read.seatsTaken == 2 && read.status == .filled)
            let reopened = try await env.ingest([posting(seats: 5)], by: enterprise)
            #expect(reopened.results[0].outcome == .updated)
            read = try await env.client.getJob(.with { $0.jobID = job.jobID }, metadata: enterprise.metadata)
            #expect(read.seats == 5 && read.status == .open)
            let modeChange = try await env.ingest([posting(seats: 5, mode: .flexible)], by: enterprise)
            #expect(modeChange.results[0].errorCode == "FAILED_PRECONDITION")

            _ = try await env.client.closeJob(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.jobID = job.jobID
                    $0.reason = "done"
                }, metadata: enterprise.metadata)
            let closed = try await env.ingest([posting(seats: 6, title: "revived")], by: enterprise)
            #expect(closed.results[0].errorCode == "FAILED_PRECONDITION")
            #expect(try await env.client.getJob(.with { $0.jobID = job.jobID }, metadata: enterprise.metadata).title == "t")
        }
    }

    @Test func concurrentStreamsOfOneExternalIDMakeOneJob() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise()
            let posting = JobsEnv.posting(title: "raced", seats: 2, deadline: Date().addingTimeInterval(86400), externalID: "RACE")
            let outcomes = try await withThrowingTaskGroup(of: Nomad_Jobs_V1_IngestResult.self) { group in
                for _ in 0..<10 {
                    group.addTask { try await env.ingest([posting], by: enterprise).results[0] }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0.outcome == .created }.count == 1)
            #expect(outcomes.filter { $0.outcome == .unchanged }.count == 9)
            #expect(Set(outcomes.map(\.jobID)).count == 1)
            #expect(try await env.listJobs(by: enterprise, enterprise: enterprise.id).jobs.count == 1)
        }
    }

    @Test func onlyEnterprisesIngestAndAnEmptyStreamIsEmpty() async throws {
        try await withJobs { env in
            await expectRPCError(.permissionDenied) { _ = try await env.ingest([JobsEnv.posting(externalID: "A")], by: env.nomad()) }
            let empty = try await env.ingest([], by: env.enterprise())
            #expect(empty.results.isEmpty && empty.created == 0 && empty.rejected == 0)
        }
    }
}
