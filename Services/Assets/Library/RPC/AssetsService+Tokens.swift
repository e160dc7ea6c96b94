import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// RWA tokens for qualified investors (QFLP). Every change to a token's
/// holdings holds the token row's lock (taken first), then share-locks the
/// whitelist entries it relies on, then appends to the registry chain last.
extension AssetsService {
    func addQflpInvestor(
        request: Nomad_Assets_V1_AddQflpInvestorRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_QflpInvestor {
        let officer = try caller
        let investor = request.investor
        let accountID = try Validate.uuid(investor.accountID, "investor.account_id")
        let name = try Validate.text(investor.name, "investor.name", max: TokenRules.maxName)
        let jurisdiction = try Validate.text(investor.jurisdiction, "investor.jurisdiction", max: 8).uppercased()
        guard jurisdiction.count >= 2, jurisdiction.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "-") }) else {
            throw NomadError.invalid("investor.jurisdiction", zh: "应为 ISO 3166 国家或地区代码", en: "expected an ISO 3166 code")
        }
        guard investor.hasExpiresOn, let expires = ZoneDay(investor.expiresOn) else {
            throw NomadError.required("investor.expires_on")
        }
        guard expires >= ZoneDay.today() else {
            throw NomadError.invalid("investor.expires_on", zh: "已过期", en: "already past")
        }
        return try await mutation(request) { tx in
            let before = try await InvestorStore.find(tx, accountID: accountID)?.message
            let added = try await InvestorStore.upsert(
                tx, accountID: accountID, name: name, jurisdiction: jurisdiction, expiresOn: expires,
                by: officer.accountID
            ).message
            try await audit(tx, officer, "qflp.add", subject: "qflp_investor/\(accountID.text)", before: before, after: added)
            return added
        }
    }

    func removeQflpInvestor(
        request: Nomad_Assets_V1_RemoveQflpInvestorRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_RemoveQflpInvestorResponse {
        let officer = try caller
        let accountID = try Validate.uuid(request.accountID, "account_id")
        return try await mutation(request) { tx in
            let before = try await InvestorStore.find(tx, accountID: accountID)?.message
            guard try await InvestorStore.remove(tx, accountID: accountID) else {
                throw NomadError.notFound("QFLP investor \(accountID.text)")
            }
            try await audit(tx, officer, "qflp.remove", subject: "qflp_investor/\(accountID.text)", before: before, after: nil)
            return .with { $0.accountID = accountID.text }
        }
    }

    func listQflpInvestors(
        request: Nomad_Assets_V1_ListQflpInvestorsRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_ListQflpInvestorsResponse {
        _ = try caller
        let page = try Page(request.page)
        let investors = try await database.read { try await InvestorStore.list($0, page: page) }
        return .listing(\.investors, investors.map(\.message), page)
    }

    /// The owner tokenizes its own asset, or an officer does so on its behalf;
    /// supervision is the whitelist (the owner must be a qualified investor)
    /// and the caps fixed here.
    func tokenizeAsset(request: Nomad_Assets_V1_TokenizeAssetRequest, context: ServerContext) async throws -> Nomad_Assets_V1_AssetToken {
        let principal = try caller
        let id = try Validate.uuid(request.assetID, "asset_id")
        let units = try DataAssetRules.units(request.units, "units")
        let caps = try TokenRules.caps(maxHolders: request.maxHolders, maxHolderShareBP: request.maxHolderShareBp)
        return try await mutation(request) { tx in
            let asset = try await requireAsset(tx, id: id, lock: true)
            guard principal.role == .officer || asset.ownerID == principal.accountID else { throw NomadError.permissionDenied }
            guard !asset.tokenized else {
                throw NomadError(.alreadyExists, zh: "该资产已通证化", en: "This asset is already tokenized")
            }
            try await requireQualified(tx, asset.ownerID, role: "holder")
            let held = try await HoldingStore.units(tx, assetID: id, holder: asset.ownerID)
            guard held == asset.totalUnits else {
                throw NomadError.wrongState("所有者须持有该资产的全部份额", "the owner must hold every unit of the asset")
            }
            guard try await TradeStore.openListings(tx, assetID: id) == 0 else {
                throw NomadError.wrongState("请先撤销该资产的挂牌", "cancel the asset's open listings first")
            }
            try await TokenStore.insert(
                tx, assetID: id, units: units, caps: caps, holder: asset.ownerID, by: principal.accountID)
            try await DataAssetStore.markTokenized(tx, id: id)
            try await OwnershipStore.append(
                tx,
                OwnershipChangeRecord(
                    kind: "token_issued", assetID: id, fromID: nil, toID: asset.ownerID, units: units,
                    version: asset.latestVersion))
            try await RegistryChainStore.append(
                tx, kind: "token.issued", subject: id,
                fields: [
                    "units": "\(units)", "holder_id": asset.ownerID.text, "max_holders": "\(caps.maxHolders)",
                    "max_holder_share_bp": "\(caps.maxHolderShareBP)", "by": principal.accountID.text,
                ])
            try await Outbox.append(
                tx,
                AssetsEvents.TokenIssued(
                    subjects: .init(assetID: id.text, holderID: asset.ownerID.text),
                    payload: .init(assetID: id.text, units: units, holderID: asset.ownerID.text)))
            let token = try await TokenStore.find(tx, assetID: id)!.message(holders: 1)
            if principal.role == .officer {
                try await audit(tx, principal, "token.issue", subject: "asset/\(id.text)", before: asset.message, after: token)
            }
            return token
        }
    }

    func getAssetToken(request: Nomad_Assets_V1_GetAssetTokenRequest, context: ServerContext) async throws -> Nomad_Assets_V1_AssetToken {
        _ = try caller
        let id = try Validate.uuid(request.assetID, "asset_id")
        return try await database.read { tx in
            let token = try await requireToken(tx, id)
            return token.message(holders: try await TokenStore.holderCount(tx, assetID: id))
        }
    }

    func listTokenHoldings(
        request: Nomad_Assets_V1_ListTokenHoldingsRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_ListTokenHoldingsResponse {
        let principal = try caller
        let id = try Validate.uuid(request.assetID, "asset_id")
        let (token, holdings) = try await database.read { tx in
            let token = try await requireToken(tx, id)
            // Who holds what is for staff and the issuer; other holders see their own line.
            let seesAll = principal.role == .officer || principal.role == .admin || token.issuedTo == principal.accountID
            return (
                token,
                try await TokenStore.holdings(
                    tx, assetID: id, holder: seesAll ? nil : principal.accountID)
            )
        }
        return .with {
            $0.totalUnits = token.totalUnits
            $0.holdings = holdings.map { tokenHolding(assetID: id, holder: $0.0, $0.1, total: token.totalUnits) }
        }
    }

    func transferTokens(
        request: Nomad_Assets_V1_TransferTokensRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_TokenTransfer {
        let sender = try caller
        let id = try Validate.uuid(request.assetID, "asset_id")
        let receiver = try Validate.uuid(request.toID, "to_id")
        let units = try DataAssetRules.units(request.units, "units")
        guard receiver != sender.accountID else {
            throw NomadError.invalid("to_id", zh: "不能转给自己", en: "must not be the sender")
        }
        return try await mutation(request) { tx in
            try await moveTokens(
                tx, assetID: id, from: sender.accountID, to: receiver, units: units, legalBasis: nil,
                by: sender.accountID)
        }
    }

    func forceTransferTokens(
        request: Nomad_Assets_V1_ForceTransferTokensRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_TokenTransfer {
        let officer = try caller
        let id = try Validate.uuid(request.assetID, "asset_id")
        let from = try Validate.uuid(request.fromID, "from_id")
        let to = try Validate.uuid(request.toID, "to_id")
        let units = try DataAssetRules.units(request.units, "units")
        let basis = try Validate.text(request.legalBasis, "legal_basis", max: TokenRules.maxLegalBasis)
        guard from != to else { throw NomadError.invalid("to_id", zh: "不能与转出方相同", en: "must differ from from_id") }
        return try await mutation(request) { tx in
            let before = try await holdings(tx, assetID: id, of: [from, to])
            let moved = try await moveTokens(
                tx, assetID: id, from: from, to: to, units: units, legalBasis: basis, by: officer.accountID)
            try await audit(tx, officer, "token.force_transfer", subject: "asset/\(id.text)", reason: basis, before: before, after: moved)
            return moved
        }
    }

    func freezeTokenHolder(
        request: Nomad_Assets_V1_FreezeTokenHolderRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_TokenHolding {
        let officer = try caller
        let id = try Validate.uuid(request.assetID, "asset_id")
        let holder = try Validate.uuid(request.holderID, "holder_id")
        let reason = try Validate.text(request.reason, "reason", max: TokenRules.maxLegalBasis, required: false)
        return try await mutation(request) { tx in
            let before = try await holdings(tx, assetID: id, of: [holder])
            let frozen = try await setFrozen(tx, assetID: id, holder: holder, by: officer.accountID, kind: "token.frozen", reason: reason) {
                try TokenRules.frozenAfterFreeze($0, units: request.units)
            }
            try await audit(tx, officer, "token.freeze", subject: "asset/\(id.text)", reason: reason, before: before, after: frozen)
            return frozen
        }
    }

    func unfreezeTokenHolder(
        request: Nomad_Assets_V1_UnfreezeTokenHolderRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_TokenHolding {
        let officer = try caller
        let id = try Validate.uuid(request.assetID, "asset_id")
        let holder = try Validate.uuid(request.holderID, "holder_id")
        return try await mutation(request) { tx in
            let before = try await holdings(tx, assetID: id, of: [holder])
            let unfrozen = try await setFrozen(tx, assetID: id, holder: holder, by: officer.accountID, kind: "token.unfrozen", reason: "") {
                try TokenRules.frozenAfterUnfreeze($0, units: request.units)
            }
            try await audit(tx, officer, "token.unfreeze", subject: "asset/\(id.text)", before: before, after: unfrozen)
            return unfrozen
        }
    }

    // MARK: helpers

    /// The holdings an officer's decision is about, as they were before it,
    /// with the token locked first so no transfer slips in between.
    private func holdings(
        _ tx: Tx, assetID: UUID, of holders: [UUID]
    ) async throws -> Nomad_Assets_V1_ListTokenHoldingsResponse? {
        guard let token = try await TokenStore.find(tx, assetID: assetID, lock: true) else { return nil }
        var listed = Nomad_Assets_V1_ListTokenHoldingsResponse()
        for holder in holders {
            let holding = try await TokenStore.holding(tx, assetID: assetID, holder: holder)
            listed.holdings.append(tokenHolding(assetID: assetID, holder: holder, holding, total: token.totalUnits))
        }
        return listed
    }

    private func requireToken(_ tx: Tx, _ id: UUID, lock: Bool = false) async throws -> TokenRecord {
        guard let token = try await TokenStore.find(tx, assetID: id, lock: lock) else {
            throw RegistryErrors.notTokenized
        }
        return token
    }

    /// Share-locks the whitelist entry so it cannot be removed until this
    /// transaction commits.
    private func requireQualified(_ tx: Tx, _ account: UUID, role: String) async throws {
        let investor = try await InvestorStore.find(tx, accountID: account, lock: true)
        guard TokenRules.qualified(expiresOn: investor?.expiresOn, today: ZoneDay.today()) else {
            throw RegistryErrors.notWhitelisted(role)
        }
    }

    /// A transfer (legalBasis nil) or a forced transfer. A forced transfer may
    /// take frozen units and does not ask whether the sender is still
    /// qualified; the receiver's whitelist and the caps hold either way.
    private func moveTokens(
        _ tx: Tx, assetID: UUID, from: UUID, to: UUID, units: Int64, legalBasis: String?, by: UUID
    ) async throws -> Nomad_Assets_V1_TokenTransfer {
        let forced = legalBasis != nil
        let token = try await requireToken(tx, assetID, lock: true)
        if !forced { try await requireQualified(tx, from, role: "sender") }
        try await requireQualified(tx, to, role: "receiver")
        let sending =
            try await TokenStore.holding(tx, assetID: assetID, holder: from)
            ?? TokenRules.Holding(units: 0, frozen: 0)
        let receiving = try await TokenStore.holding(tx, assetID: assetID, holder: to)
        let holders = try await TokenStore.holderCount(tx, assetID: assetID)
        try TokenRules.checkTransfer(
            units: units, sender: sending, receiver: receiving, total: token.totalUnits, holders: holders, caps: token.caps,
            forced: forced)
        try await TokenStore.move(tx, assetID: assetID, from: from, to: to, units: units)
        let asset = try await requireAsset(tx, id: assetID)
        try await OwnershipStore.append(
            tx,
            OwnershipChangeRecord(
                kind: forced ? "token_forced_transfer" : "token_transferred", assetID: assetID, fromID: from, toID: to,
                units: units, version: asset.latestVersion, legalBasis: legalBasis))
        var fields = ["from_id": from.text, "to_id": to.text, "units": "\(units)", "by": by.text]
        if let legalBasis { fields["legal_basis"] = legalBasis }
        try await RegistryChainStore.append(
            tx, kind: forced ? "token.forced_transfer" : "token.transferred", subject: assetID, fields: fields)
        try await Outbox.append(
            tx,
            AssetsEvents.TokenTransferred(
                subjects: .init(assetID: assetID.text, fromID: from.text, toID: to.text),
                payload: .init(assetID: assetID.text, fromID: from.text, toID: to.text, units: units, forced: forced)))
        let fromAfter = try await TokenStore.holding(tx, assetID: assetID, holder: from)
        let toAfter = try await TokenStore.holding(tx, assetID: assetID, holder: to)
        return .with {
            $0.assetID = assetID.text
            $0.fromID = from.text
            $0.toID = to.text
            $0.units = units
            $0.forced = forced
            $0.legalBasis = legalBasis ?? ""
            $0.fromHolding = tokenHolding(assetID: assetID, holder: from, fromAfter, total: token.totalUnits)
            $0.toHolding = tokenHolding(assetID: assetID, holder: to, toAfter, total: token.totalUnits)
        }
    }

    private func setFrozen(
        _ tx: Tx, assetID: UUID, holder: UUID, by: UUID, kind: String, reason: String,
        _ frozenAfter: (TokenRules.Holding) throws -> Int64
    ) async throws -> Nomad_Assets_V1_TokenHolding {
        let token = try await requireToken(tx, assetID, lock: true)
        guard let holding = try await TokenStore.holding(tx, assetID: assetID, holder: holder),
            holding.units > 0
        else { throw NomadError.notFound("token holding of \(holder.text)") }
        let frozen = try frozenAfter(holding)
        try await TokenStore.setFrozen(tx, assetID: assetID, holder: holder, frozen: frozen)
        var fields = ["holder_id": holder.text, "frozen_units": "\(frozen)", "by": by.text]
        if !reason.isEmpty { fields["reason"] = reason }
        try await RegistryChainStore.append(tx, kind: kind, subject: assetID, fields: fields)
        return tokenHolding(
            assetID: assetID, holder: holder, TokenRules.Holding(units: holding.units, frozen: frozen), total: token.totalUnits)
    }
}
