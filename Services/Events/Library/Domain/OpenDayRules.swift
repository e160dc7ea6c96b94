import Foundation
import NomadKit
import NomadProtos
import SwiftProtobuf

/// A scenario as published, after validation.
struct ScenarioDraft: Sendable {
    var eventID: UUID?
    var title: (zh: String, en: String)
    var description: (zh: String, en: String)
    var businessProblem: String
    var dataOffered: String
    var currency: String
    var budgetMinor: Int64
    var deadline: Date
}

/// A proposal as submitted, after validation. `members` starts with the proposer.
struct ProposalDraft: Sendable {
    var members: [UUID]
    var summary: String
    var links: [String]
    var evidenceHash: String
}

/// Industry scenario open days (产业场景开放日): what a valid scenario and
/// proposal look like and which steps each proposal status allows.
enum OpenDayRules {
    static let maxTitle = 200
    static let maxText = 5000
    static let maxNote = 2000

    enum ProposalStatus: Int16 {
        case submitted = 1, shortlisted = 2, paired = 3
    }

    static func scenario(_ scenario: Nomad_Events_V1_OpenDayScenario, now: Date) throws -> ScenarioDraft {
        let eventID = try EntryInput.optionalID(scenario.eventID, "scenario.event_id")
        let title = try Validate.localized(scenario.title, "scenario.title", max: maxTitle)
        let description = try Validate.localized(scenario.description_p, "scenario.description", max: maxText)
        let problem = try Validate.text(scenario.businessProblem, "scenario.business_problem", max: maxText)
        let data = try Validate.text(scenario.dataOffered, "scenario.data_offered", max: maxText, required: false)
        guard scenario.hasBudget else { throw NomadError.required("scenario.budget") }
        let currency = try Validate.currencyCode(scenario.budget.currencyCode, "scenario.budget.currency_code")
        guard scenario.budget.minorUnits >= 0 else {
            throw NomadError.invalid("scenario.budget", zh: "金额不能为负数", en: "must not be negative")
        }
        guard scenario.hasDeadline else { throw NomadError.required("scenario.deadline") }
        guard scenario.deadline.date > now else {
            throw NomadError.invalid("scenario.deadline", zh: "截止时间必须在未来", en: "must be in the future")
        }
        return ScenarioDraft(
            eventID: eventID, title: title, description: description, businessProblem: problem, dataOffered: data,
            currency: currency, budgetMinor: scenario.budget.minorUnits, deadline: scenario.deadline.date)
    }

    static func proposal(_ request: Nomad_Events_V1_ProposeScenarioSolutionRequest, proposer: UUID) throws -> ProposalDraft {
        ProposalDraft(
            members: try EntryInput.team(lead: proposer, others: request.memberIds),
            summary: try Validate.text(request.summary, "summary", max: maxText),
            links: try EntryInput.links(request.links),
            evidenceHash: try Validate.sha256Hex(request.evidenceHash, "evidence_hash", required: false))
    }

    static func admit(to scenario: ScenarioRecord, now: Date) throws {
        guard scenario.deadline > now else {
            throw NomadError.wrongState("该场景的方案征集已截止", "this scenario no longer takes proposals")
        }
    }

    static func shortlist(_ proposal: ScenarioProposalRecord) throws {
        guard proposal.status == ProposalStatus.submitted.rawValue else {
            throw NomadError.wrongState("该方案已入围", "this proposal is already shortlisted")
        }
    }

    static func pair(_ proposal: ScenarioProposalRecord) throws {
        switch ProposalStatus(rawValue: proposal.status) {
        case .shortlisted: return
        case .paired: throw NomadError.wrongState("该方案已完成对接", "this proposal is already paired")
        default: throw NomadError.wrongState("方案须先入围", "the proposal must be shortlisted first")
        }
    }
}
