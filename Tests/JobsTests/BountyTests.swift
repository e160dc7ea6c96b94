import Foundation
import GRPCCore
@testable import Jobs
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

@Suite struct BountyTests {
    // MARK: publishing

    @Test func publishingOpensTheBountyWithACompanionJobAndIsIdempotent() async throws {
        try await withJobs { env in
            try await env.ensureSkills(["data.labelling", "ai.training"])
            let officer = env.officer()
            let draft = JobsEnv.bountyDraft(
                places: 2, kinds: [.team, .studio], skills: [("data.labelling", 3), ("ai.training", 2)],
                certifiedOnly: true, maxTeamSize: 5)
            let requestID = UUID().uuidString
            let bounty = try await env.publishBounty(by: officer, draft, requestID: requestID)
            #expect(bounty.status == .open)
            #expect(bounty.publisherID == officer.id)
            #expect(bounty.winnerPlaces == 2)
            #expect(bounty.budget.minorUnits == 5_000_000 && bounty.budget.currencyCode == "CNY")
            #expect(bounty.qualification.applicantKinds == [.team, .studio])
            #expect(bounty.qualification.requiredSkills.map(\.skillCode) == ["data.labelling", "ai.training"])
            #expect(bounty.qualification.certifiedOnly && bounty.qualification.maxTeamSize == 5)
            #expect(bounty.milestones.map(\.title) == ["Labelling guide", "Delivery"])
            #expect(bounty.milestones.allSatisfy { $0.progressPercent == 0 && !$0.overdue })
            #expect(bounty.winnerApplicationIds.isEmpty && !bounty.hasRewardPaid)

            let again = try await env.publishBounty(by: officer, draft, requestID: requestID)
            #expect(again == bounty)
            #expect(try await env.bountySQLCount("SELECT count(*) FROM bounties") == 1)
            #expect(try await env.app.outboxCount(type: "jobs.bounty.published", subject: bounty.bountyID) == 1)

            // The companion job: found with the rest of the demand, not claimable.
            let id = UUID(uuidString: bounty.bountyID)!
            #expect(
                try await env.bountySQLCount(
                    """
                    SELECT count(*) FROM jobs j JOIN bounties b ON b.job_id = j.id
                    WHERE b.id = \(id) AND j.mode = 4 AND j.seats = 2 AND j.seats_taken = 0 AND NOT j.claimable
                      AND j.status = 1 AND j.enterprise_id = b.publisher_id AND j.budget_minor = 5000000
                    """) == 1)
            #expect(
                try await env.bountySQLCount(
                    """
                    SELECT count(*) FROM job_skills s JOIN bounties b ON b.job_id = s.job_id WHERE b.id = \(id)
                    """) == 2)

            let enterprise = env.enterprise()
            let byEnterprise = try await env.publishBounty(by: enterprise)
            #expect(byEnterprise.publisherID == enterprise.id)
            let read = try await env.client.getBounty(.with { $0.bountyID = bounty.bountyID }, metadata: env.nomad().metadata)
            #expect(read == bounty)
            #expect(try await env.listBountyAudit(bounty, by: officer).map(\.action) == ["bounty.published"])
        }
    }

    @Test func publishingRefusesBadInputAndChangesNothing() async throws {
        try await withJobs { env in
            try await env.ensureSkills(["data.labelling"])
            let enterprise = env.enterprise()
            let past = Date().addingTimeInterval(-3600)
            var noBudget = JobsEnv.bountyDraft()
            noBudget.clearBudget()
            let cases: [(String, Nomad_Jobs_V1_Bounty)] = [
                ("winner_places", JobsEnv.bountyDraft(places: 0)),
                ("winner_places", JobsEnv.bountyDraft(places: 101)),
                ("deadline", JobsEnv.bountyDraft(deadline: past)),
                ("budget", JobsEnv.bountyDraft(budgetMinor: -1)),
                ("budget", noBudget),
                ("currency_code", JobsEnv.bountyDraft(currency: "yuan")),
                ("title", JobsEnv.bountyDraft(title: "")),
                ("title", JobsEnv.bountyDraft(title: String(repeating: "榜", count: 201))),
                ("min_level", JobsEnv.bountyDraft(skills: [("data.labelling", 6)])),
                ("max_team_size", JobsEnv.bountyDraft(maxTeamSize: 51)),
                ("milestones.due", JobsEnv.bountyDraft(milestones: [("Late", past)])),
                ("software.unknown", JobsEnv.bountyDraft(skills: [("software.unknown", 2)])),
            ]
            for (field, draft) in cases {
                let message = await expectRPCError(.invalidArgument) { _ = try await env.publishBounty(by: enterprise, draft) }
                #expect(message?.contains(field) == true, "\(field): \(message ?? "")")
            }
            let zh = await expectRPCError(.invalidArgument) {
                _ = try await env.client.publishBounty(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.bounty = JobsEnv.bountyDraft(places: 0)
                    }, metadata: enterprise.metadata(language: "zh-CN"))
            }
            #expect(zh?.contains("须在 1 到 100 之间") == true, "\(zh ?? "")")
            #expect(try await env.bountySQLCount("SELECT count(*) FROM bounties") == 0)
            #expect(try await env.bountySQLCount("SELECT count(*) FROM jobs WHERE mode = 4") == 0)
        }
    }

    // MARK: applying

    @Test func applicationsFollowTheQualificationRules() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise()
            let teamsOnly = try await env.publishBounty(by: enterprise, JobsEnv.bountyDraft(kinds: [.team], maxTeamSize: 3))
            let lead = env.nomad(), member = env.nomad(), other = env.nomad()

            let requestID = UUID().uuidString
            let team = try await env.submitBountyApplication(
                teamsOnly, by: lead, kind: .team, teamName: "椰林标注队", members: [member, other], requestID: requestID)
            #expect(team.status == .submitted && team.kind == .team && team.teamName == "椰林标注队")
            #expect(team.leadID == lead.id && team.memberIds == [lead.id, member.id, other.id])
            let retried = try await env.submitBountyApplication(
                teamsOnly, by: lead, kind: .team, teamName: "椰林标注队", members: [member, other], requestID: requestID)
            #expect(retried == team)
            await expectRPCError(.alreadyExists) {
                _ = try await env.submitBountyApplication(teamsOnly, by: lead, kind: .team, teamName: "Again", members: [member])
            }

            let solo = env.nomad()
            await expectRPCError(.failedPrecondition) { _ = try await env.submitBountyApplication(teamsOnly, by: solo, kind: .individual) }
            await expectRPCError(.failedPrecondition) {
                _ = try await env.submitBountyApplication(
                    teamsOnly, by: solo, kind: .team, teamName: "Four",
                    members: [env.nomad(), env.nomad(), env.nomad()])
            }
            let unspecified = await expectRPCError(.invalidArgument) {
                _ = try await env.submitBountyApplication(teamsOnly, by: solo, kind: .unspecified)
            }
            #expect(unspecified?.contains("kind") == true)
            await expectRPCError(.invalidArgument) {
                _ = try await env.submitBountyApplication(teamsOnly, by: solo, kind: .team, members: [member])
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.submitBountyApplication(teamsOnly, by: solo, kind: .team, teamName: "No one")
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.submitBountyApplication(teamsOnly, by: solo, kind: .team, teamName: "Me", members: [solo])
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.submitBountyApplication(teamsOnly, by: solo, kind: .team, teamName: "Twice", members: [member, member])
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.submitBountyApplication(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.bountyID = teamsOnly.bountyID
                        $0.kind = .team
                        $0.teamName = "Bad ids"
                        $0.memberIds = ["not-a-uuid"]
                        $0.proposal = "x"
                    }, metadata: solo.metadata)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.submitBountyApplication(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.bountyID = teamsOnly.bountyID
                        $0.kind = .team
                        $0.teamName = "Bad hash"
                        $0.memberIds = [member.id]
                        $0.proposal = "x"
                        $0.evidenceHash = "abc"
                    }, metadata: solo.metadata)
            }
            await expectRPCError(.notFound) {
                _ = try await env.client.submitBountyApplication(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.bountyID = UUID().uuidString
                        $0.kind = .individual
                        $0.proposal = "x"
                    }, metadata: solo.metadata)
            }

            let individual = try await env.publishBounty(by: enterprise)
            await expectRPCError(.invalidArgument) {
                _ = try await env.submitBountyApplication(individual, by: solo, kind: .individual, members: [member])
            }
            let hash = String(repeating: "ab", count: 32).uppercased()
            let withEvidence = try await env.client.submitBountyApplication(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.bountyID = individual.bountyID
                    $0.kind = .individual
                    $0.proposal = "Solo, 10 years of labelling."
                    $0.evidenceHash = hash
                }, metadata: solo.metadata)
            #expect(withEvidence.evidenceHash == hash.lowercased() && withEvidence.memberIds == [solo.id])

            let certifiedOnly = try await env.publishBounty(by: enterprise, JobsEnv.bountyDraft(certifiedOnly: true))
            let registered = env.nomad(standing: .registered)
            let refusal = await expectRPCError(.failedPrecondition) {
                _ = try await env.client.submitBountyApplication(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.bountyID = certifiedOnly.bountyID
                        $0.kind = .individual
                        $0.proposal = "x"
                    }, metadata: registered.metadata(language: "zh-CN"))
            }
            #expect(refusal?.contains("仅接受已认证") == true, "\(refusal ?? "")")
            _ = try await env.submitBountyApplication(certifiedOnly, by: env.nomad(standing: .settled))

            // After the deadline the list takes no more applications.
            let id = UUID(uuidString: individual.bountyID)!
            try await env.bountySQLExec("UPDATE bounties SET deadline = now() - interval '1 minute' WHERE id = \(id)")
            await expectRPCError(.failedPrecondition) { _ = try await env.submitBountyApplication(individual, by: env.nomad()) }

            #expect(try await env.bountySQLCount("SELECT count(*) FROM bounty_applications") == 3)
            #expect(try await env.app.outboxCount(type: "jobs.bounty.applied", subject: team.applicationID) == 1)
        }
    }

    // MARK: review

    @Test func reviewChecksRequiredSkillsOnceAndNeedsAReasonToDisqualify() async throws {
        try await withJobs { env in
            try await env.ensureSkills(["software.mobile.ios", "design.ui"])
            let officer = env.officer()
            let bounty = try await env.publishBounty(
                by: env.enterprise(),
                JobsEnv.bountyDraft(
                    skills: [("software.mobile.ios", 3), ("design.ui", 2)]))

            let weak = env.nomad()
            try await env.declareSkills(of: weak, [("software.mobile.ios", 4), ("design.ui", 1)])
            let weakApplication = try await env.submitBountyApplication(bounty, by: weak)
            let missing = await expectRPCError(.failedPrecondition) {
                _ = try await env.reviewBountyApplication(weakApplication, by: officer)
            }
            #expect(missing?.contains("design.ui") == true, "\(missing ?? "")")

            // A team qualifies on its members' skills together.
            let lead = env.nomad(), designer = env.nomad()
            try await env.declareSkills(of: lead, [("software.mobile.ios", 3)])
            try await env.declareSkills(of: designer, [("design.ui", 5)])
            let team = try await env.submitBountyApplication(bounty, by: lead, kind: .team, teamName: "Reef", members: [designer])
            let requestID = UUID().uuidString
            let qualified = try await env.reviewBountyApplication(team, by: officer, requestID: requestID)
            #expect(qualified.status == .qualified)
            #expect(try await env.reviewBountyApplication(team, by: officer, requestID: requestID) == qualified)
            await expectRPCError(.failedPrecondition) { _ = try await env.reviewBountyApplication(team, by: officer) }

            let noReason = await expectRPCError(.invalidArgument) {
                _ = try await env.reviewBountyApplication(weakApplication, by: officer, qualified: false)
            }
            #expect(noReason?.contains("reason") == true)
            let disqualified = try await env.reviewBountyApplication(
                weakApplication, by: officer, qualified: false, reason: "UI design below level 2")
            #expect(disqualified.status == .disqualified && disqualified.reviewReason == "UI design below level 2")

            await expectRPCError(.notFound) {
                _ = try await env.client.reviewBountyApplication(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.applicationID = UUID().uuidString
                        $0.qualified = true
                    }, metadata: officer.metadata)
            }
            let actions = try await env.listBountyAudit(bounty, by: officer).map(\.action)
            #expect(
                actions == [
                    "bounty.published", "application.submitted", "application.submitted",
                    "application.qualified", "application.disqualified",
                ])
        }
    }

    // MARK: claiming

    @Test func onlyAQualifiedLeadClaimsAndASingleWinnerListTakesNoSecond() async throws {
        try await withJobs { env in
            let officer = env.officer()
            let enterprise = env.enterprise()
            let bounty = try await env.publishBounty(by: enterprise)
            let (winner, winning) = try await env.qualifiedApplicant(bounty, officer: officer)
            let (runnerUp, second) = try await env.qualifiedApplicant(bounty, officer: officer)
            let early = env.nomad()
            let unreviewed = try await env.submitBountyApplication(bounty, by: early)
            let notYet = await expectRPCError(.failedPrecondition) { _ = try await env.claimBounty(unreviewed, by: early) }
            #expect(notYet?.contains("not qualified yet") == true, "\(notYet ?? "")")
            await expectRPCError(.permissionDenied) { _ = try await env.claimBounty(winning, by: runnerUp) }
            await expectRPCError(.notFound) {
                _ = try await env.client.claimBounty(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.applicationID = UUID().uuidString
                    }, metadata: winner.metadata)
            }

            let requestID = UUID().uuidString
            let won = try await env.claimBounty(winning, by: winner, requestID: requestID)
            #expect(won.status == .won && won.hasSignedAt)
            #expect(try await env.claimBounty(winning, by: winner, requestID: requestID) == won)

            let secondClaim = await expectRPCError(.failedPrecondition) { _ = try await env.claimBounty(second, by: runnerUp) }
            #expect(secondClaim?.contains("winner place") == true, "\(secondClaim ?? "")")
            let started = try await env.client.getBounty(.with { $0.bountyID = bounty.bountyID }, metadata: winner.metadata)
            #expect(started.status == .inProgress && started.winnerApplicationIds == [winning.applicationID])

            let applications = try await env.client.listBountyApplications(
                .with {
                    $0.bountyID = bounty.bountyID
                }, metadata: enterprise.metadata
            ).applications
            #expect(applications.map(\.status) == [.won, .notSelected, .notSelected])
            await expectRPCError(.failedPrecondition) { _ = try await env.submitBountyApplication(bounty, by: env.nomad()) }

            let id = UUID(uuidString: bounty.bountyID)!
            #expect(
                try await env.bountySQLCount(
                    """
                    SELECT count(*) FROM jobs j JOIN bounties b ON b.job_id = j.id
                    WHERE b.id = \(id) AND j.seats_taken = 1 AND j.status = 3
                    """) == 1)
            #expect(try await env.app.outboxCount(type: "jobs.bounty.won", subject: bounty.bountyID) == 1)
            let payload = try await env.app.outboxPayloadText(type: "jobs.bounty.won", subject: winning.applicationID) ?? ""
            #expect(payload.contains(winner.id) && payload.contains("\"filled\": true"), "\(payload)")
        }
    }

    @Test func aDisqualifiedApplicationCannotClaim() async throws {
        try await withJobs { env in
            let officer = env.officer()
            let bounty = try await env.publishBounty(by: env.enterprise())
            let nomad = env.nomad()
            let application = try await env.submitBountyApplication(bounty, by: nomad)
            _ = try await env.reviewBountyApplication(application, by: officer, qualified: false, reason: "Off topic")
            await expectRPCError(.failedPrecondition) { _ = try await env.claimBounty(application, by: nomad) }
            #expect(try await env.bountySQLCount("SELECT count(*) FROM bounties WHERE winners = 0 AND status = 1") == 1)
        }
    }

    // MARK: supervision and completion

    @Test func winnersReportProgressUpwardAndOverdueIsComputedAtRead() async throws {
        try await withJobs { env in
            let officer = env.officer()
            let bounty = try await env.publishBounty(by: env.enterprise(), JobsEnv.bountyDraft(places: 2))
            let (first, firstApplication) = try await env.qualifiedApplicant(bounty, officer: officer)
            let (second, secondApplication) = try await env.qualifiedApplicant(bounty, officer: officer)
            let (loser, _) = try await env.qualifiedApplicant(bounty, officer: officer)
            _ = try await env.claimBounty(firstApplication, by: first)
            // One place of two taken: the work has not started yet.
            await expectRPCError(.failedPrecondition) { _ = try await env.reportBountyProgress(bounty, by: first, percent: 10) }
            _ = try await env.claimBounty(secondApplication, by: second)

            await expectRPCError(.permissionDenied) { _ = try await env.reportBountyProgress(bounty, by: loser, percent: 10) }
            await expectRPCError(.invalidArgument) { _ = try await env.reportBountyProgress(bounty, by: first, milestone: 2, percent: 10) }
            await expectRPCError(.invalidArgument) { _ = try await env.reportBountyProgress(bounty, by: first, milestone: -1, percent: 10) }
            await expectRPCError(.invalidArgument) { _ = try await env.reportBountyProgress(bounty, by: first, percent: 101) }
            await expectRPCError(.invalidArgument) {
                _ = try await env.reportBountyProgress(bounty, by: first, percent: 10, note: String(repeating: "x", count: 2001))
            }

            let requestID = UUID().uuidString
            let reported = try await env.reportBountyProgress(bounty, by: first, percent: 40, note: "Guide drafted", requestID: requestID)
            #expect(reported.milestones[0].progressPercent == 40 && reported.milestones[0].lastReport == "Guide drafted")
            #expect(
                try await env.reportBountyProgress(bounty, by: first, percent: 40, note: "Guide drafted", requestID: requestID) == reported)
            let lower = await expectRPCError(.invalidArgument) { _ = try await env.reportBountyProgress(bounty, by: second, percent: 30) }
            #expect(lower?.contains("40") == true)
            let done = try await env.reportBountyProgress(bounty, by: second, percent: 100, note: "Guide published")
            #expect(done.milestones[0].progressPercent == 100)

            // Time passes: both milestones are due; only the unfinished one is overdue.
            let id = UUID(uuidString: bounty.bountyID)!
            try await env.bountySQLExec("UPDATE bounty_milestones SET due = now() - interval '1 day' WHERE bounty_id = \(id)")
            let late = try await env.client.getBounty(.with { $0.bountyID = bounty.bountyID }, metadata: officer.metadata)
            #expect(late.milestones.map(\.overdue) == [false, true])
            let audit = try await env.listBountyAudit(bounty, by: officer).filter { $0.action == "bounty.progress_reported" }
            #expect(audit.map(\.applicationID) == [firstApplication.applicationID, secondApplication.applicationID])
        }
    }

    @Test func thePublisherOrAnOfficerCompletesWithinTheBudget() async throws {
        try await withJobs { env in
            let officer = env.officer()
            let enterprise = env.enterprise()
            let bounty = try await env.publishBounty(by: enterprise)
            await expectRPCError(.failedPrecondition) { _ = try await env.completeBounty(bounty, by: enterprise, rewardMinor: 1) }
            let (winner, application) = try await env.qualifiedApplicant(bounty, officer: officer)
            _ = try await env.claimBounty(application, by: winner)

            await expectRPCError(.permissionDenied) { _ = try await env.completeBounty(bounty, by: env.enterprise(), rewardMinor: 1) }
            let above = await expectRPCError(.invalidArgument) {
                _ = try await env.client.completeBounty(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.bountyID = bounty.bountyID
                        $0.reward = .with {
                            $0.currencyCode = "CNY"; $0.minorUnits = 5_000_001
                        }
                    }, metadata: enterprise.metadata(language: "zh-CN"))
            }
            #expect(above?.contains("不能超过预算") == true, "\(above ?? "")")
            await expectRPCError(.invalidArgument) {
                _ = try await env.completeBounty(bounty, by: enterprise, rewardMinor: 100, currency: "USD")
            }
            await expectRPCError(.notFound) {
                _ = try await env.client.completeBounty(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.bountyID = UUID().uuidString
                        $0.reward = .with {
                            $0.currencyCode = "CNY"; $0.minorUnits = 1
                        }
                    }, metadata: enterprise.metadata)
            }

            let requestID = UUID().uuidString
            let completed = try await env.completeBounty(bounty, by: enterprise, rewardMinor: 4_500_000, requestID: requestID)
            #expect(completed.status == .completed && completed.rewardPaid.minorUnits == 4_500_000)
            #expect(try await env.completeBounty(bounty, by: enterprise, rewardMinor: 4_500_000, requestID: requestID) == completed)
            await expectRPCError(.failedPrecondition) { _ = try await env.completeBounty(bounty, by: officer, rewardMinor: 1) }
            #expect(try await env.app.outboxCount(type: "jobs.bounty.completed", subject: bounty.bountyID) == 1)
            let payload = try await env.app.outboxPayloadText(type: "jobs.bounty.completed", subject: bounty.bountyID) ?? ""
            #expect(payload.contains(application.applicationID) && payload.contains(winner.id) && payload.contains("4500000"))

            // An officer may complete another publisher's bounty.
            let other = try await env.publishBounty(by: env.enterprise())
            let (otherWinner, otherApplication) = try await env.qualifiedApplicant(other, officer: officer)
            _ = try await env.claimBounty(otherApplication, by: otherWinner)
            #expect(try await env.completeBounty(other, by: officer, rewardMinor: 0).status == .completed)
        }
    }

    // MARK: reading

    @Test func thePublisherOrAnOfficerCancelsWithAReasonAndTheBountyLeavesTheDemandList() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise()
            let bounty = try await env.publishBounty(by: enterprise)
            func cancel(
                by caller: JobsEnv.Caller, reason: String = "funding withdrawn", requestID: String = UUID().uuidString,
                language: String = "en"
            ) async throws -> Nomad_Jobs_V1_Bounty {
                try await env.client.cancelBounty(
                    .with {
                        $0.requestID = requestID
                        $0.bountyID = bounty.bountyID
                        $0.reason = reason
                    }, metadata: caller.metadata(language: language))
            }
            await expectRPCError(.permissionDenied) { _ = try await cancel(by: env.enterprise()) }
            let noReason = await expectRPCError(.invalidArgument) { _ = try await cancel(by: enterprise, reason: " ", language: "zh-CN") }
            #expect(noReason?.contains("reason") == true)
            await expectRPCError(.notFound) {
                _ = try await env.client.cancelBounty(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.bountyID = UUID().uuidString
                        $0.reason = "x"
                    }, metadata: enterprise.metadata)
            }

            let requestID = UUID().uuidString
            let cancelled = try await cancel(by: enterprise, requestID: requestID)
            #expect(cancelled.status == .cancelled)
            #expect(try await cancel(by: enterprise, requestID: requestID) == cancelled)
            await expectRPCError(.failedPrecondition) { _ = try await cancel(by: env.officer()) }
            await expectRPCError(.failedPrecondition) { _ = try await env.submitBountyApplication(bounty, by: env.nomad()) }

            let open = try await env.client.listJobs(.with { $0.mode = .openBounty }, metadata: enterprise.metadata)
            #expect(open.jobs.isEmpty)
            #expect(try await env.listBountyAudit(bounty, by: enterprise).map(\.action).last == "bounty.cancelled")
            #expect(try await env.app.outboxCount(type: "jobs.bounty.cancelled", subject: bounty.bountyID) == 1)
        }
    }

    @Test func listsAreNewestFirstPagedAndOverseenOnlyByThePublisherOrStaff() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise()
            var published: [Nomad_Jobs_V1_Bounty] = []
            for index in 0..<3 {
                published.append(try await env.publishBounty(by: enterprise, JobsEnv.bountyDraft(title: "Bounty \(index)")))
            }
            let nomad = env.nomad()
            let first = try await env.client.listBounties(.with { $0.page.pageSize = 2 }, metadata: nomad.metadata)
            #expect(first.bounties.map(\.title) == ["Bounty 2", "Bounty 1"])
            let rest = try await env.client.listBounties(
                .with {
                    $0.page.pageSize = 2
                    $0.page.pageToken = first.page.nextPageToken
                }, metadata: nomad.metadata)
            #expect(rest.bounties.map(\.title) == ["Bounty 0"] && rest.page.nextPageToken.isEmpty)
            let inProgress = try await env.client.listBounties(.with { $0.status = .inProgress }, metadata: nomad.metadata)
            #expect(inProgress.bounties.isEmpty)
            await expectRPCError(.notFound) {
                _ = try await env.client.getBounty(.with { $0.bountyID = UUID().uuidString }, metadata: nomad.metadata)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.getBounty(.with { $0.bountyID = "nope" }, metadata: nomad.metadata)
            }

            let bounty = published[0]
            let applicants = [env.nomad(), env.nomad(), env.nomad()]
            for applicant in applicants { _ = try await env.submitBountyApplication(bounty, by: applicant) }
            let page = try await env.client.listBountyApplications(
                .with {
                    $0.bountyID = bounty.bountyID
                    $0.page.pageSize = 2
                }, metadata: enterprise.metadata)
            #expect(page.applications.map(\.leadID) == applicants.prefix(2).map(\.id) && !page.page.nextPageToken.isEmpty)
            for staff in [env.officer(), env.admin()] {
                let all = try await env.client.listBountyApplications(
                    .with {
                        $0.bountyID = bounty.bountyID
                        $0.status = .submitted
                    }, metadata: staff.metadata)
                #expect(all.applications.count == 3)
                #expect(try await env.listBountyAudit(bounty, by: staff).count == 4)
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.listBountyApplications(
                    .with { $0.bountyID = bounty.bountyID }, metadata: env.enterprise().metadata)
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.listBountyAudit(.with { $0.bountyID = bounty.bountyID }, metadata: env.enterprise().metadata)
            }
            await expectRPCError(.notFound) {
                _ = try await env.client.listBountyAudit(.with { $0.bountyID = UUID().uuidString }, metadata: enterprise.metadata)
            }
        }
    }

    @Test func theAuditTrailOfAFullFlowIsInOrderAndAppendOnly() async throws {
        try await withJobs { env in
            try await env.ensureSkills(["data.labelling"])
            let officer = env.officer(), enterprise = env.enterprise()
            let bounty = try await env.publishBounty(by: enterprise, JobsEnv.bountyDraft(skills: [("data.labelling", 2)]))
            let winner = env.nomad(), loser = env.nomad(), weak = env.nomad()
            try await env.declareSkills(of: winner, [("data.labelling", 3)])
            try await env.declareSkills(of: loser, [("data.labelling", 2)])
            let winning = try await env.submitBountyApplication(bounty, by: winner)
            let losing = try await env.submitBountyApplication(bounty, by: loser)
            let weakApplication = try await env.submitBountyApplication(bounty, by: weak)
            _ = try await env.reviewBountyApplication(winning, by: officer)
            _ = try await env.reviewBountyApplication(losing, by: officer)
            _ = try await env.reviewBountyApplication(weakApplication, by: officer, qualified: false, reason: "No labelling record")
            _ = try await env.claimBounty(winning, by: winner)
            _ = try await env.reportBountyProgress(bounty, by: winner, percent: 100)
            _ = try await env.completeBounty(bounty, by: enterprise, rewardMinor: 5_000_000)

            let entries = try await env.listBountyAudit(bounty, by: enterprise)
            #expect(
                entries.map(\.action) == [
                    "bounty.published", "application.submitted", "application.submitted", "application.submitted",
                    "application.qualified", "application.qualified", "application.disqualified", "application.won",
                    "application.not_selected", "bounty.in_progress", "bounty.progress_reported", "bounty.completed",
                ])
            #expect(
                entries.map(\.actorRole) == [
                    "enterprise", "nomad", "nomad", "nomad", "officer", "officer", "officer", "nomad", "nomad", "nomad", "nomad",
                    "enterprise",
                ])
            #expect(entries[7].applicationID == winning.applicationID && entries[7].actorID == winner.id)
            #expect(entries[8].applicationID == losing.applicationID)
            #expect(entries[6].detail == "No labelling record")
            #expect(zip(entries, entries.dropFirst()).allSatisfy { $0.at.date <= $1.at.date })

            let id = UUID(uuidString: bounty.bountyID)!
            await #expect(throws: (any Error).self) {
                try await env.bountySQLExec("UPDATE bounty_audit SET action = 'forged' WHERE bounty_id = \(id)")
            }
            await #expect(throws: (any Error).self) {
                try await env.bountySQLExec("DELETE FROM bounty_audit WHERE bounty_id = \(id)")
            }
            await #expect(throws: (any Error).self) { try await env.bountySQLExec("TRUNCATE bounty_audit CASCADE") }
            #expect(try await env.bountySQLCount("SELECT count(*) FROM bounty_audit WHERE bounty_id = \(id)") == 12)
        }
    }

    @Test func aNomadListsTheirOwnApplicationsAsLeadOrMemberAndNoOneElses() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise()
            let solo = try await env.publishBounty(by: enterprise)
            let teams = try await env.publishBounty(by: enterprise, JobsEnv.bountyDraft(kinds: [.team], maxTeamSize: 3))
            let lead = env.nomad(), member = env.nomad(), stranger = env.nomad()
            let own = try await env.submitBountyApplication(solo, by: lead)
            let team = try await env.submitBountyApplication(teams, by: lead, kind: .team, teamName: "Coconut", members: [member])
            _ = try await env.submitBountyApplication(solo, by: stranger)
            _ = try await env.reviewBountyApplication(own, by: env.officer(), qualified: false, reason: "Off topic")

            let leads = try await env.client.listMyBountyApplications(.init(), metadata: lead.metadata).applications
            #expect(leads.map(\.applicationID) == [own.applicationID, team.applicationID], "the decided one first")
            #expect(leads.first?.status == .disqualified && leads.first?.reviewReason == "Off topic")
            let members = try await env.client.listMyBountyApplications(.init(), metadata: member.metadata).applications
            #expect(members.map(\.applicationID) == [team.applicationID])
            let disqualified = try await env.client.listMyBountyApplications(.with { $0.status = .disqualified }, metadata: lead.metadata)
            #expect(disqualified.applications.map(\.applicationID) == [own.applicationID])
            let paged = try await env.client.listMyBountyApplications(.with { $0.page.pageSize = 1 }, metadata: lead.metadata)
            #expect(paged.applications.count == 1 && !paged.page.nextPageToken.isEmpty)
            for other in [enterprise, env.officer()] {
                await expectRPCError(.permissionDenied) {
                    _ = try await env.client.listMyBountyApplications(.init(), metadata: other.metadata)
                }
            }
        }
    }
}
