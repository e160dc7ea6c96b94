import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO

/// Remote orders (远程接单): an application, the enterprise's acceptance
/// (taking a seat and signing the contract), milestones, deliveries,
/// completion, ratings and cancellation. Each step locks the order row, so
/// two steps on one order never interleave; seats change only under the job
/// row's lock (SeatStore).
extension JobsService {
    func applyToJob(request: Nomad_Jobs_V1_ApplyToJobRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Order {
        let principal = try caller
        let jobID = try Validate.uuid(request.jobID, "job_id")
        let coverNote = try Validate.text(request.coverNote, "cover_note", max: OrderRules.maxCoverNote, required: false)
        return try await mutation(request) { tx in
            let job = try await OrderStore.job(tx, id: jobID).orNotFound("job")
            if job.mode == Int16(Nomad_Jobs_V1_JobMode.openBounty.rawValue) {
                throw NomadError.wrongState("揭榜挂帅项目请通过揭榜流程申请", "apply to a bounty through the bounty steps")
            }
            guard job.status == Int16(Nomad_Jobs_V1_JobStatus.open.rawValue), job.seatsTaken < job.seats else {
                throw JobsErrors.jobNotOpen
            }
            guard job.beforeDeadline else { throw JobsErrors.jobDeadlinePassed }
            let now = Date()
            let order = OrderRecord(
                id: UUID(), jobID: jobID, nomadID: principal.accountID, enterpriseID: job.enterpriseID,
                status: OrderRules.code(.applied), holdsSeat: false, coverNote: coverNote, createdAt: now, updatedAt: now,
                nomadForeign: principal.foreign, nomadPermitUntil: principal.workPermitUntil)
            try await OrderStore.insert(tx, order)
            try await Outbox.append(
                tx,
                JobsEvents.ApplicationSubmitted(
                    subjects: .init(
                        orderID: order.id.text, jobID: jobID.text, nomadID: principal.accountID.text,
                        enterpriseID: job.enterpriseID.text),
                    payload: .init(mode: Int(job.mode))))
            return order.message(now: now)
        }
    }

    func acceptApplication(request: Nomad_Jobs_V1_AcceptApplicationRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Order {
        let principal = try caller
        let orderID = try Validate.uuid(request.orderID, "order_id")
        guard request.hasContract else { throw NomadError.required("contract") }
        return try await mutation(request) { tx in
            var order = try await lockedOrder(tx, orderID)
            try OrderRules.requireParty(principal, order, .enterprise)
            try OrderRules.require(order, in: [.applied], "只能接受待处理的申请", "only a pending application can be accepted")
            let job = try await OrderStore.job(tx, id: order.jobID).orNotFound("job")
            let terms = try OrderRules.contract(request.contract, jobMode: job.mode)
            if terms.kind == .employment || terms.longTerm {
                try OrderRules.permitCovers(
                    foreign: order.nomadForeign, permitUntil: order.nomadPermitUntil, from: terms.start, through: terms.end)
            }
            guard let seat = try await SeatStore.take(tx, jobID: order.jobID) else {
                throw try await SeatStore.refusal(tx, jobID: order.jobID)
            }
            let now = Date()
            order.status = OrderRules.code(.active)
            order.holdsSeat = true
            order.contractKind = Int16(terms.kind.rawValue)
            order.contractStart = terms.start
            order.contractEnd = terms.end
            order.contractSignedAt = now
            order.updatedAt = now
            try await OrderStore.save(tx, order)
            try await Outbox.append(
                tx,
                JobsEvents.ContractSigned(
                    subjects: ids(order),
                    payload: .init(
                        kind: terms.kind.rawValue, start: terms.start.iso, end: terms.end?.iso ?? "",
                        wholeMonths: terms.wholeMonths, longTerm: terms.longTerm, mode: Int(seat.mode),
                        seatsTaken: seat.seatsTaken, seats: seat.seats)))
            return order.message(now: now)
        }
    }

    func rejectApplication(request: Nomad_Jobs_V1_RejectApplicationRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Order {
        let principal = try caller
        let orderID = try Validate.uuid(request.orderID, "order_id")
        let reason = try Validate.text(request.reason, "reason", max: OrderRules.maxReason)
        return try await mutation(request) { tx in
            var order = try await lockedOrder(tx, orderID)
            try OrderRules.requireParty(principal, order, .enterprise)
            try OrderRules.require(order, in: [.applied], "只能拒绝待处理的申请", "only a pending application can be rejected")
            let now = Date()
            order.status = OrderRules.code(.rejected)
            order.rejectReason = reason
            order.updatedAt = now
            try await OrderStore.save(tx, order)
            try await Outbox.append(
                tx,
                JobsEvents.ApplicationRejected(
                    subjects: ids(order),
                    payload: .init(status: Int(order.status))))
            return order.message(now: now)
        }
    }

    func setMilestones(request: Nomad_Jobs_V1_SetMilestonesRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Order {
        let principal = try caller
        let orderID = try Validate.uuid(request.orderID, "order_id")
        if request.milestones.isEmpty { throw NomadError.required("milestones") }
        return try await mutation(request) { tx in
            var order = try await lockedOrder(tx, orderID)
            try OrderRules.requireParty(principal, order, .enterprise)
            try OrderRules.require(order, in: [.active], "只能为进行中的订单设置里程碑", "milestones are set on an active order")
            guard order.milestones.allSatisfy({ $0.status == OrderRules.milestonePending }) else {
                throw NomadError.wrongState("已有里程碑交付，不能再替换", "a milestone was already delivered; the plan can no longer be replaced")
            }
            let job = try await OrderStore.job(tx, id: order.jobID).orNotFound("job")
            let now = Date()
            order.milestones = try OrderRules.milestones(
                request.milestones, budgetCurrency: job.budgetCurrency, budgetMinor: job.budgetMinor, now: now)
            order.updatedAt = now
            try await OrderStore.saveMilestones(tx, order)
            try await OrderStore.save(tx, order)
            return order.message(now: now)
        }
    }

    func submitDelivery(request: Nomad_Jobs_V1_SubmitDeliveryRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Order {
        let principal = try caller
        let orderID = try Validate.uuid(request.orderID, "order_id")
        let note = try Validate.text(request.note, "note", max: OrderRules.maxDeliveryNote, required: false)
        let hash = try Validate.sha256Hex(request.evidenceHash, "evidence_hash")
        return try await mutation(request) { tx in
            var order = try await lockedOrder(tx, orderID)
            try OrderRules.requireParty(principal, order, .nomad)
            try OrderRules.require(order, in: [.active], "只能交付进行中的订单", "only an active order can be delivered")
            let now = Date()
            if order.milestones.isEmpty {
                order.status = OrderRules.code(.delivered)
                try await OrderStore.recordWholeDelivery(tx, orderID: order.id, note: note, evidenceHash: hash)
            } else {
                let index = try OrderRules.milestoneIndex(request.milestoneIndex, in: order)
                guard order.milestones[index].status == OrderRules.milestonePending else {
                    throw NomadError.wrongState("该里程碑已交付", "this milestone was already delivered")
                }
                order.milestones[index].status = OrderRules.milestoneDelivered
                order.milestones[index].deliveryNote = note
                order.milestones[index].evidenceHash = hash
                // The order as a whole is delivered once nothing is left to deliver.
                if order.milestones.allSatisfy({ $0.status != OrderRules.milestonePending }) {
                    order.status = OrderRules.code(.delivered)
                }
                try await OrderStore.saveMilestones(tx, order)
            }
            order.updatedAt = now
            try await OrderStore.save(tx, order)
            try await Outbox.append(
                tx,
                JobsEvents.DeliverySubmitted(
                    subjects: ids(order),
                    payload: .init(status: Int(order.status))))
            return order.message(now: now)
        }
    }

    func acceptDelivery(request: Nomad_Jobs_V1_AcceptDeliveryRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Order {
        let principal = try caller
        let orderID = try Validate.uuid(request.orderID, "order_id")
        return try await mutation(request) { tx in
            var order = try await lockedOrder(tx, orderID)
            try OrderRules.requireParty(principal, order, .enterprise)
            if order.milestones.isEmpty {
                try OrderRules.require(order, in: [.delivered], "订单尚未交付", "the order has not been delivered")
            } else {
                try OrderRules.require(order, in: [.active, .delivered], "订单不在交付阶段", "the order is not being delivered")
                let index = try OrderRules.milestoneIndex(request.milestoneIndex, in: order)
                guard order.milestones[index].status == OrderRules.milestoneDelivered else {
                    throw NomadError.wrongState("该里程碑未交付或已验收", "this milestone is not delivered, or already accepted")
                }
                order.milestones[index].status = OrderRules.milestoneAccepted
                try await OrderStore.saveMilestones(tx, order)
            }
            let now = Date()
            order.updatedAt = now
            if order.milestones.allSatisfy({ $0.status == OrderRules.milestoneAccepted }) {
                try await complete(tx, &order, now: now)
            }
            try await OrderStore.save(tx, order)
            return order.message(now: now)
        }
    }

    func rateOrder(request: Nomad_Jobs_V1_RateOrderRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Order {
        let principal = try caller
        let orderID = try Validate.uuid(request.orderID, "order_id")
        return try await mutation(request) { tx in
            var order = try await lockedOrder(tx, orderID)
            guard let party = OrderRules.party(of: principal, in: order) else { throw NomadError.permissionDenied }
            let stars = try OrderRules.stars(request.stars)
            let comment = try Validate.text(request.comment, "comment", max: OrderRules.maxComment, required: false)
            try OrderRules.require(order, in: [.completed], "只能评价已完成的订单", "only a completed order can be rated")
            let now = Date()
            let rating = OrderRecord.RatingRecord(stars: stars, comment: comment, at: now)
            switch party {
            case .enterprise:
                guard order.ratingByEnterprise == nil else { throw alreadyRated }
                order.ratingByEnterprise = rating
            case .nomad:
                guard order.ratingByNomad == nil else { throw alreadyRated }
                order.ratingByNomad = rating
            }
            order.updatedAt = now
            try await OrderStore.save(tx, order)
            try await Outbox.append(
                tx,
                JobsEvents.OrderRated(
                    subjects: ids(order),
                    payload: .init(by: party == .nomad ? "nomad" : "enterprise", stars: Int(stars))))
            return order.message(now: now)
        }
    }

    func cancelOrder(request: Nomad_Jobs_V1_CancelOrderRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Order {
        let principal = try caller
        let orderID = try Validate.uuid(request.orderID, "order_id")
        return try await mutation(request) { tx in
            var order = try await lockedOrder(tx, orderID)
            guard let party = OrderRules.party(of: principal, in: order) else { throw NomadError.permissionDenied }
            let reason = try Validate.text(request.reason, "reason", max: OrderRules.maxReason)
            try OrderRules.require(
                order, in: [.applied, .active, .delivered],
                "已完成、已拒绝或已取消的订单不能取消", "a completed, rejected or cancelled order cannot be cancelled")
            let heldSeat = order.holdsSeat
            if heldSeat { try await SeatStore.release(tx, jobID: order.jobID) }
            let previous = order.status
            let now = Date()
            order.status = OrderRules.code(.cancelled)
            order.holdsSeat = false
            order.cancelReason = reason
            order.updatedAt = now
            try await OrderStore.save(tx, order)
            try await Outbox.append(
                tx,
                JobsEvents.OrderCancelled(
                    subjects: ids(order),
                    payload: .init(
                        by: party == .nomad ? "nomad" : "enterprise", previousStatus: Int(previous),
                        seatReleased: heldSeat)))
            return order.message(now: now)
        }
    }

    func getOrder(request: Nomad_Jobs_V1_GetOrderRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Order {
        let principal = try caller
        let orderID = try Validate.uuid(request.orderID, "order_id")
        let order = try await database.read { tx in
            try await OrderStore.find(tx, id: orderID)
        }
        guard let order else { throw NomadError.notFound("order") }
        let staff = principal.role == .officer || principal.role == .admin
        guard staff || OrderRules.party(of: principal, in: order) != nil else { throw NomadError.permissionDenied }
        return order.message()
    }

    func listOrders(request: Nomad_Jobs_V1_ListOrdersRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_ListOrdersResponse {
        let principal = try caller
        let page = try Page(request.page)
        let jobID = request.jobID.isEmpty ? nil : try Validate.uuid(request.jobID, "job_id")
        var nomadID = request.nomadID.isEmpty ? nil : try Validate.uuid(request.nomadID, "nomad_id")
        let status: Int16?
        switch request.status {
        case .unspecified: status = nil
        case .UNRECOGNIZED: throw NomadError.unknownEnum("status")
        default: status = Int16(request.status.rawValue)
        }
        var enterpriseID: UUID?
        switch principal.role {
        case .officer, .admin: break
        case .nomad:
            // A nomad sees only their own orders.
            if let nomadID, nomadID != principal.accountID { throw NomadError.permissionDenied }
            nomadID = principal.accountID
        case .enterprise:
            // Filtering by a nomad is for officers; an enterprise sees its jobs' orders.
            if nomadID != nil { throw NomadError.permissionDenied }
            enterpriseID = principal.accountID
        case .service: throw NomadError.permissionDenied
        }
        let orders = try await database.read { tx in
            if let jobID, let enterpriseID {
                let job = try await OrderStore.job(tx, id: jobID).orNotFound("job")
                guard job.enterpriseID == enterpriseID else { throw NomadError.permissionDenied }
            }
            return try await OrderStore.list(
                tx, nomadID: nomadID, enterpriseID: enterpriseID, jobID: jobID, status: status,
                page: page)
        }
        let now = Date()
        return .listing(\.orders, orders.map { $0.message(now: now) }, page)
    }

    // MARK: shared steps

    /// The order, locked for this transaction's step.
    private func lockedOrder(_ tx: Tx, _ id: UUID) async throws -> OrderRecord {
        let order = try await OrderStore.find(tx, id: id, lock: .update).orNotFound("order")
        return order
    }

    /// The work is done: the seat stays taken (the job was filled by it), and
    /// the nomad's levels in the job's skills count as proven.
    private func complete(_ tx: Tx, _ order: inout OrderRecord, now: Date) async throws {
        order.status = OrderRules.code(.completed)
        order.completedAt = now
        let skills = try await OrderStore.jobSkills(tx, jobID: order.jobID)
        for skill in skills {
            try await VerificationStore.record(
                tx, nomadID: order.nomadID, skillCode: skill.code, level: skill.minLevel, source: .order,
                referenceID: order.id)
        }
        let job = try await OrderStore.job(tx, id: order.jobID)
        try await Outbox.append(
            tx,
            JobsEvents.OrderCompleted(
                subjects: ids(order),
                payload: .init(
                    mode: Int(job?.mode ?? 0), contractKind: Int(order.contractKind ?? 0), skillCodes: skills.map(\.code),
                    budgetCurrency: job?.budgetCurrency ?? "", budgetMinor: job?.budgetMinor ?? 0,
                    milestones: order.milestones.count)))
    }

    private func ids(_ order: OrderRecord) -> JobsEvents.OrderSubjects {
        .init(orderID: order.id.text, jobID: order.jobID.text, nomadID: order.nomadID.text, enterpriseID: order.enterpriseID.text)
    }

    private var alreadyRated: NomadError {
        NomadError.wrongState("您已评价过该订单", "you have already rated this order")
    }
}
