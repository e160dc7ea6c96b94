import Foundation
import GRPCCore
@testable import Events
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import Testing

@Suite struct AwardDockingTests {
    /// A competition in the ranking phase with two scored track-0 entries.
    func ranked(
        _ env: EventsEnv, organizer: EventsEnv.Caller, leads: [EventsEnv.Caller], mate: EventsEnv.Caller? = nil
    )
        async throws -> (Nomad_Events_V1_Competition, [Nomad_Events_V1_CompetitionSubmission])
    {
        let judge = env.officer()
        var competition = try await env.createCompetition(by: organizer)
        competition = try await env.assignCompetitionJudge(judge, to: competition, by: organizer)
        try await env.advanceCompetitionPhase(competition, to: .submission, by: organizer)
        var entries: [Nomad_Events_V1_CompetitionSubmission] = []
        for (index, lead) in leads.enumerated() {
            entries.append(
                try await env.submitCompetitionEntry(to: competition, by: lead, members: index == 0 ? [mate].compactMap { $0 } : []))
        }
        try await env.advanceCompetitionPhase(competition, to: .review, by: organizer)
        for (index, entry) in entries.enumerated() {
            try await env.scoreCompetitionSubmission(entry, by: judge, EventsEnv.rubricScores(Int32(9 - index), 10))
        }
        try await env.advanceCompetitionPhase(competition, to: .ranking, by: organizer)
        return (competition, entries)
    }

    @Test func theOrganizerGrantsAwardsFromTheRankingOnAndEveryoneSeesThemOnceClosed() async throws {
        try await withEvents { env in
            let organizer = env.enterprise(), lead = env.nomad(), mate = env.nomad(), second = env.nomad()
            let early = try await env.createCompetition(by: organizer)
            try await env.advanceCompetitionPhase(early, to: .submission, by: organizer)
            let earlyEntry = try await env.submitCompetitionEntry(to: early, by: env.nomad())
            await expectRPCError(.failedPrecondition) { _ = try await env.grantCompetitionAward(earlyEntry, by: organizer) }

            let (competition, entries) = try await ranked(env, organizer: organizer, leads: [lead, second], mate: mate)
            await expectRPCError(.permissionDenied) { _ = try await env.grantCompetitionAward(entries[0], by: env.enterprise()) }
            await expectRPCError(.permissionDenied) { _ = try await env.grantCompetitionAward(entries[0], by: env.officer()) }
            await expectRPCError(.permissionDenied) { _ = try await env.grantCompetitionAward(entries[0], by: lead) }
            await expectRPCError(.invalidArgument) { _ = try await env.grantCompetitionAward(entries[0], by: organizer, rank: 0) }
            await expectRPCError(.invalidArgument) {
                _ = try await env.grantCompetitionAward(entries[0], by: organizer, name: ("", "First"))
            }

            let requestID = UUID().uuidString
            let first = try await env.grantCompetitionAward(entries[0], by: organizer, requestID: requestID)
            #expect(first.name.zhCn == "一等奖" && first.name.en == "First prize" && first.rank == 1)
            #expect(first.memberIds == [lead.id, mate.id] && first.trackID == competition.tracks[0].trackID)
            #expect(try await env.grantCompetitionAward(entries[0], by: organizer, requestID: requestID) == first)
            await expectRPCError(.alreadyExists) { _ = try await env.grantCompetitionAward(entries[0], by: organizer, rank: 2) }
            #expect(try await env.app.outboxCount(type: "events.award.granted", subject: entries[0].submissionID) == 1)
            let payload = try #require(try await env.app.outboxPayloadText(type: "events.award.granted", subject: entries[0].submissionID))
            for field in ["competition_id", "track_id", "submission_id", "award", "rank", "member_ids"] {
                #expect(payload.contains("\"\(field)\""), "\(payload)")
            }
            #expect(payload.contains("一等奖") && payload.contains(mate.id))

            // Before closing: the organizer and staff see the list; others wait.
            #expect(try await env.listCompetitionAwards(competition, as: organizer).map(\.awardID) == [first.awardID])
            #expect(try await env.listCompetitionAwards(competition, as: env.officer()).count == 1)
            await expectRPCError(.failedPrecondition) { _ = try await env.listCompetitionAwards(competition, as: lead) }

            try await env.advanceCompetitionPhase(competition, to: .closed, by: organizer)
            let second2 = try await env.grantCompetitionAward(entries[1], by: organizer, name: ("二等奖", "Second prize"), rank: 2)
            let seen = try await env.listCompetitionAwards(competition, as: env.nomad())
            #expect(seen.map(\.awardID) == [first.awardID, second2.awardID] && seen.map(\.rank) == [1, 2])
            #expect(try await env.listCompetitionAwards(competition, as: env.enterprise()).count == 2)
        }
    }

    @Test func anAwardedTeamDocksWithAnEnterpriseWhichAnswersAndEitherSideRecordsTheOutcomeOnce() async throws {
        try await withEvents { env in
            let organizer = env.officer(), lead = env.nomad(), mate = env.nomad(), unawarded = env.nomad()
            let (competition, entries) = try await ranked(env, organizer: organizer, leads: [lead, unawarded], mate: mate)
            let award = try await env.grantCompetitionAward(entries[0], by: organizer)
            #expect(award.submissionID == entries[0].submissionID)
            let enterprise = env.enterprise()

            await expectRPCError(.failedPrecondition) {
                _ = try await env.requestAwardDocking(entries[1], by: unawarded, target: enterprise, kind: .enterprise)
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.requestAwardDocking(entries[0], by: unawarded, target: enterprise, kind: .enterprise)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.requestAwardDocking(entries[0], by: mate, target: enterprise, kind: .unspecified)
            }

            let requestID = UUID().uuidString
            let docking = try await env.requestAwardDocking(
                entries[0], by: mate, target: enterprise, kind: .enterprise, requestID: requestID)
            #expect(docking.status == .requested && docking.requesterID == mate.id && docking.targetID == enterprise.id)
            #expect(docking.competitionID == competition.competitionID)
            #expect(
                try await env.requestAwardDocking(entries[0], by: mate, target: enterprise, kind: .enterprise, requestID: requestID)
                    == docking)
            await expectRPCError(.alreadyExists) {
                _ = try await env.requestAwardDocking(entries[0], by: lead, target: enterprise, kind: .enterprise)
            }
            let requested = try #require(try await env.app.outboxPayloadText(type: "events.docking.requested", subject: docking.dockingID))
            #expect(requested.contains("\"target_kind\": \"enterprise\"") && requested.contains(entries[0].submissionID))

            // An outcome waits for the answer; only the target answers.
            await expectRPCError(.failedPrecondition) { _ = try await env.recordDockingOutcome(docking, by: lead, .signedAgreement) }
            await expectRPCError(.permissionDenied) { _ = try await env.answerAwardDocking(docking, by: env.enterprise(), accept: true) }
            await expectRPCError(.permissionDenied) { _ = try await env.answerAwardDocking(docking, by: organizer, accept: true) }
            let accepted = try await env.answerAwardDocking(docking, by: enterprise, accept: true, note: "Pilot in Q2")
            #expect(accepted.status == .accepted && accepted.answerNote == "Pilot in Q2" && accepted.hasAnswerTime)
            await expectRPCError(.failedPrecondition) { _ = try await env.answerAwardDocking(docking, by: enterprise, accept: false) }
            let answered = try #require(try await env.app.outboxPayloadText(type: "events.docking.answered", subject: docking.dockingID))
            #expect(answered.contains("\"answer\": \"accepted\""))

            await expectRPCError(.permissionDenied) { _ = try await env.recordDockingOutcome(docking, by: unawarded, .signedAgreement) }
            await expectRPCError(.invalidArgument) { _ = try await env.recordDockingOutcome(docking, by: lead, .incubatedInPark) }
            await expectRPCError(.invalidArgument) { _ = try await env.recordDockingOutcome(docking, by: lead, .unspecified) }
            let concluded = try await env.recordDockingOutcome(docking, by: enterprise, .signedAgreement)
            #expect(concluded.status == .concluded && concluded.outcome == .signedAgreement && concluded.outcomeRecordedBy == enterprise.id)
            await expectRPCError(.failedPrecondition) { _ = try await env.recordDockingOutcome(docking, by: lead, .noDeal) }
            #expect(try await env.app.outboxCount(type: "events.docking.outcome", subject: docking.dockingID) == 1)
            let outcome = try #require(try await env.app.outboxPayloadText(type: "events.docking.outcome", subject: docking.dockingID))
            for field in ["docking_id", "submission_id", "target_id", "target_kind", "outcome"] {
                #expect(outcome.contains("\"\(field)\""), "\(outcome)")
            }
            #expect(outcome.contains("\"signed_agreement\""))

            // The parties and staff see the docking; nobody else does.
            for party in [lead, mate, enterprise, organizer, env.admin(), env.officer()] {
                #expect(try await env.listAwardDockings(as: party).map(\.dockingID) == [docking.dockingID])
            }
            #expect(try await env.listAwardDockings(as: unawarded).isEmpty)
            #expect(try await env.listAwardDockings(as: env.enterprise()).isEmpty)
            #expect(try await env.listAwardDockings(as: env.officer(), competition: UUID().uuidString).isEmpty)
        }
    }

    @Test func aParkAnswersThroughAnOfficerAndADeclinedDockingTakesNoOutcome() async throws {
        try await withEvents { env in
            let organizer = env.enterprise(), lead = env.nomad()
            let (_, entries) = try await ranked(env, organizer: organizer, leads: [lead])
            _ = try await env.grantCompetitionAward(entries[0], by: organizer)
            let parkOfficer = env.officer("yangpu-park")
            let park = try await env.requestAwardDocking(entries[0], by: organizer, target: parkOfficer, kind: .park)
            #expect(park.targetKind == .park && park.requesterID == organizer.id)
            // An enterprise account named as a park target cannot answer for it.
            let impostor = env.enterprise()
            let wrongRole = try await env.requestAwardDocking(entries[0], by: lead, target: impostor, kind: .park)
            await expectRPCError(.permissionDenied) { _ = try await env.answerAwardDocking(wrongRole, by: impostor, accept: true) }

            _ = try await env.answerAwardDocking(park, by: parkOfficer, accept: true)
            let incubated = try await env.recordDockingOutcome(park, by: lead, .incubatedInPark)
            #expect(incubated.outcome == .incubatedInPark && incubated.outcomeRecordedBy == lead.id)

            let other = env.enterprise()
            let declinedRequest = try await env.requestAwardDocking(entries[0], by: lead, target: other, kind: .enterprise)
            let declined = try await env.answerAwardDocking(declinedRequest, by: other, accept: false, note: "Not this year")
            #expect(declined.status == .declined)
            await expectRPCError(.failedPrecondition) { _ = try await env.recordDockingOutcome(declined, by: lead, .noDeal) }
            #expect(try await env.app.outboxCount(type: "events.docking.outcome", subject: declined.dockingID) == 0)
        }
    }
}
