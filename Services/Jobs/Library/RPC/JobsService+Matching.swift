import Foundation
import GRPCCore
import NomadKit
import NomadProtos

// PLACEHOLDER: replaced by the implementation of this area.
extension JobsService {
    func matchNomads(request: Nomad_Jobs_V1_MatchNomadsRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_MatchResponse {
        throw RPCError(code: .unimplemented, message: "matchNomads")
    }

    func matchJobs(request: Nomad_Jobs_V1_MatchJobsRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_MatchResponse {
        throw RPCError(code: .unimplemented, message: "matchJobs")
    }

    func getSkillGap(request: Nomad_Jobs_V1_GetSkillGapRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_SkillGap {
        throw RPCError(code: .unimplemented, message: "getSkillGap")
    }
}
