import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import SwiftProtobuf

/// Training scenarios (场景实训) and the career chain they start.
extension JobsService {
    func createScenario(request: Nomad_Jobs_V1_CreateScenarioRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Scenario {
        let principal = try caller
        let input = request.scenario
        var scenario = Nomad_Jobs_V1_Scenario()
        scenario.skillCode = try Validate.text(input.skillCode, "scenario.skill_code", max: 200)
        guard (1...5).contains(input.level) else {
            throw NomadError.invalid("scenario.level", zh: "须在 1 到 5 之间", en: "must be between 1 and 5")
        }
        scenario.level = input.level
        scenario.title.zhCn = try Validate.text(input.title.zhCn, "scenario.title.zh_cn", max: 200)
        scenario.title.en = try Validate.text(input.title.en, "scenario.title.en", max: 200)
        scenario.description_p.zhCn = try Validate.text(
            input.description_p.zhCn, "scenario.description.zh_cn", max: 4000, required: false)
        scenario.description_p.en = try Validate.text(input.description_p.en, "scenario.description.en", max: 4000, required: false)
        scenario.provider = try Validate.text(input.provider, "scenario.provider", max: 200)
        guard (1...2000).contains(input.hours) else {
            throw NomadError.invalid("scenario.hours", zh: "须在 1 到 2000 之间", en: "must be between 1 and 2000")
        }
        scenario.hours = input.hours
        return try await mutation(request) { tx in
            guard try await ScenarioStore.skillExists(tx, code: scenario.skillCode) else {
                throw JobsErrors.unknownSkill(scenario.skillCode)
            }
            let id = UUID()
            try await ScenarioStore.insert(tx, scenario, id: id)
            scenario.scenarioID = id.text
            try await Outbox.append(
                tx,
                JobsEvents.ScenarioCreated(
                    subjects: .init(scenarioID: id.text),
                    payload: .init(
                        skillCode: scenario.skillCode, level: Int(scenario.level),
                        provider: scenario.provider, hours: Int(scenario.hours))))
            try await audit(tx, principal, "scenario.create", subject: "scenario/\(id.text)", before: nil, after: scenario)
            return scenario
        }
    }

    func listScenarios(
        request: Nomad_Jobs_V1_ListScenariosRequest, context: ServerContext
    ) async throws -> Nomad_Jobs_V1_ListScenariosResponse {
        let page = try Page(request.page)
        let skill = request.skillCode.isEmpty ? nil : try Validate.text(request.skillCode, "skill_code", max: 200)
        let scenarios = try await database.read { tx in
            try await ScenarioStore.list(tx, skillCode: skill, page: page)
        }
        return .listing(\.scenarios, scenarios, page)
    }

    func completeScenario(
        request: Nomad_Jobs_V1_CompleteScenarioRequest, context: ServerContext
    ) async throws -> Nomad_Jobs_V1_ScenarioCompletion {
        let principal = try caller
        let scenarioID = try Validate.uuid(request.scenarioID, "scenario_id")
        let nomadID = try Validate.uuid(request.nomadID, "nomad_id")
        let hash = try Validate.sha256Hex(request.evidenceHash, "evidence_hash", required: false)
        return try await mutation(request) { tx in
            let scenario = try await ScenarioStore.find(tx, id: scenarioID).orNotFound("scenario")
            guard
                let completedAt = try await ScenarioStore.complete(
                    tx, scenarioID: scenarioID, nomadID: nomadID, evidenceHash: hash, recordedBy: principal.accountID)
            else {
                throw NomadError(.alreadyExists, zh: "该游民已完成此实训场景", en: "This nomad has already completed this scenario")
            }
            try await VerificationStore.record(
                tx, nomadID: nomadID, skillCode: scenario.skillCode, level: Int16(scenario.level),
                source: .training, referenceID: scenarioID)
            try await Outbox.append(
                tx,
                JobsEvents.TrainingCompleted(
                    subjects: .init(nomadID: nomadID.text, scenarioID: scenarioID.text, officerID: principal.accountID.text),
                    payload: .init(
                        skillCode: scenario.skillCode, level: Int(scenario.level),
                        provider: scenario.provider, hours: Int(scenario.hours),
                        department: principal.department ?? "")))
            let completion = Nomad_Jobs_V1_ScenarioCompletion.with {
                $0.scenarioID = scenarioID.text
                $0.nomadID = nomadID.text
                $0.skillCode = scenario.skillCode
                $0.verifiedLevel = scenario.level
                $0.completedAt = .init(date: completedAt)
            }
            try await audit(
                tx, principal, "scenario.complete", subject: "scenario/\(scenarioID.text)/nomad/\(nomadID.text)",
                before: nil, after: completion)
            return completion
        }
    }

    func getCareerChain(request: Nomad_Jobs_V1_GetCareerChainRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_CareerChain {
        let principal = try caller
        let nomadID = try Self.nomadID(request.nomadID, principal: principal)
        let chain = try await database.read { tx in
            CareerChain(
                completions: try await ScenarioStore.completions(tx, nomadID: nomadID),
                orders: try await OrderStore.careerOrders(tx, nomadID: nomadID))
        }
        return .with {
            $0.nomadID = nomadID.text
            $0.steps = chain.steps.map { step in
                .with {
                    $0.stage = .init(rawValue: step.stage.rawValue) ?? .unspecified
                    $0.at = .init(date: step.at)
                    $0.skillCode = step.skillCode
                    $0.referenceID = step.referenceID.text
                }
            }
            $0.scenariosCompleted = Int32(chain.scenariosCompleted)
            $0.ordersTaken = Int32(chain.ordersTaken)
            $0.ordersCompleted = Int32(chain.ordersCompleted)
            $0.landed = chain.landed
        }
    }
}
