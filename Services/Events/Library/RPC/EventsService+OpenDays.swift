import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO

/// Industry scenario open days (产业场景开放日): an enterprise publishes a
/// scenario, nomads propose, the publisher shortlists and records the
/// pairing. Proposal steps hold the proposal's row lock, so two shortlists
/// of the same proposal cannot both pass.
extension EventsService {
    func publishOpenDayScenario(
        request: Nomad_Events_V1_PublishOpenDayScenarioRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_OpenDayScenario {
        let enterprise = try caller
        let draft = try OpenDayRules.scenario(request.scenario, now: Date())
        return try await mutation(request) { tx in
            try await checkCalendarLink(tx, eventID: draft.eventID, kind: EventRules.openDayKind, organizer: nil)
            let id = UUID()
            try await OpenDayStore.insert(tx, id: id, enterprise: enterprise.accountID, draft: draft)
            try await Outbox.append(
                tx,
                EventsEvents.ScenarioPublished(
                    subjects: .init(scenarioID: id.text, enterpriseID: enterprise.accountID.text),
                    payload: .init(
                        scenarioID: id.text, enterpriseID: enterprise.accountID.text, eventID: draft.eventID?.text ?? "")))
            return try await OpenDayStore.find(tx, id: id)!.message
        }
    }

    func getOpenDayScenario(
        request: Nomad_Events_V1_GetOpenDayScenarioRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_OpenDayScenario {
        _ = try caller
        let id = try Validate.uuid(request.scenarioID, "scenario_id")
        return try await database.read { try await findScenario($0, id: id) }.message
    }

    func listOpenDayScenarios(
        request: Nomad_Events_V1_ListOpenDayScenariosRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_ListOpenDayScenariosResponse {
        _ = try caller
        let enterprise = try EntryInput.optionalID(request.enterpriseID, "enterprise_id")
        let page = try Page(request.page)
        let scenarios = try await database.read { tx in
            try await OpenDayStore.list(tx, enterprise: enterprise, page: page)
        }
        return .listing(\.scenarios, scenarios.map(\.message), page)
    }

    func proposeScenarioSolution(
        request: Nomad_Events_V1_ProposeScenarioSolutionRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_ScenarioProposal {
        let proposer = try caller
        let scenarioID = try Validate.uuid(request.scenarioID, "scenario_id")
        let draft = try OpenDayRules.proposal(request, proposer: proposer.accountID)
        return try await mutation(request) { tx in
            let scenario = try await findScenario(tx, id: scenarioID)
            try OpenDayRules.admit(to: scenario, now: Date())
            let id = UUID()
            try await ScenarioProposalStore.insert(tx, id: id, scenarioID: scenarioID, draft: draft)
            return try await ScenarioProposalStore.find(tx, id: id)!.message
        }
    }

    /// The publisher and staff see every proposal; a nomad sees the ones they
    /// are a member of; another enterprise sees none.
    func listScenarioProposals(
        request: Nomad_Events_V1_ListScenarioProposalsRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_ListScenarioProposalsResponse {
        let principal = try caller
        let scenarioID = try Validate.uuid(request.scenarioID, "scenario_id")
        let page = try Page(request.page)
        let proposals = try await database.read { tx in
            let scenario = try await findScenario(tx, id: scenarioID)
            let member: UUID?
            switch principal.role {
            case .officer, .admin: member = nil
            case .enterprise:
                guard scenario.enterpriseID == principal.accountID else { throw NomadError.permissionDenied }
                member = nil
            default: member = principal.accountID
            }
            return try await ScenarioProposalStore.list(
                tx, scenarioID: scenarioID, member: member, page: page)
        }
        return .listing(\.proposals, proposals.map(\.message), page)
    }

    func shortlistScenarioProposal(
        request: Nomad_Events_V1_ShortlistScenarioProposalRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_ScenarioProposal {
        let publisher = try caller
        let id = try Validate.uuid(request.proposalID, "proposal_id")
        return try await mutation(request) { tx in
            let (scenario, proposal) = try await publishersProposal(tx, id: id, publisher: publisher)
            try OpenDayRules.shortlist(proposal)
            try await ScenarioProposalStore.markShortlisted(tx, id: id)
            try await Outbox.append(
                tx,
                EventsEvents.ProposalShortlisted(
                    subjects: .init(
                        scenarioID: scenario.id.text, proposalID: id.text,
                        enterpriseID: scenario.enterpriseID.text, proposerID: proposal.proposerID.text),
                    payload: .init(
                        scenarioID: scenario.id.text, proposalID: id.text, enterpriseID: scenario.enterpriseID.text,
                        proposerID: proposal.proposerID.text)))
            return try await ScenarioProposalStore.find(tx, id: id)!.message
        }
    }

    func recordScenarioPairing(
        request: Nomad_Events_V1_RecordScenarioPairingRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_ScenarioProposal {
        let publisher = try caller
        let id = try Validate.uuid(request.proposalID, "proposal_id")
        let note = try Validate.text(request.note, "note", max: OpenDayRules.maxNote, required: false)
        return try await mutation(request) { tx in
            let (scenario, proposal) = try await publishersProposal(tx, id: id, publisher: publisher)
            try OpenDayRules.pair(proposal)
            try await ScenarioProposalStore.markPaired(tx, id: id, note: note)
            try await Outbox.append(
                tx,
                EventsEvents.PairingRecorded(
                    subjects: .init(
                        scenarioID: scenario.id.text, proposalID: id.text,
                        enterpriseID: scenario.enterpriseID.text, proposerID: proposal.proposerID.text),
                    payload: .init(
                        scenarioID: scenario.id.text, proposalID: id.text, enterpriseID: scenario.enterpriseID.text,
                        proposerID: proposal.proposerID.text)))
            return try await ScenarioProposalStore.find(tx, id: id)!.message
        }
    }

    // MARK: shared steps

    private func findScenario(_ tx: Tx, id: UUID) async throws -> ScenarioRecord {
        let scenario = try await OpenDayStore.find(tx, id: id).orNotFound("scenario \(id.text)")
        return scenario
    }

    /// The proposal, locked, when `publisher` published its scenario; only the
    /// publisher moves a proposal on.
    private func publishersProposal(
        _ tx: Tx, id: UUID, publisher: Principal
    ) async throws -> (ScenarioRecord, ScenarioProposalRecord) {
        let proposal = try await ScenarioProposalStore.find(tx, id: id, lock: .update).orNotFound("proposal \(id.text)")
        let scenario = try await findScenario(tx, id: proposal.scenarioID)
        guard scenario.enterpriseID == publisher.accountID else { throw NomadError.permissionDenied }
        return (scenario, proposal)
    }
}
