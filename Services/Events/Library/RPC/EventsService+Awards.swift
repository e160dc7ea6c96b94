import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO

/// Awards: the organizer grants them in the ranking or closed phase; the
/// list is public to the signed-in once the competition closes.
extension EventsService {
    func grantCompetitionAward(
        request: Nomad_Events_V1_GrantCompetitionAwardRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_CompetitionAward {
        let principal = try caller
        let submissionID = try Validate.uuid(request.submissionID, "submission_id")
        let name = try Validate.localized(request.name, "name", max: 100)
        guard (1...1000).contains(request.rank) else {
            throw NomadError.invalid("rank", zh: "须为 1 到 1000 的整数", en: "must be between 1 and 1000")
        }
        return try await mutation(request) { tx in
            let submission = try await SubmissionStore.find(tx, id: submissionID).orNotFound("submission \(submissionID.text)")
            let competition = try await findCompetition(tx, id: submission.competitionID, lock: .share)
            guard competition.organizerID == principal.accountID else { throw NomadError.permissionDenied }
            try CompetitionRules.requirePhase(
                competition.phase, [.ranking, .closed], zh: "排名阶段开始后才能颁奖", en: "awards are granted from the ranking phase on")
            let id = UUID()
            try await AwardStore.insert(
                tx, id: id, submission: submission, name: name, rank: Int(request.rank),
                grantedBy: principal.accountID)
            try await Outbox.append(
                tx,
                EventsEvents.AwardGranted(
                    subjects: .init(
                        competitionID: competition.id.text, trackID: submission.trackID.text,
                        submissionID: submission.id.text, awardID: id.text),
                    payload: .init(
                        competitionID: competition.id.text, trackID: submission.trackID.text, submissionID: submission.id.text,
                        award: .init(zhCN: name.zh, en: name.en), rank: Int(request.rank),
                        memberIDs: submission.members.map(\.text))))
            let granted = try await AwardStore.find(tx, submissionID: submissionID)!.message
            // An enterprise organizer's prize is its own; an officer's is the zone's.
            if principal.role == .officer {
                try await audit(
                    tx, principal, "competition_award.grant", subject: "submission/\(submissionID.text)",
                    before: nil, after: granted)
            }
            return granted
        }
    }

    func listCompetitionAwards(
        request: Nomad_Events_V1_ListCompetitionAwardsRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_ListCompetitionAwardsResponse {
        let principal = try caller
        let id = try Validate.uuid(request.competitionID, "competition_id")
        let page = try Page(request.page)
        let awards = try await database.read { tx in
            let competition = try await findCompetition(tx, id: id)
            let insider =
                principal.role == .officer || principal.role == .admin
                || competition.organizerID == principal.accountID
            if !insider {
                try CompetitionRules.requirePhase(
                    competition.phase, [.closed], zh: "赛事结束后才公布获奖名单", en: "awards are published once the competition closes")
            }
            return try await AwardStore.list(tx, competitionID: id, page: page)
        }
        return .listing(\.awards, awards.map(\.message), page)
    }
}
