import Foundation
import GRPCCore
@testable import Events
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

@Suite struct CompetitionTests {
    @Test func anOrganizerCreatesACompetitionOnceWithItsRubricAndTracks() async throws {
        try await withEvents { env in
            let officer = env.officer()
            let requestID = UUID().uuidString
            let eventID = try await env.publishedEvent(by: officer, EventsEnv.eventDraft(kind: .competition)).eventID
            var draft = EventsEnv.competitionDraft()
            draft.eventID = eventID
            let competition = try await env.createCompetition(by: officer, draft, requestID: requestID)
            #expect(competition.organizerID == officer.id && competition.phase == .draft && competition.anonymised)
            #expect(competition.eventID == eventID)
            #expect(competition.rubric.map(\.name) == ["创新性 Innovation", "可行性 Feasibility"])
            #expect(competition.rubric.map(\.weight) == [3, 1] && competition.rubric.map(\.maxScore) == [10, 20])
            #expect(competition.tracks.map(\.name) == ["数字文旅 Digital tourism", "智慧农业 Smart farming"])
            #expect(competition.tracks.allSatisfy { !$0.trackID.isEmpty && $0.judgeIds.isEmpty })
            #expect(try await env.createCompetition(by: officer, draft, requestID: requestID) == competition)
            #expect(try await env.competitionSQLCount("SELECT count(*) FROM competitions") == 1)

            let byEnterprise = try await env.createCompetition(by: env.enterprise())
            let read = try await env.client.getCompetition(
                .with { $0.competitionID = competition.competitionID }, metadata: env.nomad().metadata)
            #expect(read == competition)
            let list = try await env.client.listCompetitions(.with { $0.page.pageSize = 1 }, metadata: env.nomad().metadata)
            #expect(list.competitions.map(\.competitionID) == [byEnterprise.competitionID] && !list.page.nextPageToken.isEmpty)
            let next = try await env.client.listCompetitions(
                .with {
                    $0.page.pageSize = 1
                    $0.page.pageToken = list.page.nextPageToken
                }, metadata: env.nomad().metadata)
            #expect(next.competitions.map(\.competitionID) == [competition.competitionID] && next.page.nextPageToken.isEmpty)
        }
    }

    @Test func creationRefusesAnEmptyRubricNonPositiveWeightsAndOtherBadInput() async throws {
        try await withEvents { env in
            let officer = env.officer()
            let cases: [(String, Nomad_Events_V1_Competition)] = [
                ("rubric", EventsEnv.competitionDraft(rubric: [])),
                ("weight", EventsEnv.competitionDraft(rubric: [("Innovation", 0, 10)])),
                ("weight", EventsEnv.competitionDraft(rubric: [("Innovation", -2, 10)])),
                ("max_score", EventsEnv.competitionDraft(rubric: [("Innovation", 1, 0)])),
                ("rubric.name", EventsEnv.competitionDraft(rubric: [("Innovation", 1, 10), ("Innovation", 2, 10)])),
                ("tracks", EventsEnv.competitionDraft(tracks: [])),
                ("tracks.name", EventsEnv.competitionDraft(tracks: ["A", "A"])),
            ]
            for (field, draft) in cases {
                let message = await expectRPCError(.invalidArgument) { _ = try await env.createCompetition(by: officer, draft) }
                #expect(message?.contains(field) == true, "\(field): \(message ?? "")")
            }
            let zh = await expectRPCError(.invalidArgument) {
                _ = try await env.client.createCompetition(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.competition = EventsEnv.competitionDraft(rubric: [("创新", 0, 10)])
                    }, metadata: officer.metadata(language: "zh-CN"))
            }
            #expect(zh?.contains("权重须为") == true)
            await expectRPCError(.permissionDenied) { _ = try await env.createCompetition(by: env.nomad()) }
            let created = try await env.competitionSQLCount("SELECT count(*) FROM competitions")
            #expect(created == 0)
        }
    }

    @Test func phasesMoveForwardOneStepAtATimeAndOnlyByTheOrganizer() async throws {
        try await withEvents { env in
            let organizer = env.enterprise()
            let competition = try await env.createCompetition(by: organizer)
            await expectRPCError(.permissionDenied) {
                try await env.advanceCompetitionPhase(competition, to: .submission, by: env.enterprise())
            }
            await expectRPCError(.permissionDenied) {
                try await env.advanceCompetitionPhase(competition, to: .submission, by: env.officer())
            }
            await expectRPCError(.permissionDenied) { try await env.advanceCompetitionPhase(competition, to: .submission, by: env.nomad()) }
            await expectRPCError(.failedPrecondition) { try await env.advanceCompetitionPhase(competition, to: .review, by: organizer) }
            await expectRPCError(.failedPrecondition) { try await env.advanceCompetitionPhase(competition, to: .draft, by: organizer) }
            await expectRPCError(.invalidArgument) { try await env.advanceCompetitionPhase(competition, to: .unspecified, by: organizer) }

            let requestID = UUID().uuidString
            let submission = try await env.advanceCompetitionPhase(competition, to: .submission, by: organizer, requestID: requestID)
            #expect(submission.phase == .submission)
            #expect(try await env.advanceCompetitionPhase(competition, to: .submission, by: organizer, requestID: requestID) == submission)
            for phase in [Nomad_Events_V1_CompetitionPhase.review, .ranking, .closed] {
                #expect(try await env.advanceCompetitionPhase(competition, to: phase, by: organizer).phase == phase)
            }
            // No going back, and nothing after closed.
            await expectRPCError(.failedPrecondition) { try await env.advanceCompetitionPhase(competition, to: .review, by: organizer) }
            let message = await expectRPCError(.failedPrecondition) {
                _ = try await env.client.advanceCompetitionPhase(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.competitionID = competition.competitionID
                        $0.phase = .submission
                    }, metadata: organizer.metadata(language: "zh-CN"))
            }
            #expect(message?.contains("依次推进") == true)
            let closed = try await env.client.getCompetition(
                .with { $0.competitionID = competition.competitionID }, metadata: organizer.metadata)
            #expect(closed.phase == .closed)
            let listed = try await env.client.listCompetitions(.with { $0.phase = .closed }, metadata: organizer.metadata)
            #expect(listed.competitions.map(\.competitionID) == [competition.competitionID])
        }
    }

    @Test func submissionsAreTakenOnlyInTheSubmissionPhaseOncePerLeadAndTrack() async throws {
        try await withEvents { env in
            let organizer = env.officer()
            let competition = try await env.createCompetition(by: organizer)
            let lead = env.nomad(), mate = env.nomad()
            await expectRPCError(.failedPrecondition) { _ = try await env.submitCompetitionEntry(to: competition, by: lead) }
            try await env.advanceCompetitionPhase(competition, to: .submission, by: organizer)

            let requestID = UUID().uuidString
            let entry = try await env.submitCompetitionEntry(to: competition, by: lead, members: [mate], requestID: requestID)
            #expect(entry.submitterID == lead.id && entry.memberIds == [lead.id, mate.id])
            #expect(entry.trackID == competition.tracks[0].trackID && entry.links == ["https://example.org/guide"])
            #expect(try await env.submitCompetitionEntry(to: competition, by: lead, members: [mate], requestID: requestID) == entry)
            #expect(try await env.app.outboxCount(type: "events.submission.created", subject: entry.submissionID) == 1)
            let payload = try #require(try await env.app.outboxPayloadText(type: "events.submission.created", subject: entry.submissionID))
            #expect(payload.contains("\"member_ids\": [\"\(lead.id)\", \"\(mate.id)\"]"), "\(payload)")

            await expectRPCError(.alreadyExists) { _ = try await env.submitCompetitionEntry(to: competition, by: lead) }
            // Another track is another entry.
            _ = try await env.submitCompetitionEntry(to: competition, track: 1, by: lead)
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.submitCompetitionEntry(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.competitionID = competition.competitionID
                        $0.trackID = competition.tracks[0].trackID
                        $0.projectTitle = "x"
                        $0.description_p = "y"
                        $0.evidenceHash = "not-a-digest"
                    }, metadata: env.nomad().metadata)
            }
            await expectRPCError(.notFound) {
                _ = try await env.client.submitCompetitionEntry(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.competitionID = competition.competitionID
                        $0.trackID = UUID().uuidString
                        $0.projectTitle = "x"
                        $0.description_p = "y"
                    }, metadata: env.nomad().metadata)
            }
            await expectRPCError(.permissionDenied) { _ = try await env.submitCompetitionEntry(to: competition, by: env.enterprise()) }
            try await env.advanceCompetitionPhase(competition, to: .review, by: organizer)
            await expectRPCError(.failedPrecondition) { _ = try await env.submitCompetitionEntry(to: competition, by: env.nomad()) }
            #expect(try await env.competitionSQLCount("SELECT count(*) FROM competition_submissions") == 2)
        }
    }

    @Test func whatEachCallerSeesOfTheSubmissionsDependsOnThePhase() async throws {
        try await withEvents { env in
            let organizer = env.enterprise()
            let judge = env.nomad(), lead = env.nomad(), mate = env.nomad(), other = env.nomad()
            var competition = try await env.createCompetition(by: organizer)
            competition = try await env.assignCompetitionJudge(judge, to: competition, by: organizer)
            try await env.advanceCompetitionPhase(competition, to: .submission, by: organizer)
            let entry = try await env.submitCompetitionEntry(to: competition, by: lead, members: [mate])
            let otherEntry = try await env.submitCompetitionEntry(to: competition, track: 1, by: other)

            // Before review a judge sees nothing; members see their own; the organizer all.
            await expectRPCError(.failedPrecondition) { _ = try await env.listCompetitionSubmissions(competition, as: judge) }
            #expect(try await env.listCompetitionSubmissions(competition, as: mate).map(\.submissionID) == [entry.submissionID])
            #expect(try await env.listCompetitionSubmissions(competition, as: env.nomad()).isEmpty)
            #expect(try await env.listCompetitionSubmissions(competition, as: organizer).count == 2)
            #expect(
                try await env.listCompetitionSubmissions(competition, as: env.officer(), track: competition.tracks[1].trackID)
                    .map(\.submissionID) == [otherEntry.submissionID])

            // In an anonymised review the judge sees their track's work without its makers.
            try await env.advanceCompetitionPhase(competition, to: .review, by: organizer)
            let blind = try await env.listCompetitionSubmissions(competition, as: judge)
            #expect(blind.map(\.submissionID) == [entry.submissionID])
            #expect(blind[0].memberIds.isEmpty && blind[0].submitterID.isEmpty && blind[0].projectTitle == entry.projectTitle)
            await expectRPCError(.permissionDenied) {
                _ = try await env.listCompetitionSubmissions(competition, as: judge, track: competition.tracks[1].trackID)
            }
            #expect(try await env.listCompetitionSubmissions(competition, as: organizer).allSatisfy { !$0.memberIds.isEmpty })

            // After the review the names are back.
            try await env.advanceCompetitionPhase(competition, to: .ranking, by: organizer)
            #expect(try await env.listCompetitionSubmissions(competition, as: judge)[0].memberIds == [lead.id, mate.id])
        }
    }

    @Test func aJudgeWhoCompetesInAnotherTrackSeesTheirOwnEntryInFullAndTheJudgedTrackBlind() async throws {
        try await withEvents { env in
            let organizer = env.enterprise(), judge = env.nomad(), lead = env.nomad()
            var competition = try await env.createCompetition(by: organizer)
            competition = try await env.assignCompetitionJudge(judge, to: competition, by: organizer)
            try await env.advanceCompetitionPhase(competition, to: .submission, by: organizer)
            let judged = try await env.submitCompetitionEntry(to: competition, by: lead)
            let own = try await env.submitCompetitionEntry(to: competition, track: 1, by: judge)
            try await env.advanceCompetitionPhase(competition, to: .review, by: organizer)
            let seen = try await env.listCompetitionSubmissions(competition, as: judge)
            #expect(seen.map(\.submissionID) == [judged.submissionID, own.submissionID])
            #expect(seen[0].memberIds.isEmpty && seen[1].memberIds == [judge.id])
        }
    }

    @Test func aReviewThatIsNotAnonymisedShowsJudgesTheMembers() async throws {
        try await withEvents { env in
            let organizer = env.officer(), judge = env.enterprise(), lead = env.nomad()
            let (competition, _) = try await env.competitionInReview(
                organizer: organizer, submitters: [lead], judges: [judge], anonymised: false)
            let seen = try await env.listCompetitionSubmissions(competition, as: judge)
            #expect(seen.map(\.memberIds) == [[lead.id]] && seen[0].submitterID == lead.id)
        }
    }
}
