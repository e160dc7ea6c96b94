import Foundation
import GRPCCore
import NomadKit
import NomadProtos

extension JobsService {
    /// The hot path under load: one transaction that takes a seat under the
    /// job row's lock and records the order holding it. A retry with the same
    /// request_id (after a timeout, or a replica dying) returns the same order.
    func claimJob(request: Nomad_Jobs_V1_ClaimJobRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Order {
        let principal = try caller
        let jobID = try Validate.uuid(request.jobID, "job_id")
        return try await mutation("ClaimJob", requestID: request.requestID, request: request) { connection in
            guard let seat = try await SeatStore.take(connection, jobID: jobID, claim: true, logger: logger) else {
                throw try await SeatStore.refusal(connection, jobID: jobID, claim: true, logger: logger)
            }
            let now = Date()
            let kind: Nomad_Jobs_V1_ContractKind =
                seat.mode == Int16(Nomad_Jobs_V1_JobMode.flexible.rawValue) ? .flexible : .serviceOrder
            let order = OrderRecord(
                id: UUID(), jobID: jobID, nomadID: principal.accountID, enterpriseID: seat.enterpriseID,
                status: Int16(Nomad_Jobs_V1_OrderStatus.active.rawValue), holdsSeat: true,
                contractKind: Int16(kind.rawValue), contractStart: ZoneDay.today(now: now), contractSignedAt: now,
                createdAt: now, updatedAt: now)
            try await OrderStore.insert(connection, order, logger: logger)
            try await Outbox.append(
                connection, type: "jobs.claim.accepted",
                subjectIDs: ["order_id": order.id.text, "job_id": jobID.text, "nomad_id": principal.accountID.text,
                             "enterprise_id": seat.enterpriseID.text],
                payload: ClaimAccepted(mode: Int(seat.mode), contractKind: kind.rawValue,
                                       seatsTaken: seat.seatsTaken, seats: seat.seats),
                logger: logger)
            return order.message(now: now)
        }
    }
}

/// The outbox payload of "jobs.claim.accepted".
struct ClaimAccepted: Encodable {
    var mode: Int
    var contractKind: Int
    var seatsTaken: Int
    var seats: Int
}
