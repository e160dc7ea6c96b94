import Foundation
import GRPCCore
@testable import Assets
import Logging
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf

/// Steps the ledger tests share, through the public RPCs, plus direct SQL
/// for what no RPC can observe (entry sums, lots, outbox rows).
extension AssetsEnv {

    static func randomHash() -> String {
        (0..<4).map { _ in String(format: "%016llx", UInt64.random(in: .min ... .max)) }.joined()
    }

    func submitData(
        by nomad: Caller, pool: String = "vehicle_road_cloud", records: Int64 = 50_000, bytes: Int64 = 20 * 1_048_576,
        hash: String = AssetsEnv.randomHash(), quality: Int32 = 80, requestID: String = UUID().uuidString
    ) async throws -> Nomad_Assets_V1_Contribution {
        try await client.submitContribution(
            .with {
                $0.requestID = requestID
                $0.poolCode = pool
                $0.kind = .data
                $0.recordCount = records
                $0.bytes = bytes
                $0.contentHash = hash
                $0.qualityScore = quality
            }, metadata: nomad.metadata)
    }

    func submitTask(
        by nomad: Caller, kind: Nomad_Assets_V1_ContributionKind = .labelling, pool: String = "culture_tourism_consumption",
        workUnits: Int64 = 10, hash: String = AssetsEnv.randomHash(), quality: Int32 = 100
    ) async throws -> Nomad_Assets_V1_Contribution {
        try await client.submitContribution(
            .with {
                $0.requestID = UUID().uuidString
                $0.poolCode = pool
                $0.kind = kind
                $0.evidenceHash = hash
                $0.workUnits = workUnits
                $0.workUnitLabel = "hours"
                $0.qualityScore = quality
            }, metadata: nomad.metadata)
    }

    func reviewContribution(
        _ contribution: Nomad_Assets_V1_Contribution, by officer: Caller, accept: Bool = true, note: String = "",
        requestID: String = UUID().uuidString
    ) async throws -> Nomad_Assets_V1_Contribution {
        try await client.reviewContribution(
            .with {
                $0.requestID = requestID
                $0.contributionID = contribution.contributionID
                $0.accept = accept
                $0.note = note
            }, metadata: officer.metadata)
    }

    /// A nomad holding `pow` POW units, credited through an accepted labelling
    /// task (1 unit per hour at quality 100 under the seeded rule).
    func nomadWithPow(_ pow: Int64, officer: Caller? = nil) async throws -> Caller {
        let nomad = self.nomad()
        let task = try await submitTask(by: nomad, workUnits: pow)
        let accepted = try await reviewContribution(task, by: officer ?? self.officer())
        precondition(accepted.powUnits == pow)
        return nomad
    }

    /// A nomad holding `points` points (and no POW), through an exchange at the seeded rate of 10.
    func nomadWithPoints(_ points: Int64) async throws -> Caller {
        precondition(points % 10 == 0)
        let nomad = try await nomadWithPow(points / 10)
        _ = try await exchangePow(by: nomad, pow: points / 10)
        return nomad
    }

    func exchangePow(
        by nomad: Caller, pow: Int64, requestID: String = UUID().uuidString
    ) async throws -> Nomad_Assets_V1_ExchangePowResponse {
        try await client.exchangePow(
            .with {
                $0.requestID = requestID
                $0.powUnits = pow
            }, metadata: nomad.metadata)
    }

    func getBalances(of owner: Caller, asked by: Caller? = nil) async throws -> [Nomad_Assets_V1_LedgerAccount] {
        try await client.getBalances(.with { $0.ownerID = by == nil ? "" : owner.id }, metadata: (by ?? owner).metadata).accounts
    }

    func account(of owner: Caller, _ kind: Nomad_Assets_V1_LedgerAccountKind) async throws -> Nomad_Assets_V1_LedgerAccount {
        let all = try await getBalances(of: owner)
        guard let account = all.first(where: { $0.kind == kind }) else { throw NomadError.notFound("\(kind) account") }
        return account
    }

    func balance(of owner: Caller, _ kind: Nomad_Assets_V1_LedgerAccountKind) async throws -> Int64 {
        try await getBalances(of: owner, asked: officer()).first(where: { $0.kind == kind })?.balance ?? 0
    }

    func transferPoints(
        from nomad: Caller, to account: String, points: Int64, requestID: String = UUID().uuidString
    ) async throws -> Nomad_Assets_V1_LedgerTransaction {
        try await client.transferPoints(
            .with {
                $0.requestID = requestID
                $0.toAccountID = account
                $0.points = points
            }, metadata: nomad.metadata)
    }

    func registerMerchant(scene: String = "dining", by officer: Caller? = nil) async throws -> Nomad_Assets_V1_Merchant {
        try await client.registerMerchant(
            .with {
                $0.requestID = UUID().uuidString
                $0.name = .with {
                    $0.zhCn = "儋州东坡书院咖啡"; $0.en = "Dongpo Academy Cafe"
                }
                $0.scene = scene
            }, metadata: (officer ?? tourismOfficer()).metadata)
    }

    func getTrialBalance() async throws -> Nomad_Assets_V1_GetTrialBalanceResponse {
        try await client.getTrialBalance(.init(), metadata: admin().metadata)
    }

    func requestPoolAccess(
        by enterprise: Caller, pool: String = "vehicle_road_cloud", start: ZoneDay = .today(), days: Int = 30,
        requestID: String = UUID().uuidString
    ) async throws -> Nomad_Assets_V1_PoolGrant {
        try await client.requestPoolAccess(
            .with {
                $0.requestID = requestID
                $0.poolCode = pool
                $0.purpose = "Traffic signal timing study for Danzhou's new district"
                $0.periodStart = start.message
                $0.periodEnd = start.adding(days: days).message
            }, metadata: enterprise.metadata)
    }

    func decidePoolAccess(
        _ grant: Nomad_Assets_V1_PoolGrant, by officer: Caller, grant approve: Bool = true, note: String = ""
    )
        async throws -> Nomad_Assets_V1_PoolGrant
    {
        try await client.decidePoolAccess(
            .with {
                $0.requestID = UUID().uuidString
                $0.grantID = grant.grantID
                $0.grant = approve
                $0.note = note
            }, metadata: officer.metadata)
    }

    func issueVoucher(
        to holder: Caller, kind: Nomad_Assets_V1_LedgerOwnerKind, amount: Int64, expires: ZoneDay = ZoneDay.today().adding(days: 90)
    ) async throws -> Nomad_Assets_V1_LedgerTransaction {
        try await client.issueVoucher(
            .with {
                $0.requestID = UUID().uuidString
                $0.holderID = holder.id
                $0.holderKind = kind
                $0.amount = amount
                $0.expiresOn = expires.message
            }, metadata: officer().metadata)
    }

    func sweepExpired(asOf: Date? = nil, requestID: String = UUID().uuidString) async throws -> Nomad_Assets_V1_SweepExpiredResponse {
        try await client.sweepExpired(
            .with {
                $0.requestID = requestID
                if let asOf { $0.asOf = .init(date: asOf) }
            }, metadata: officer().metadata)
    }

    func ledgerSQLInt(_ query: PostgresQuery) async throws -> Int64 {
        try await app.withSchemaConnection { tx in
            try await tx.query(query).collect().first!.decode(Int64.self)
        }
    }

    /// Every account's cached balance equals the sum of its entries, and
    /// lot-tracked accounts' balance equals their remaining lots.
    func cachedBalancesMatchEntries() async throws -> Bool {
        let mismatches = try await ledgerSQLInt(
            """
            SELECT count(*)::bigint FROM ledger_accounts a
            WHERE a.balance <> (SELECT coalesce(sum(amount), 0) FROM ledger_entries e WHERE e.account_id = a.id)
               OR (a.kind IN ('points', 'voucher')
                   AND a.balance <> (SELECT coalesce(sum(remaining), 0) FROM ledger_lots l WHERE l.account_id = a.id))
            """)
        return mismatches == 0
    }
}
