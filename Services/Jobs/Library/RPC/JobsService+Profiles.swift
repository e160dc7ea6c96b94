import Foundation
import GRPCCore
import NomadKit
import NomadProtos

// PLACEHOLDER: replaced by the implementation of this area.
extension JobsService {
    func getProfile(request: Nomad_Jobs_V1_GetProfileRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Profile {
        throw RPCError(code: .unimplemented, message: "getProfile")
    }

    func updateProfile(request: Nomad_Jobs_V1_UpdateProfileRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Profile {
        throw RPCError(code: .unimplemented, message: "updateProfile")
    }
}
