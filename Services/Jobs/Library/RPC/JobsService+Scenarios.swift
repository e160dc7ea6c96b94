import Foundation
import GRPCCore
import NomadKit
import NomadProtos

// PLACEHOLDER: replaced by the implementation of this area.
extension JobsService {
    func createScenario(request: Nomad_Jobs_V1_CreateScenarioRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Scenario {
        throw RPCError(code: .unimplemented, message: "createScenario")
    }

    func listScenarios(request: Nomad_Jobs_V1_ListScenariosRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_ListScenariosResponse {
        throw RPCError(code: .unimplemented, message: "listScenarios")
    }

    func completeScenario(request: Nomad_Jobs_V1_CompleteScenarioRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_ScenarioCompletion {
        throw RPCError(code: .unimplemented, message: "completeScenario")
    }

    func getCareerChain(request: Nomad_Jobs_V1_GetCareerChainRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_CareerChain {
        throw RPCError(code: .unimplemented, message: "getCareerChain")
    }
}
