import Foundation
import GRPCCore
@testable import Jobs
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// ListJobs and ListBounties without a token, for the portal's signed-out
/// pages: open items only, and nothing of who applied, won or reported.
@Suite struct JobsPublicReadTests {
    @Test func anonymousCallersListOnlyOpenJobsWithoutInternalReferences() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise(), officer = env.officer()
            let open = try await env.publishJob(by: enterprise, title: "Open job", externalID: "ERP-42")
            let closed = try await env.publishJob(by: enterprise, title: "Closed job")
            _ = try await env.client.closeJob(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.jobID = closed.jobID
                    $0.reason = "hired elsewhere"
                }, metadata: enterprise.metadata)
            let bounty = try await env.publishBounty(by: officer)

            let anonymous = try await env.client.listJobs(.init(), metadata: callMetadata()).jobs
            let signedIn = try await env.client.listJobs(.init(), metadata: env.nomad().metadata).jobs
            #expect(Set(anonymous.map(\.jobID)) == Set(signedIn.map(\.jobID)))
            #expect(anonymous.count == 2 && anonymous.allSatisfy { $0.status == .open })
            #expect(!anonymous.contains { $0.jobID == closed.jobID })
            let publicOpen = try #require(anonymous.first { $0.jobID == open.jobID })
            #expect(publicOpen.externalID.isEmpty && publicOpen.enterpriseID == enterprise.id)
            #expect(publicOpen.title == "Open job" && publicOpen.budget == open.budget)
            #expect(signedIn.first { $0.jobID == open.jobID }?.externalID == "ERP-42")
            // The bounty's companion job: no publisher id (an officer published it).
            let companion = try #require(anonymous.first { $0.mode == .openBounty })
            #expect(companion.enterpriseID.isEmpty && companion.title == bounty.title)
            // Filters work anonymously; other statuses need a signed-in caller.
            #expect(
                try await env.client.listJobs(
                    .with {
                        $0.status = .open; $0.mode = .remoteOrder
                    }, metadata: callMetadata()
                )
                .jobs.map(\.jobID) == [open.jobID])
            for status in [Nomad_Jobs_V1_JobStatus.closed, .filled] {
                let refusal = await expectRPCError(.unauthenticated) {
                    _ = try await env.client.listJobs(.with { $0.status = status }, metadata: callMetadata())
                }
                #expect(refusal?.contains("sign in") == true)
            }
            #expect(
                try await env.client.listJobs(.with { $0.status = .closed }, metadata: enterprise.metadata)
                    .jobs.map(\.jobID) == [closed.jobID])
        }
    }

    @Test func anonymousCallersListOnlyOpenBountiesWithoutApplicantsWinnersOrReports() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise(), officer = env.officer()
            let byEnterprise = try await env.publishBounty(by: enterprise, JobsEnv.bountyDraft(title: "Enterprise bounty"))
            let byOfficer = try await env.publishBounty(by: officer, JobsEnv.bountyDraft(title: "Bureau bounty"))
            let started = try await env.publishBounty(by: enterprise, JobsEnv.bountyDraft(title: "Started bounty"))
            _ = try await env.submitBountyApplication(byEnterprise, by: env.nomad())
            let (winner, application) = try await env.qualifiedApplicant(started, officer: officer)
            _ = try await env.claimBounty(application, by: winner)
            _ = try await env.reportBountyProgress(started, by: winner, percent: 40, note: "Wang Fang labelled the first 40%")

            let anonymous = try await env.client.listBounties(.init(), metadata: callMetadata()).bounties
            #expect(Set(anonymous.map(\.bountyID)) == [byEnterprise.bountyID, byOfficer.bountyID])
            #expect(anonymous.allSatisfy { $0.status == .open && $0.winnerApplicationIds.isEmpty })
            #expect(anonymous.allSatisfy { $0.milestones.allSatisfy { $0.lastReport.isEmpty && $0.progressPercent == 0 } })
            #expect(anonymous.first { $0.bountyID == byEnterprise.bountyID }?.publisherID == enterprise.id)
            #expect(anonymous.first { $0.bountyID == byOfficer.bountyID }?.publisherID == "")
            #expect(try await env.client.listBounties(.with { $0.status = .open }, metadata: callMetadata()).bounties.count == 2)
            for status in [Nomad_Jobs_V1_BountyStatus.inProgress, .completed, .cancelled] {
                await expectRPCError(.unauthenticated) {
                    _ = try await env.client.listBounties(.with { $0.status = status }, metadata: callMetadata())
                }
            }
            // Signed in, as before: every status, winners and reports included.
            let signedIn = try await env.client.listBounties(.init(), metadata: env.nomad().metadata).bounties
            #expect(signedIn.count == 3)
            let progress = try #require(signedIn.first { $0.bountyID == started.bountyID })
            #expect(progress.winnerApplicationIds == [application.applicationID])
            #expect(progress.milestones[0].lastReport.contains("Wang Fang"))
        }
    }
}
