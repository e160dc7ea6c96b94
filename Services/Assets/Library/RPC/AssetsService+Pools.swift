import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// Data resource pools and enterprises' access to them. A grant changes only
/// under its row lock; every read through a grant is logged against it in
/// the transaction that returns the data.
extension AssetsService {
    func listPools(request: Nomad_Assets_V1_ListPoolsRequest, context: ServerContext) async throws -> Nomad_Assets_V1_ListPoolsResponse {
        _ = try caller
        let pools = try await database.read { try await PoolStore.pools($0) }
        return .with { $0.pools = pools.map(\.message) }
    }

    func getPool(request: Nomad_Assets_V1_GetPoolRequest, context: ServerContext) async throws -> Nomad_Assets_V1_DataPool {
        _ = try caller
        let code = try Validate.text(request.code, "code", max: 64)
        return try await database.read { try await PoolStore.pool($0, code: code) }.message
    }

    func requestPoolAccess(
        request: Nomad_Assets_V1_RequestPoolAccessRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_PoolGrant {
        let enterprise = try caller
        let draft = try PoolRules.draft(
            poolCode: request.poolCode, purpose: request.purpose,
            start: request.hasPeriodStart ? ZoneDay(request.periodStart) : nil,
            end: request.hasPeriodEnd ? ZoneDay(request.periodEnd) : nil, today: .today())
        return try await mutation(request) { tx in
            _ = try await PoolStore.pool(tx, code: draft.poolCode)
            let id = UUID()
            return try await PoolStore.insertGrant(tx, id: id, enterprise: enterprise.accountID, draft: draft).message
        }
    }

    func decidePoolAccess(
        request: Nomad_Assets_V1_DecidePoolAccessRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_PoolGrant {
        let officer = try caller
        guard officer.role == .officer else { throw NomadError.permissionDenied }
        let id = try Validate.uuid(request.grantID, "grant_id")
        let note = try Validate.text(request.note, "note", max: PoolRules.maxPurpose, required: !request.grant)
        return try await mutation(request) { tx in
            let grant = try await PoolStore.grant(tx, id: id, lock: .update).orNotFound("grant \(id.text)")
            guard grant.status == .requested else {
                throw NomadError.wrongState("该申请已处理", "the request was already decided")
            }
            let decided = try await PoolStore.decide(
                tx, id: id, status: request.grant ? .granted : .refused, by: officer.accountID, note: note
            ).message
            if request.grant {
                try await Outbox.append(
                    tx,
                    AssetsEvents.PoolAccessGranted(
                        subjects: .init(
                            grantID: id.text, enterpriseID: grant.enterpriseID.text, ownerID: grant.enterpriseID.text,
                            officerID: officer.accountID.text),
                        payload: .init(grantID: id.text, poolCode: grant.poolCode, enterpriseID: grant.enterpriseID.text)))
            }
            try await audit(
                tx, officer, request.grant ? "pool.grant" : "pool.refuse", subject: "pool_grant/\(id.text)",
                reason: note, before: grant.message, after: decided)
            return decided
        }
    }

    func revokePoolAccess(
        request: Nomad_Assets_V1_RevokePoolAccessRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_PoolGrant {
        let principal = try caller
        let id = try Validate.uuid(request.grantID, "grant_id")
        let reason = try Validate.text(request.reason, "reason", max: PoolRules.maxPurpose, required: false)
        return try await mutation(request) { tx in
            let grant = try await PoolStore.grant(tx, id: id, lock: .update).orNotFound("grant \(id.text)")
            guard principal.role == .officer || grant.enterpriseID == principal.accountID else {
                throw NomadError.permissionDenied
            }
            guard grant.status == .requested || grant.status == .granted else {
                throw NomadError.wrongState("授权已被拒绝或撤销", "the grant was already refused or revoked")
            }
            let revoked = try await PoolStore.revoke(tx, id: id, by: principal.accountID, reason: reason).message
            // The enterprise giving up its own grant decides nothing for a department.
            if principal.role == .officer {
                try await audit(
                    tx, principal, "pool.revoke", subject: "pool_grant/\(id.text)", reason: reason,
                    before: grant.message, after: revoked)
            }
            return revoked
        }
    }

    func listPoolGrants(
        request: Nomad_Assets_V1_ListPoolGrantsRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_ListPoolGrantsResponse {
        let principal = try caller
        let page = try Page(request.page)
        let status = try enumFilter(request.status.rawValue, known: 1...4, field: "status")
        var enterprise: UUID? = try request.enterpriseID.isEmpty ? nil : Validate.uuid(request.enterpriseID, "enterprise_id")
        if principal.role == .enterprise {
            guard enterprise == nil || enterprise == principal.accountID else { throw NomadError.permissionDenied }
            enterprise = principal.accountID
        }
        let grants = try await database.read { tx in
            try await PoolStore.listGrants(tx, enterprise: enterprise, status: status, page: page)
        }
        return .listing(\.grants, grants.map(\.message), page)
    }

    /// The grant's own enterprise reads, while the grant is granted and
    /// within its period; the read is logged in the same transaction, so no
    /// data leaves without a log row.
    func readPoolData(
        request: Nomad_Assets_V1_ReadPoolDataRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_ReadPoolDataResponse {
        let enterprise = try caller
        let id = try Validate.uuid(request.grantID, "grant_id")
        let page = try Page(request.page)
        return try await database.transaction { tx in
            // The grant's row lock: a revocation cannot slip between the check
            // and the log row (the read counter needs the lock anyway).
            let current = try await PoolStore.grant(tx, id: id, lock: .update).orNotFound("grant \(id.text)")
            guard current.enterpriseID == enterprise.accountID else { throw NomadError.permissionDenied }
            if let refusal = PoolRules.readRefusal(status: current.status, start: current.start, end: current.end, today: .today()) {
                throw refusal
            }
            let records = try await PoolStore.data(tx, pool: current.poolCode, page: page)
            let readID = UUID()
            let returned = records.prefix(page.limit)
            try await PoolStore.logRead(tx, id: readID, grant: current, returned: returned.count, offset: page.offset)
            return .with {
                $0.records = returned.map(\.message)
                $0.page = page.response(fetched: records.count)
                $0.readID = readID.text
            }
        }
    }

    func listPoolReads(
        request: Nomad_Assets_V1_ListPoolReadsRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_ListPoolReadsResponse {
        let principal = try caller
        let id = try Validate.uuid(request.grantID, "grant_id")
        let page = try Page(request.page)
        let reads = try await database.read { tx in
            let grant = try await PoolStore.grant(tx, id: id).orNotFound("grant \(id.text)")
            if principal.role == .enterprise, grant.enterpriseID != principal.accountID { throw NomadError.permissionDenied }
            return try await PoolStore.reads(tx, grant: id, page: page)
        }
        return .listing(\.reads, reads.map(\.message), page)
    }
}
