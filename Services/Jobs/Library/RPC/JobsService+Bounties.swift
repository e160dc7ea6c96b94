import Foundation
import GRPCCore
import NomadKit
import NomadProtos

// PLACEHOLDER: replaced by the implementation of this area.
extension JobsService {
    func publishBounty(request: Nomad_Jobs_V1_PublishBountyRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Bounty {
        throw RPCError(code: .unimplemented, message: "publishBounty")
    }

    func getBounty(request: Nomad_Jobs_V1_GetBountyRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Bounty {
        throw RPCError(code: .unimplemented, message: "getBounty")
    }

    func listBounties(request: Nomad_Jobs_V1_ListBountiesRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_ListBountiesResponse {
        throw RPCError(code: .unimplemented, message: "listBounties")
    }

    func submitBountyApplication(request: Nomad_Jobs_V1_SubmitBountyApplicationRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_BountyApplication {
        throw RPCError(code: .unimplemented, message: "submitBountyApplication")
    }

    func reviewBountyApplication(request: Nomad_Jobs_V1_ReviewBountyApplicationRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_BountyApplication {
        throw RPCError(code: .unimplemented, message: "reviewBountyApplication")
    }

    func claimBounty(request: Nomad_Jobs_V1_ClaimBountyRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_BountyApplication {
        throw RPCError(code: .unimplemented, message: "claimBounty")
    }

    func reportBountyProgress(request: Nomad_Jobs_V1_ReportBountyProgressRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Bounty {
        throw RPCError(code: .unimplemented, message: "reportBountyProgress")
    }

    func completeBounty(request: Nomad_Jobs_V1_CompleteBountyRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Bounty {
        throw RPCError(code: .unimplemented, message: "completeBounty")
    }

    func listBountyApplications(request: Nomad_Jobs_V1_ListBountyApplicationsRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_ListBountyApplicationsResponse {
        throw RPCError(code: .unimplemented, message: "listBountyApplications")
    }

    func listBountyAudit(request: Nomad_Jobs_V1_ListBountyAuditRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_ListBountyAuditResponse {
        throw RPCError(code: .unimplemented, message: "listBountyAudit")
    }
}
