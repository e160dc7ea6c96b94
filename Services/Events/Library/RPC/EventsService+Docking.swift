import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO

/// Award docking (获奖项目—企业/产业园对接): a member of an awarded
/// submission or the organizer asks an enterprise or a park; the target
/// answers; either side records the outcome once. Answer and outcome hold
/// the docking's row lock, so each is written once.
extension EventsService {
    func requestAwardDocking(
        request: Nomad_Events_V1_RequestAwardDockingRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_AwardDocking {
        let requester = try caller
        let submissionID = try Validate.uuid(request.submissionID, "submission_id")
        let target = try Validate.uuid(request.targetID, "target_id")
        let kind = try DockingRules.targetKind(request.targetKind.rawValue)
        let message = try Validate.text(request.message, "message", max: DockingRules.maxMessage)
        guard target != requester.accountID else {
            throw NomadError.invalid("target_id", zh: "不能向自己发起对接", en: "you cannot dock with yourself")
        }
        return try await mutation(request) { tx in
            let (submission, competition) = try await submissionAndCompetition(tx, id: submissionID)
            guard submission.members.contains(requester.accountID) || competition.organizerID == requester.accountID else {
                throw NomadError.permissionDenied
            }
            guard try await AwardStore.find(tx, submissionID: submissionID) != nil else {
                throw NomadError.wrongState("只有获奖作品可以发起对接", "only an awarded submission can ask for docking")
            }
            let id = UUID()
            try await DockingStore.insert(
                tx, id: id, submission: submission, requester: requester.accountID, target: target, kind: kind,
                message: message)
            try await Outbox.append(
                tx,
                EventsEvents.DockingRequested(
                    subjects: .init(
                        dockingID: id.text, submissionID: submissionID.text, targetID: target.text,
                        competitionID: competition.id.text),
                    payload: .init(
                        dockingID: id.text, submissionID: submissionID.text, targetID: target.text, targetKind: kind.name)))
            return try await DockingStore.find(tx, id: id)!.message
        }
    }

    /// Only the target answers: the enterprise itself, or for a park an
    /// officer account named as the target.
    func answerAwardDocking(
        request: Nomad_Events_V1_AnswerAwardDockingRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_AwardDocking {
        let principal = try caller
        let id = try Validate.uuid(request.dockingID, "docking_id")
        let note = try Validate.text(request.note, "note", max: DockingRules.maxMessage, required: false)
        return try await mutation(request) { tx in
            let docking = try await lockedDocking(tx, id: id)
            guard docking.targetID == principal.accountID,
                DockingRules.TargetKind(rawValue: docking.targetKind)?.answeringRole == principal.role
            else { throw NomadError.permissionDenied }
            try DockingRules.answer(docking)
            try await DockingStore.answer(tx, id: id, accept: request.accept, note: note)
            try await Outbox.append(
                tx,
                EventsEvents.DockingAnswered(
                    subjects: .init(
                        dockingID: id.text, submissionID: docking.submissionID.text,
                        targetID: docking.targetID.text),
                    payload: .init(dockingID: id.text, answer: request.accept ? "accepted" : "declined")))
            return try await DockingStore.find(tx, id: id)!.message
        }
    }

    func recordDockingOutcome(
        request: Nomad_Events_V1_RecordDockingOutcomeRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_AwardDocking {
        let principal = try caller
        let id = try Validate.uuid(request.dockingID, "docking_id")
        let outcome = try DockingRules.outcome(request.outcome.rawValue)
        return try await mutation(request) { tx in
            let docking = try await lockedDocking(tx, id: id)
            let (submission, competition) = try await submissionAndCompetition(tx, id: docking.submissionID)
            let party =
                docking.targetID == principal.accountID || submission.members.contains(principal.accountID)
                || competition.organizerID == principal.accountID
            guard party else { throw NomadError.permissionDenied }
            try DockingRules.conclude(docking, outcome: outcome)
            try await DockingStore.conclude(tx, id: id, outcome: outcome, by: principal.accountID)
            let kind = DockingRules.TargetKind(rawValue: docking.targetKind) ?? .enterprise
            try await Outbox.append(
                tx,
                EventsEvents.DockingOutcome(
                    subjects: .init(
                        dockingID: id.text, submissionID: docking.submissionID.text,
                        targetID: docking.targetID.text, competitionID: docking.competitionID.text),
                    payload: .init(
                        dockingID: id.text, submissionID: docking.submissionID.text, targetID: docking.targetID.text,
                        targetKind: kind.name, outcome: outcome.name)))
            return try await DockingStore.find(tx, id: id)!.message
        }
    }

    /// Staff see every docking; anyone else the ones they are party to.
    func listAwardDockings(
        request: Nomad_Events_V1_ListAwardDockingsRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_ListAwardDockingsResponse {
        let principal = try caller
        let competitionID = try EntryInput.optionalID(request.competitionID, "competition_id")
        let page = try Page(request.page)
        let party: UUID? = principal.role == .officer || principal.role == .admin ? nil : principal.accountID
        let dockings = try await database.read { tx in
            try await DockingStore.list(tx, competitionID: competitionID, party: party, page: page)
        }
        return .listing(\.dockings, dockings.map(\.message), page)
    }

    // MARK: shared steps

    /// The docking, row-locked.
    private func lockedDocking(_ tx: Tx, id: UUID) async throws -> DockingRecord {
        let docking = try await DockingStore.find(tx, id: id, lock: .update).orNotFound("docking \(id.text)")
        return docking
    }

    private func submissionAndCompetition(
        _ tx: Tx, id: UUID
    ) async throws -> (SubmissionRecord, CompetitionRecord) {
        let submission = try await SubmissionStore.find(tx, id: id).orNotFound("submission \(id.text)")
        return (submission, try await findCompetition(tx, id: submission.competitionID))
    }
}
