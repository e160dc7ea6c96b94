import Foundation
import GRPCCore
@testable import Events
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

@Suite struct JudgingTests {
    @Test func onlyTheOrganizerAssignsJudgesAndNeverToATrackTheyCompeteIn() async throws {
        try await withEvents { env in
            let organizer = env.officer()
            let competition = try await env.createCompetition(by: organizer)
            let judge = env.enterprise()
            await expectRPCError(.permissionDenied) { try await env.assignCompetitionJudge(judge, to: competition, by: env.officer()) }
            await expectRPCError(.permissionDenied) { try await env.assignCompetitionJudge(judge, to: competition, by: env.nomad()) }

            let requestID = UUID().uuidString
            let assigned = try await env.assignCompetitionJudge(judge, to: competition, by: organizer, requestID: requestID)
            #expect(assigned.tracks[0].judgeIds == [judge.id] && assigned.tracks[1].judgeIds.isEmpty)
            #expect(try await env.assignCompetitionJudge(judge, to: competition, by: organizer, requestID: requestID) == assigned)
            await expectRPCError(.alreadyExists) { try await env.assignCompetitionJudge(judge, to: competition, by: organizer) }

            // A competitor is not made a judge of their own track, and a judge
            // does not join a team in the track they judge.
            try await env.advanceCompetitionPhase(competition, to: .submission, by: organizer)
            let lead = env.nomad(), mate = env.nomad()
            _ = try await env.submitCompetitionEntry(to: competition, by: lead, members: [mate])
            let conflict = await expectRPCError(.permissionDenied) {
                try await env.assignCompetitionJudge(mate, to: competition, by: organizer)
            }
            #expect(conflict?.contains("Conflict of interest") == true)
            try await env.assignCompetitionJudge(mate, to: competition, track: 1, by: organizer)
            let nomadJudge = env.nomad()
            try await env.assignCompetitionJudge(nomadJudge, to: competition, by: organizer)
            await expectRPCError(.permissionDenied) {
                _ = try await env.submitCompetitionEntry(to: competition, by: env.nomad(), members: [nomadJudge])
            }
            await expectRPCError(.permissionDenied) { _ = try await env.submitCompetitionEntry(to: competition, by: nomadJudge) }
            #expect(try await env.competitionSQLCount("SELECT count(*) FROM competition_submissions") == 1)

            try await env.advanceCompetitionPhase(competition, through: .ranking, by: organizer)
            await expectRPCError(.failedPrecondition) { try await env.assignCompetitionJudge(env.nomad(), to: competition, by: organizer) }
            #expect(try await env.competitionSQLCount("SELECT count(*) FROM competition_judges") == 3)
        }
    }

    @Test func assignedJudgesScoreInReviewWithinTheRubricAndAReScoreReplaces() async throws {
        try await withEvents { env in
            let organizer = env.enterprise(), judge = env.nomad(), lead = env.nomad()
            let (competition, submissions) = try await env.competitionInReview(
                organizer: organizer, submitters: [lead], judges: [judge])
            let entry = submissions[0]

            let requestID = UUID().uuidString
            let first = try await env.scoreCompetitionSubmission(entry, by: judge, EventsEnv.rubricScores(8, 10), requestID: requestID)
            // (3 × 8 + 1 × 10) / (3 + 1) = 8.5
            #expect(first.weightedTotalMilli == 8500 && first.judgeID == judge.id)
            #expect(first.scores.map(\.score) == [8, 10])
            #expect(
                try await env.scoreCompetitionSubmission(entry, by: judge, EventsEnv.rubricScores(8, 10), requestID: requestID) == first)

            let again = try await env.scoreCompetitionSubmission(entry, by: judge, [("可行性 Feasibility", 20), ("创新性 Innovation", 10)])
            #expect(again.weightedTotalMilli == 12500 && again.scores.map(\.score) == [10, 20])
            #expect(try await env.competitionSQLCount("SELECT count(*) FROM competition_scores") == 1)

            // Out of the rubric's range or shape: INVALID_ARGUMENT and the score stays.
            let bad: [[(String, Int32)]] = [
                EventsEnv.rubricScores(11, 10), EventsEnv.rubricScores(-1, 10), EventsEnv.rubricScores(5, 21),
                [("创新性 Innovation", 5)], EventsEnv.rubricScores(5, 5) + [("Charisma", 3)],
                [("创新性 Innovation", 5), ("创新性 Innovation", 6)],
            ]
            for scores in bad {
                await expectRPCError(.invalidArgument) { try await env.scoreCompetitionSubmission(entry, by: judge, scores) }
            }
            let zh = await expectRPCError(.invalidArgument) {
                _ = try await env.client.scoreCompetitionSubmission(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.submissionID = entry.submissionID
                        $0.scores = EventsEnv.rubricScores(99, 1).map { score in
                            .with {
                                $0.criterion = score.0; $0.score = score.1
                            }
                        }
                    }, metadata: judge.metadata(language: "zh-CN"))
            }
            #expect(zh?.contains("0 到 10") == true)
            try await env.advanceCompetitionPhase(competition, to: .ranking, by: organizer)
            let ranking = try await env.getCompetitionRanking(competition, as: organizer)
            #expect(ranking.tracks[0].submissions.map(\.scoreMilli) == [12500])

            // Outside review no one scores.
            await expectRPCError(.failedPrecondition) {
                try await env.scoreCompetitionSubmission(entry, by: judge, EventsEnv.rubricScores(1, 1))
            }
        }
    }

    @Test func onlyTheTracksAssignedJudgesScoreAndNeverTheirOwnTeam() async throws {
        try await withEvents { env in
            let organizer = env.officer(), judge = env.nomad(), otherTrackJudge = env.enterprise(), lead = env.nomad()
            let (created, submissions) = try await env.competitionInReview(
                organizer: organizer, submitters: [lead], judges: [judge])
            let competition = try await env.assignCompetitionJudge(otherTrackJudge, to: created, track: 1, by: organizer)
            let entry = submissions[0]
            for caller in [env.nomad(), organizer, otherTrackJudge, lead, env.admin()] {
                await expectRPCError(.permissionDenied) {
                    try await env.scoreCompetitionSubmission(entry, by: caller, EventsEnv.rubricScores(5, 5))
                }
            }
            // A judge's membership of a scored team (no RPC arranges it: the
            // assignment and the submission both refuse it) is still refused.
            let leadID = UUID(uuidString: lead.id)!, trackID = UUID(uuidString: competition.tracks[0].trackID)!
            try await env.competitionSQLExec(
                "INSERT INTO competition_judges (track_id, judge_id) VALUES (\(trackID), \(leadID))")
            let message = await expectRPCError(.permissionDenied) {
                try await env.scoreCompetitionSubmission(entry, by: lead, EventsEnv.rubricScores(5, 5))
            }
            #expect(message?.contains("own team") == true)
            #expect(try await env.competitionSQLCount("SELECT count(*) FROM competition_scores") == 0)
        }
    }

    @Test func theRankingOrdersByTheJudgesMeanTotalsAndIsShownByPhase() async throws {
        try await withEvents { env in
            let organizer = env.enterprise(), judgeA = env.nomad(), judgeB = env.officer()
            let nomads = (0..<4).map { _ in env.nomad() }
            let (competition, entries) = try await env.competitionInReview(
                organizer: organizer, submitters: nomads, judges: [judgeA, judgeB])
            // Means: entry0 = (8.5 + 6.5) / 2 = 7.5; entry1 = 9.0; entry2 = 7.5 (ties entry0, later); entry3 unscored.
            try await env.scoreCompetitionSubmission(entries[0], by: judgeA, EventsEnv.rubricScores(8, 10))  // 8.5
            try await env.scoreCompetitionSubmission(entries[0], by: judgeB, EventsEnv.rubricScores(6, 8))  // 6.5
            try await env.scoreCompetitionSubmission(entries[1], by: judgeA, EventsEnv.rubricScores(9, 9))  // 9.0
            try await env.scoreCompetitionSubmission(entries[2], by: judgeB, EventsEnv.rubricScores(7, 9))  // 7.5

            await expectRPCError(.failedPrecondition) { _ = try await env.getCompetitionRanking(competition, as: organizer) }
            try await env.advanceCompetitionPhase(competition, to: .ranking, by: organizer)
            for insider in [organizer, judgeA, judgeB, env.admin()] {
                let ranking = try await env.getCompetitionRanking(competition, as: insider)
                let track = ranking.tracks[0]
                #expect(track.submissions.map(\.submissionID) == [1, 0, 2, 3].map { entries[$0].submissionID })
                #expect(track.submissions.map(\.scoreMilli) == [9000, 7500, 7500, 0])
                #expect(track.submissions.map(\.judgeCount) == [1, 2, 1, 0])
                #expect(track.submissions.map(\.rank) == [1, 2, 3, 4])
                #expect(ranking.tracks[1].submissions.isEmpty && ranking.phase == .ranking)
            }
            await expectRPCError(.failedPrecondition) { _ = try await env.getCompetitionRanking(competition, as: nomads[0]) }
            try await env.advanceCompetitionPhase(competition, to: .closed, by: organizer)
            let published = try await env.getCompetitionRanking(competition, as: nomads[3])
            #expect(published.tracks[0].submissions.first?.memberIds == [nomads[1].id])
        }
    }
}
