import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO

/// Data innovation vouchers (数据创新券): a ledger unit of their own, issued
/// by officers with an expiry day, spendable only on pool access or at a
/// data_processing merchant; anything else is refused.
extension AssetsService {
    func issueVoucher(
        request: Nomad_Assets_V1_IssueVoucherRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_LedgerTransaction {
        let officer = try caller
        let holder = try Validate.uuid(request.holderID, "holder_id")
        let kind: LedgerOwnerKind
        switch request.holderKind {
        case .nomad: kind = .nomad
        case .enterprise: kind = .enterprise
        default: throw NomadError.invalid("holder_kind", zh: "须为 NOMAD 或 ENTERPRISE", en: "must be NOMAD or ENTERPRISE")
        }
        let amount = try LedgerRules.amount(request.amount, "amount")
        guard request.hasExpiresOn else { throw NomadError.required("expires_on") }
        guard let expires = ZoneDay(request.expiresOn) else {
            throw NomadError.invalid("expires_on", zh: "不是有效日期", en: "not a valid date")
        }
        guard expires >= ZoneDay.today() else {
            throw NomadError.invalid("expires_on", zh: "不能早于今天", en: "must not be in the past")
        }
        return try await mutation(request) { tx in
            let account = try await LedgerStore.open(tx, owner: holder, ownerKind: kind, kind: .voucher, unit: .voucher)
            let posted = try await LedgerStore.post(
                tx,
                .move(
                    "voucher.issued", from: ZoneAccounts.issuance(.voucher), to: account, unit: .voucher, amount: amount,
                    expiresOn: expires, by: officer.accountID),
                lots: .spendable(today: .today()))
            try await Outbox.append(
                tx,
                AssetsEvents.VoucherIssued(
                    subjects: .init(
                        holderID: holder.text, ownerID: holder.text, officerID: officer.accountID.text,
                        transactionID: posted.id.text),
                    payload: .init(holderID: holder.text, holderKind: kind.rawValue, amount: amount, expiresOn: expires.iso)))
            try await audit(
                tx, officer, "voucher.issue", subject: "account/\(holder.text)", before: nil, after: posted.message)
            return posted.message
        }
    }

    func spendVoucher(
        request: Nomad_Assets_V1_SpendVoucherRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_LedgerTransaction {
        let holder = try caller
        let amount = try LedgerRules.amount(request.amount, "amount")
        guard request.purpose == .poolAccess || request.purpose == .dataProcessing else {
            throw NomadError.unknownEnum("purpose")
        }
        let grantID = try request.purpose == .poolAccess ? Validate.uuid(request.grantID, "grant_id") : nil
        let merchantID = try request.purpose == .dataProcessing ? Validate.uuid(request.merchantID, "merchant_id") : nil
        return try await mutation(request) { tx in
            let target: UUID, purpose: String, reference: UUID
            if let grantID {
                let grant = try await PoolStore.grant(tx, id: grantID, lock: .update).orNotFound("grant \(grantID.text)")
                guard grant.enterpriseID == holder.accountID else { throw NomadError.permissionDenied }
                guard grant.status == .requested || grant.status == .granted else { throw VoucherErrors.grantClosed }
                target = try await PoolStore.pool(tx, code: grant.poolCode).voucherAccount
                purpose = "pool_access"
                reference = grantID
                try await PoolStore.addVoucherPayment(tx, id: grantID, amount: amount)
            } else {
                let merchantID = merchantID!
                let merchant = try await MerchantStore.find(tx, id: merchantID).orNotFound("merchant \(merchantID.text)")
                guard merchant.scene == LedgerRules.dataProcessingScene else { throw VoucherErrors.notDataProcessing }
                target = try await LedgerStore.open(
                    tx, owner: merchantID, ownerKind: .merchant, kind: .merchant, unit: .voucher)
                purpose = "data_processing"
                reference = merchantID
            }
            guard let from = try await LedgerStore.find(tx, owner: holder.accountID, kind: .voucher, unit: .voucher) else {
                throw LedgerErrors.overdraft(.voucher)
            }
            let posted = try await LedgerStore.post(
                tx,
                .move(
                    "voucher.spent", from: from, to: target, unit: .voucher, amount: amount, memo: purpose,
                    reference: reference, by: holder.accountID),
                lots: .spendable(today: .today()))
            try await Outbox.append(
                tx,
                AssetsEvents.VoucherSpent(
                    subjects: .init(
                        holderID: holder.accountID.text, ownerID: holder.accountID.text, referenceID: reference.text,
                        transactionID: posted.id.text),
                    payload: .init(holderID: holder.accountID.text, purpose: purpose, amount: amount)))
            return posted.message
        }
    }
}

enum VoucherErrors {
    static let notDataProcessing = NomadError(
        .failedPrecondition, zh: "数据创新券只能用于数据资源池授权或数据加工服务",
        en: "Vouchers pay only for pool access or data processing services")
    static let grantClosed = NomadError(
        .failedPrecondition, zh: "该授权已被拒绝或撤销，不能支付", en: "The grant was refused or revoked; it cannot be paid for")
}
