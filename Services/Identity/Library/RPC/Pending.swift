import GRPCCore
import NomadProtos

// Temporary: handlers being written. Removed before this lands.
extension IdentityService {
    func applyCertification(request: Nomad_Identity_V1_ApplyCertificationRequest, context: ServerContext) async throws -> Nomad_Identity_V1_CertificationApplication { throw RPCError(code: .unimplemented, message: "pending") }
    func getCertification(request: Nomad_Identity_V1_GetCertificationRequest, context: ServerContext) async throws -> Nomad_Identity_V1_CertificationApplication { throw RPCError(code: .unimplemented, message: "pending") }
    func listCertifications(request: Nomad_Identity_V1_ListCertificationsRequest, context: ServerContext) async throws -> Nomad_Identity_V1_ListCertificationsResponse { throw RPCError(code: .unimplemented, message: "pending") }
    func decideCertification(request: Nomad_Identity_V1_DecideCertificationRequest, context: ServerContext) async throws -> Nomad_Identity_V1_CertificationApplication { throw RPCError(code: .unimplemented, message: "pending") }
    func supplementCertification(request: Nomad_Identity_V1_SupplementCertificationRequest, context: ServerContext) async throws -> Nomad_Identity_V1_CertificationApplication { throw RPCError(code: .unimplemented, message: "pending") }
    func recognizeMigrant(request: Nomad_Identity_V1_RecognizeMigrantRequest, context: ServerContext) async throws -> Nomad_Identity_V1_Account { throw RPCError(code: .unimplemented, message: "pending") }
    func getCard(request: Nomad_Identity_V1_GetCardRequest, context: ServerContext) async throws -> Nomad_Identity_V1_Card { throw RPCError(code: .unimplemented, message: "pending") }
    func issueCardQr(request: Nomad_Identity_V1_IssueCardQrRequest, context: ServerContext) async throws -> Nomad_Identity_V1_CardQr { throw RPCError(code: .unimplemented, message: "pending") }
    func verifyCard(request: Nomad_Identity_V1_VerifyCardRequest, context: ServerContext) async throws -> Nomad_Identity_V1_VerifyCardResponse { throw RPCError(code: .unimplemented, message: "pending") }
    func setCardStatus(request: Nomad_Identity_V1_SetCardStatusRequest, context: ServerContext) async throws -> Nomad_Identity_V1_Card { throw RPCError(code: .unimplemented, message: "pending") }
    func createSite(request: Nomad_Identity_V1_CreateSiteRequest, context: ServerContext) async throws -> Nomad_Identity_V1_Site { throw RPCError(code: .unimplemented, message: "pending") }
    func listSites(request: Nomad_Identity_V1_ListSitesRequest, context: ServerContext) async throws -> Nomad_Identity_V1_ListSitesResponse { throw RPCError(code: .unimplemented, message: "pending") }
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
    func listAuditEntries(request: Nomad_Identity_V1_ListAuditEntriesRequest, context: ServerContext) async throws -> Nomad_Identity_V1_ListAuditEntriesResponse { throw RPCError(code: .unimplemented, message: "pending") }
}
