import Foundation
import GRPCCore
import NomadKit
import NomadProtos

extension JobsService {
    /// The hot path under load: one statement (`claim_job`) that takes a seat
    /// under the job row's lock and records the order holding it. A retry
    /// with the same request_id (after a timeout, or a replica dying) returns
    /// the same order.
    func claimJob(request: Nomad_Jobs_V1_ClaimJobRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Order {
        let principal = try caller
        let jobID = try Validate.uuid(request.jobID, "job_id")
        if principal.foreign {
            // A claim signs a service contract through the job's deadline; only
            // foreign nomads pay this read (the claim itself stays one statement).
            let deadline = try await database.read({ try await JobStore.deadlineDay($0, id: jobID) }).orNotFound("job")
            try OrderRules.permitCovers(foreign: true, permitUntil: principal.workPermitUntil, from: .today(), through: deadline)
        }
        return try await database.mutationInOneStatement(
            request,
            refusal: JobsErrors.claimRefusal,
            statement: { ClaimJobStatement(key: $0, jobID: jobID, nomadID: principal.accountID, signedAt: Date()) },
            result: ClaimJobStatement.Result.self,
            response: { claimed in
                let signedAt = Date(timeIntervalSince1970: Double(claimed.signedAtMicros) / 1_000_000)
                return OrderRecord(
                    id: claimed.orderId, jobID: jobID, nomadID: principal.accountID, enterpriseID: claimed.enterpriseId,
                    status: Int16(Nomad_Jobs_V1_OrderStatus.active.rawValue), holdsSeat: true,
                    contractKind: claimed.contractKind, contractStart: ZoneDay(iso: claimed.contractStart),
                    contractSignedAt: signedAt, createdAt: signedAt, updatedAt: signedAt
                ).message(now: signedAt)
            })
    }
}
