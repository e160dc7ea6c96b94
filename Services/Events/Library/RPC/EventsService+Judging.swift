import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// Judging: the organizer assigns judges per track; judges score in the
/// review phase against the rubric; the ranking follows from the scores.
/// A score holds the competition's row lock shared and the phase change
/// holds it exclusively, so no score is added once the review has ended.
extension EventsService {
    func assignCompetitionJudge(
        request: Nomad_Events_V1_AssignCompetitionJudgeRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_Competition {
        let principal = try caller
        let competitionID = try Validate.uuid(request.competitionID, "competition_id")
        let trackID = try Validate.uuid(request.trackID, "track_id")
        let judge = try Validate.uuid(request.judgeID, "judge_id")
        return try await mutation(request) { tx in
            let competition = try await findCompetition(tx, id: competitionID, lock: .share)
            guard competition.organizerID == principal.accountID else { throw NomadError.permissionDenied }
            guard competition.track(trackID) != nil else { throw NomadError.notFound("track \(trackID.text)") }
            try CompetitionRules.requirePhase(
                competition.phase, [.draft, .submission, .review],
                zh: "排名开始后不能再分配评委", en: "judges are assigned before the ranking")
            try await CompetitionStore.lockTrack(tx, id: trackID)
            if try await SubmissionStore.anyMember(tx, trackID: trackID, accounts: [judge]) {
                throw CompetitionErrors.conflict(
                    "该评委是本赛道某参赛作品的成员", "the judge is a member of a submission in this track")
            }
            try await CompetitionStore.addJudge(tx, trackID: trackID, judge: judge)
            return try await CompetitionStore.find(tx, id: competitionID)!.message
        }
    }

    /// Only the track's judges, never on their own team, only in review; a
    /// re-score in review replaces the judge's earlier score.
    func scoreCompetitionSubmission(
        request: Nomad_Events_V1_ScoreCompetitionSubmissionRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_CompetitionScore {
        let judge = try caller
        let submissionID = try Validate.uuid(request.submissionID, "submission_id")
        return try await mutation(request) { tx in
            let submission = try await SubmissionStore.find(tx, id: submissionID).orNotFound("submission \(submissionID.text)")
            let competition = try await findCompetition(tx, id: submission.competitionID, lock: .share)
            guard competition.track(submission.trackID)?.judges.contains(judge.accountID) == true else {
                throw NomadError.permissionDenied
            }
            if submission.members.contains(judge.accountID) {
                throw CompetitionErrors.conflict("评委不能为自己所在团队评分", "a judge does not score their own team")
            }
            try CompetitionRules.requirePhase(
                competition.phase, [.review], zh: "赛事不在评审阶段", en: "the competition is not in review")
            let (points, weighted, weights) = try CompetitionRules.scores(request.scores, rubric: competition.rubric)
            let score = try await ScoreStore.upsert(
                tx, submissionID: submissionID, judge: judge.accountID, points: points, weighted: weighted,
                weights: weights)
            return score.message(rubric: competition.rubric)
        }
    }

    /// From the ranking phase the organizer, the competition's judges and
    /// staff see it; everyone else once the competition is closed.
    func getCompetitionRanking(
        request: Nomad_Events_V1_GetCompetitionRankingRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_CompetitionRanking {
        let principal = try caller
        let id = try Validate.uuid(request.competitionID, "competition_id")
        let (competition, rows) = try await database.read { tx in
            let competition = try await findCompetition(tx, id: id)
            let insider =
                principal.role == .officer || principal.role == .admin
                || competition.organizerID == principal.accountID || !competition.judgedTracks(principal.accountID).isEmpty
            try CompetitionRules.requirePhase(
                competition.phase, insider ? [.ranking, .closed] : [.closed],
                zh: insider ? "排名阶段尚未开始" : "赛事结束后才公布排名",
                en: insider ? "the ranking phase has not begun" : "the ranking is published once the competition closes")
            return (competition, try await ScoreStore.ranking(tx, competitionID: id))
        }
        return .with { ranking in
            ranking.competitionID = id.text
            ranking.phase = .init(rawValue: Int(competition.phase.rawValue)) ?? .unspecified
            ranking.tracks = competition.tracks.map { track in
                .with {
                    $0.trackID = track.id.text
                    $0.trackName = track.name
                    $0.submissions = rows.filter { $0.trackID == track.id }.enumerated().map { index, row in
                        .with {
                            $0.rank = Int32(index + 1)
                            $0.submissionID = row.submissionID.text
                            $0.projectTitle = row.projectTitle
                            $0.memberIds = row.members.map(\.text)
                            $0.scoreMilli = row.scoreMilli
                            $0.judgeCount = Int32(row.judgeCount)
                        }
                    }
                }
            }
        }
    }
}
