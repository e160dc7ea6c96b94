import GRPCCore
import NomadProtos

// Temporary: handlers being written. Removed before this lands.
extension IdentityService {
    func applyPermit(request: Nomad_Identity_V1_ApplyPermitRequest, context: ServerContext) async throws -> Nomad_Identity_V1_Permit { throw RPCError(code: .unimplemented, message: "pending") }
    func getPermit(request: Nomad_Identity_V1_GetPermitRequest, context: ServerContext) async throws -> Nomad_Identity_V1_Permit { throw RPCError(code: .unimplemented, message: "pending") }
    func listPermits(request: Nomad_Identity_V1_ListPermitsRequest, context: ServerContext) async throws -> Nomad_Identity_V1_ListPermitsResponse { throw RPCError(code: .unimplemented, message: "pending") }
    func decidePermit(request: Nomad_Identity_V1_DecidePermitRequest, context: ServerContext) async throws -> Nomad_Identity_V1_Permit { throw RPCError(code: .unimplemented, message: "pending") }
    func listCatalogue(request: Nomad_Identity_V1_ListCatalogueRequest, context: ServerContext) async throws -> Nomad_Identity_V1_ListCatalogueResponse { throw RPCError(code: .unimplemented, message: "pending") }
    func getCatalogueEntry(request: Nomad_Identity_V1_GetCatalogueEntryRequest, context: ServerContext) async throws -> Nomad_Identity_V1_CatalogueEntry { throw RPCError(code: .unimplemented, message: "pending") }
    func submitApplication(request: Nomad_Identity_V1_SubmitApplicationRequest, context: ServerContext) async throws -> Nomad_Identity_V1_ServiceApplication { throw RPCError(code: .unimplemented, message: "pending") }
    func getApplication(request: Nomad_Identity_V1_GetApplicationRequest, context: ServerContext) async throws -> Nomad_Identity_V1_ServiceApplication { throw RPCError(code: .unimplemented, message: "pending") }
    func listApplications(request: Nomad_Identity_V1_ListApplicationsRequest, context: ServerContext) async throws -> Nomad_Identity_V1_ListApplicationsResponse { throw RPCError(code: .unimplemented, message: "pending") }
    func decideApplication(request: Nomad_Identity_V1_DecideApplicationRequest, context: ServerContext) async throws -> Nomad_Identity_V1_ServiceApplication { throw RPCError(code: .unimplemented, message: "pending") }
    func rateApplication(request: Nomad_Identity_V1_RateApplicationRequest, context: ServerContext) async throws -> Nomad_Identity_V1_ServiceApplication { throw RPCError(code: .unimplemented, message: "pending") }
}
