import Foundation
import GRPCCore
import NomadKit
import NomadProtos

// PLACEHOLDER: replaced by the implementation of this area.
extension JobsService {
    func applyToJob(request: Nomad_Jobs_V1_ApplyToJobRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Order {
        throw RPCError(code: .unimplemented, message: "applyToJob")
    }

    func acceptApplication(request: Nomad_Jobs_V1_AcceptApplicationRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Order {
        throw RPCError(code: .unimplemented, message: "acceptApplication")
    }

    func rejectApplication(request: Nomad_Jobs_V1_RejectApplicationRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Order {
        throw RPCError(code: .unimplemented, message: "rejectApplication")
    }

    func setMilestones(request: Nomad_Jobs_V1_SetMilestonesRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Order {
        throw RPCError(code: .unimplemented, message: "setMilestones")
    }

    func submitDelivery(request: Nomad_Jobs_V1_SubmitDeliveryRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Order {
        throw RPCError(code: .unimplemented, message: "submitDelivery")
    }

    func acceptDelivery(request: Nomad_Jobs_V1_AcceptDeliveryRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Order {
        throw RPCError(code: .unimplemented, message: "acceptDelivery")
    }

    func rateOrder(request: Nomad_Jobs_V1_RateOrderRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Order {
        throw RPCError(code: .unimplemented, message: "rateOrder")
    }

    func cancelOrder(request: Nomad_Jobs_V1_CancelOrderRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Order {
        throw RPCError(code: .unimplemented, message: "cancelOrder")
    }

    func getOrder(request: Nomad_Jobs_V1_GetOrderRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Order {
        throw RPCError(code: .unimplemented, message: "getOrder")
    }

    func listOrders(request: Nomad_Jobs_V1_ListOrdersRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_ListOrdersResponse {
        throw RPCError(code: .unimplemented, message: "listOrders")
    }
}
