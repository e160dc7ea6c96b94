import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// The points ledger: balances, statements, transfers, POW exchange,
/// merchants and redemption, the trial balance and the expiry sweep. Every
/// movement goes through `LedgerStore.post`, in the request's mutation.
extension AssetsService {
    /// Nomads and enterprises see their own accounts (a nomad's POW and
    /// points accounts are opened, empty, the first time they look, so they
    /// have an account id to give to whoever pays them); staff see anyone's.
    func getBalances(
        request: Nomad_Assets_V1_GetBalancesRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_GetBalancesResponse {
        let principal = try caller
        var owner = principal.accountID
        if !request.ownerID.isEmpty {
            owner = try Validate.uuid(request.ownerID, "owner_id")
            guard owner == principal.accountID || principal.role == .officer || principal.role == .admin else {
                throw NomadError.permissionDenied
            }
        }
        let today = ZoneDay.today()
        let accounts = try await database.transaction { tx in
            if owner == principal.accountID, principal.role == .nomad {
                _ = try await LedgerStore.open(tx, owner: owner, ownerKind: .nomad, kind: .pow, unit: .pow)
                _ = try await LedgerStore.open(tx, owner: owner, ownerKind: .nomad, kind: .points, unit: .points)
            }
            return try await LedgerStore.accounts(tx, owner: owner, today: today)
        }
        return .with { $0.accounts = accounts.map(\.message) }
    }

    func listStatement(
        request: Nomad_Assets_V1_ListStatementRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_ListStatementResponse {
        let principal = try caller
        let id = try Validate.uuid(request.accountID, "account_id")
        let page = try Page(request.page)
        let (account, lines) = try await database.read { tx in
            guard let account = try await LedgerStore.account(tx, id: id, today: .today()) else {
                throw LedgerErrors.unknownAccount(id)
            }
            guard account.ownerID == principal.accountID || principal.role == .officer || principal.role == .admin else {
                throw NomadError.permissionDenied
            }
            return (account, try await LedgerStore.statement(tx, account: id, page: page, newestFirst: request.newestFirst))
        }
        return .with {
            $0.account = account.message
            $0.lines = lines.prefix(page.limit).map(\.message)
            $0.page = page.response(fetched: lines.count)
        }
    }

    /// A nomad's points to another nomad (named by identity's recipient token,
    /// their points account opened on first use) or to an account: another
    /// nomad's points or a merchant's. The points keep their expiry days.
    func transferPoints(
        request: Nomad_Assets_V1_TransferPointsRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_LedgerTransaction {
        let nomad = try caller
        let points = try LedgerRules.amount(request.points, "points")
        let memo = try Validate.text(request.memo, "memo", max: LedgerRules.maxMemo, required: false)
        let to: UUID
        switch try LedgerRules.transferTarget(
            accountID: request.toAccountID, recipientToken: request.toRecipientToken, keys: identityKeys, sender: nomad.accountID)
        {
        case .account(let id):
            to = id
        case .person(let recipient):
            // Opened in a transaction of its own: a refused transfer leaves
            // the recipient an empty account, as their first GetBalances would.
            to = try await database.transaction { tx in
                try await LedgerStore.open(tx, owner: recipient, ownerKind: .nomad, kind: .points, unit: .points)
            }
        }
        return try await database.mutationInOneStatement(
            request,
            refusal: { LedgerErrors.transferRefusal($0, to: to) },
            statement: {
                PointsMoveStatement<TransferPointsFunction>(
                    key: $0, nomadID: nomad.accountID, target: to, points: points, memo: memo, today: .today())
            },
            result: PointsMoved.self,
            response: { $0.posted(kind: "points.transferred", points: points).message })
    }

    /// POW → points at the rate in effect: the POW returns to the zone's POW
    /// issuance account and the zone issues the points, in one statement
    /// (`exchange_pow`) that also opens the nomad's points account on first use.
    func exchangePow(
        request: Nomad_Assets_V1_ExchangePowRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_ExchangePowResponse {
        let nomad = try caller
        let pow = try LedgerRules.amount(request.powUnits, "pow_units")
        return try await database.mutationInOneStatement(
            request,
            refusal: LedgerErrors.exchangeRefusal,
            statement: { ExchangePowStatement(key: $0, nomadID: nomad.accountID, pow: pow, today: .today()) },
            result: ExchangePowStatement.Result.self,
            response: { exchanged in
                guard let expires = ZoneDay(iso: exchanged.pointsExpireOn) else { throw NomadError.internalError }
                return .with {
                    $0.transaction = exchanged.posted(pow: pow).message
                    $0.points = exchanged.points
                    $0.rateVersion = exchanged.rateVersion
                    $0.pointsExpireOn = expires.message
                }
            })
    }

    func getExchangeRate(
        request: Nomad_Assets_V1_GetExchangeRateRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_ExchangeRate {
        _ = try caller
        return try await database.read { try await RateStore.exchangeRate($0, now: Date()) }.message
    }

    func setExchangeRate(
        request: Nomad_Assets_V1_SetExchangeRateRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_ExchangeRate {
        let officer = try caller
        try ExchangeRate.validate(pointsPerPow: request.pointsPerPow, validDays: request.pointsValidDays)
        return try await mutation(request) { tx in
            let now = try await tx.query("SELECT now()").collect().first!.decode(Date.self)
            let previous = try await RateStore.exchangeRate(tx, now: now).message
            _ = try await RateStore.publish(
                tx,
                ExchangeRate(
                    version: 0, pointsPerPow: request.pointsPerPow, pointsValidDays: request.pointsValidDays,
                    effectiveFrom: now, setBy: officer.accountID))
            let published = try await RateStore.exchangeRate(tx, now: now).message
            try await audit(tx, officer, "exchange_rate.set", subject: "exchange_rate", before: previous, after: published)
            return published
        }
    }

    func registerMerchant(request: Nomad_Assets_V1_RegisterMerchantRequest, context: ServerContext) async throws -> Nomad_Assets_V1_Merchant
    {
        let officer = try caller
        let nameZh = try Validate.text(request.name.zhCn, "name.zh_cn", max: 200)
        let nameEn = try Validate.text(request.name.en, "name.en", max: 200)
        let scene = try Validate.text(request.scene, "scene", max: 32)
        guard LedgerRules.scenes.contains(scene) else {
            throw NomadError.invalid(
                "scene", zh: "须为 \(LedgerRules.scenes.joined(separator: "、")) 之一",
                en: "must be one of \(LedgerRules.scenes.joined(separator: ", "))")
        }
        return try await mutation(request) { tx in
            let id = UUID()
            let merchant = try await MerchantStore.insert(
                tx, id: id, nameZh: nameZh, nameEn: nameEn, scene: scene, by: officer.accountID
            ).message
            try await audit(tx, officer, "merchant.register", subject: "merchant/\(id.text)", before: nil, after: merchant)
            return merchant
        }
    }

    func listMerchants(
        request: Nomad_Assets_V1_ListMerchantsRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_ListMerchantsResponse {
        _ = try caller
        let page = try Page(request.page)
        let scene = try request.scene.isEmpty ? nil : Validate.text(request.scene, "scene", max: 32)
        let merchants = try await database.read { try await MerchantStore.list($0, scene: scene, page: page) }
        return .listing(\.merchants, merchants.map(\.message), page)
    }

    func redeemPoints(
        request: Nomad_Assets_V1_RedeemPointsRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_LedgerTransaction {
        let nomad = try caller
        let merchantID = try Validate.uuid(request.merchantID, "merchant_id")
        let points = try LedgerRules.amount(request.points, "points")
        let memo = try Validate.text(request.memo, "memo", max: LedgerRules.maxMemo, required: false)
        return try await database.mutationInOneStatement(
            request,
            refusal: { LedgerErrors.redeemRefusal($0, merchant: merchantID) },
            statement: {
                PointsMoveStatement<RedeemPointsFunction>(
                    key: $0, nomadID: nomad.accountID, target: merchantID, points: points, memo: memo, today: .today())
            },
            result: PointsMoved.self,
            response: { $0.posted(kind: "points.redeemed", points: points).message })
    }

    func getTrialBalance(
        request: Nomad_Assets_V1_GetTrialBalanceRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_GetTrialBalanceResponse {
        _ = try caller
        // One snapshot, so balances and entries are read at the same instant.
        let trial = try await database.snapshot { try await LedgerStore.trialBalance($0) }
        return .with {
            $0.units = trial.units.map { line in
                .with {
                    $0.unit = line.unit.proto; $0.total = line.balances; $0.entriesTotal = line.entries
                }
            }
            $0.lines = trial.lines.map { line in
                .with {
                    $0.unit = line.unit.proto; $0.kind = line.kind.proto; $0.total = line.total; $0.accounts = Int32(line.accounts)
                }
            }
            $0.balanced = trial.units.allSatisfy { $0.balances == 0 && $0.entries == 0 }
        }
    }

    func sweepExpired(
        request: Nomad_Assets_V1_SweepExpiredRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_SweepExpiredResponse {
        _ = try caller
        let day = ZoneDay.today(now: request.hasAsOf ? request.asOf.date : Date())
        return try await mutation(request) { tx in
            let summary = try await ExpirySweep.pass(tx, before: day)
            return .with {
                $0.accountsSwept = Int32(summary.accounts)
                $0.lotsExpired = Int32(summary.lots)
                $0.pointsExpired = summary.points
                $0.vouchersExpired = summary.vouchers
            }
        }
    }
}
