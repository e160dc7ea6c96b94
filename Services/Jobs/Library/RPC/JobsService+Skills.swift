import Foundation
import GRPCCore
import NomadKit
import NomadProtos

// PLACEHOLDER: replaced by the implementation of this area.
extension JobsService {
    func listSkills(request: Nomad_Jobs_V1_ListSkillsRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_ListSkillsResponse {
        throw RPCError(code: .unimplemented, message: "listSkills")
    }

    func getSkill(request: Nomad_Jobs_V1_GetSkillRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Skill {
        throw RPCError(code: .unimplemented, message: "getSkill")
    }

    func resolveSkills(request: Nomad_Jobs_V1_ResolveSkillsRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_ResolveSkillsResponse {
        throw RPCError(code: .unimplemented, message: "resolveSkills")
    }

    func createSkill(request: Nomad_Jobs_V1_CreateSkillRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Skill {
        throw RPCError(code: .unimplemented, message: "createSkill")
    }

    func addSkillAliases(request: Nomad_Jobs_V1_AddSkillAliasesRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Skill {
        throw RPCError(code: .unimplemented, message: "addSkillAliases")
    }
}
