import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO

/// Maker competitions (创客赛事): creation, the organizer's phase changes and
/// submissions. A phase change holds the competition's row lock; a
/// submission holds it shared, so none lands after the submission phase
/// ended, whichever replica takes it.
extension EventsService {
    func createCompetition(
        request: Nomad_Events_V1_CreateCompetitionRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_Competition {
        let organizer = try caller
        let draft = try CompetitionRules.draft(request.competition)
        return try await mutation(request) { tx in
            try await checkCalendarLink(tx, eventID: draft.eventID, kind: EventRules.competitionKind, organizer: organizer)
            let id = UUID()
            try await CompetitionStore.insert(tx, id: id, organizer: organizer, draft: draft)
            return try await CompetitionStore.find(tx, id: id)!.message
        }
    }

    func getCompetition(
        request: Nomad_Events_V1_GetCompetitionRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_Competition {
        _ = try caller
        let id = try Validate.uuid(request.competitionID, "competition_id")
        return try await database.read { try await findCompetition($0, id: id) }.message
    }

    func listCompetitions(
        request: Nomad_Events_V1_ListCompetitionsRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_ListCompetitionsResponse {
        _ = try caller
        let page = try Page(request.page)
        let phase: Int16? = try request.phase == .unspecified ? nil : CompetitionRules.requestedPhase(request.phase.rawValue).rawValue
        let competitions = try await database.read { tx in
            try await CompetitionStore.list(tx, phase: phase, page: page)
        }
        return .listing(\.competitions, competitions.map(\.message), page)
    }

    func advanceCompetitionPhase(
        request: Nomad_Events_V1_AdvanceCompetitionPhaseRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_Competition {
        let principal = try caller
        let id = try Validate.uuid(request.competitionID, "competition_id")
        let next = try CompetitionRules.requestedPhase(request.phase.rawValue)
        return try await mutation(request) { tx in
            let competition = try await findCompetition(tx, id: id, lock: .update)
            guard competition.organizerID == principal.accountID else { throw NomadError.permissionDenied }
            try CompetitionRules.advance(from: competition.phase, to: next)
            try await CompetitionStore.setPhase(tx, id: id, phase: next)
            return try await CompetitionStore.find(tx, id: id)!.message
        }
    }

    func submitCompetitionEntry(
        request: Nomad_Events_V1_SubmitCompetitionEntryRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_CompetitionSubmission {
        let submitter = try caller
        let competitionID = try Validate.uuid(request.competitionID, "competition_id")
        let trackID = try Validate.uuid(request.trackID, "track_id")
        let draft = try CompetitionRules.submission(request, submitter: submitter.accountID)
        return try await mutation(request) { tx in
            let competition = try await findCompetition(tx, id: competitionID, lock: .share)
            let track = try competition.track(trackID).orNotFound("track \(trackID.text)")
            try CompetitionRules.requirePhase(
                competition.phase, [.submission], zh: "赛事不在作品征集阶段", en: "the competition is not taking submissions")
            // Re-read the judges under the track lock: an assignment committed
            // meanwhile is seen, and none can commit until this one does.
            try await CompetitionStore.lockTrack(tx, id: trackID)
            let judges =
                try await CompetitionStore.find(tx, id: competitionID)?.track(trackID)?.judges
                ?? track.judges
            if let judge = draft.members.first(where: { judges.contains($0) }) {
                throw CompetitionErrors.conflict(
                    "成员 \(judge.text) 是该赛道的评委", "member \(judge.text) judges this track")
            }
            let id = UUID()
            try await SubmissionStore.insert(
                tx, id: id, competitionID: competitionID, trackID: trackID, draft: draft)
            try await Outbox.append(
                tx,
                EventsEvents.SubmissionCreated(
                    subjects: .init(
                        competitionID: competitionID.text, trackID: trackID.text, submissionID: id.text,
                        submitterID: submitter.accountID.text),
                    payload: .init(
                        competitionID: competitionID.text, trackID: trackID.text, submissionID: id.text,
                        memberIDs: draft.members.map(\.text))))
            return try await SubmissionStore.find(tx, id: id)!.message()
        }
    }

    /// What a caller sees depends on who they are and the phase: the
    /// organizer and staff see everything; a track's judges see its
    /// submissions from the review phase on, without members while an
    /// anonymised review runs; everyone sees the submissions they are in.
    func listCompetitionSubmissions(
        request: Nomad_Events_V1_ListCompetitionSubmissionsRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_ListCompetitionSubmissionsResponse {
        let principal = try caller
        let competitionID = try Validate.uuid(request.competitionID, "competition_id")
        let trackFilter = try EntryInput.optionalID(request.trackID, "track_id")
        let page = try Page(request.page)
        let (submissions, blind) = try await database.read { tx in
            let competition = try await findCompetition(tx, id: competitionID)
            if let trackFilter, competition.track(trackFilter) == nil {
                throw NomadError.notFound("track \(trackFilter.text)")
            }
            let everything =
                principal.role == .officer || principal.role == .admin
                || competition.organizerID == principal.accountID
            let judged = competition.judgedTracks(principal.accountID)
            var tracks: [UUID]?
            var member: UUID?
            if !everything {
                member = principal.accountID
                if !judged.isEmpty {
                    try CompetitionRules.requirePhase(
                        competition.phase, [.review, .ranking, .closed],
                        zh: "评审阶段开始前评委看不到作品", en: "judges see submissions once the review begins")
                    if let trackFilter, !judged.contains(trackFilter) { throw NomadError.permissionDenied }
                    tracks = judged
                }
            }
            let rows = try await SubmissionStore.list(
                tx, competitionID: competitionID, track: trackFilter, tracks: tracks, member: member, page: page)
            // Judges never compete in a track they judge, so hiding the makers
            // of every judged row hides no one's own work from them.
            let blind = !everything && competition.anonymised && competition.phase == .review ? Set(judged) : []
            return (rows, blind)
        }
        return .listing(\.submissions, submissions.map { $0.message(hidden: blind.contains($0.trackID)) }, page)
    }

    // MARK: shared steps

    func findCompetition(
        _ tx: Tx, id: UUID, lock: RowLock = .none
    ) async throws -> CompetitionRecord {
        let competition = try await CompetitionStore.find(tx, id: id, lock: lock).orNotFound("competition \(id.text)")
        return competition
    }
}
