import GRPCCore
import NomadKit
import NomadProtos

extension AssetsService {
    /// The chassis' reader of this service's decision log (`auditEntries`).
    func listAuditEntries(
        request: Nomad_Common_V1_ListAuditEntriesRequest, context: ServerContext
    ) async throws -> Nomad_Common_V1_ListAuditEntriesResponse {
        try await auditEntries(request)
    }
}
