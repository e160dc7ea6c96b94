import Foundation
import GRPCCore
import NomadKit

/// The ledger's vocabulary and the rules every posting obeys, with no SQL
/// or gRPC: units, account kinds, and a transaction draft that must balance.
enum LedgerUnit: String, Sendable, CaseIterable {
    case pow = "POW"
    case points = "POINTS"
    case voucher = "VOUCHER"
}

enum LedgerAccountKind: String, Sendable, CaseIterable {
    case pow, points, voucher, merchant, pool
    case zoneIssuance = "zone_issuance"
    case expiry

    /// Holders' points and vouchers come in lots with an expiry date; the
    /// other accounts hold plain balances.
    var tracksLots: Bool { self == .points || self == .voucher }
}

enum LedgerOwnerKind: String, Sendable, CaseIterable {
    case nomad, enterprise, merchant, pool, zone
}

/// The zone's own accounts, seeded by migration 1.
enum ZoneAccounts {
    static let owner = UUID(uuidString: "00000000-0000-0000-0000-000000000000")!
    static func issuance(_ unit: LedgerUnit) -> UUID {
        switch unit {
        case .pow: UUID(uuidString: "00000000-0000-0000-0001-000000000001")!
        case .points: UUID(uuidString: "00000000-0000-0000-0001-000000000002")!
        case .voucher: UUID(uuidString: "00000000-0000-0000-0001-000000000003")!
        }
    }
    static func expiry(_ unit: LedgerUnit) -> UUID {
        switch unit {
        case .pow: UUID(uuidString: "00000000-0000-0000-0002-000000000001")!  // never used: POW does not expire
        case .points: UUID(uuidString: "00000000-0000-0000-0002-000000000002")!
        case .voucher: UUID(uuidString: "00000000-0000-0000-0002-000000000003")!
        }
    }
}

/// One side of a movement. Debits are negative.
struct LedgerPosting: Sendable, Equatable {
    var account: UUID
    var unit: LedgerUnit
    var amount: Int64
    /// Credits to a lot-tracked account: the lots' expiry day. Nil means the
    /// lots keep the expiry days of what the debit of the same unit consumed
    /// (points moving between holders do not become younger).
    var expiresOn: ZoneDay? = nil
}

/// A ledger transaction before it is posted.
struct LedgerDraft: Sendable {
    var kind: String
    var memo: String = ""
    var reference: UUID? = nil
    var createdBy: UUID? = nil
    var postings: [LedgerPosting]

    /// Refuses a draft that would not balance, moves nothing, or names an
    /// account twice (each account gets one entry per transaction).
    func validated() throws -> LedgerDraft {
        guard !postings.isEmpty, postings.allSatisfy({ $0.amount != 0 }) else { throw LedgerErrors.amountNotPositive("amount") }
        for unit in LedgerUnit.allCases {
            var sum: Int64 = 0
            for posting in postings where posting.unit == unit {
                let (next, overflow) = sum.addingReportingOverflow(posting.amount)
                guard !overflow else { throw LedgerErrors.amountTooLarge }
                sum = next
            }
            guard sum == 0 else { throw NomadError.internalError }
        }
        guard Set(postings.map(\.account)).count == postings.count else {
            throw LedgerErrors.sameAccount
        }
        return self
    }

    /// A plain move of `amount` from one account to another.
    static func move(
        _ kind: String, from: UUID, to: UUID, unit: LedgerUnit, amount: Int64, expiresOn: ZoneDay? = nil,
        memo: String = "", reference: UUID? = nil, by: UUID?
    ) -> LedgerDraft {
        LedgerDraft(
            kind: kind, memo: memo, reference: reference, createdBy: by,
            postings: [
                LedgerPosting(account: from, unit: unit, amount: -amount),
                LedgerPosting(account: to, unit: unit, amount: amount, expiresOn: expiresOn),
            ])
    }
}

enum LedgerRules {
    /// Amounts in requests are whole units, strictly positive, and small
    /// enough that no sum of them overflows.
    static let maxAmount: Int64 = 1_000_000_000_000

    static func amount(_ value: Int64, _ field: String) throws -> Int64 {
        guard value > 0 else { throw LedgerErrors.amountNotPositive(field) }
        guard value <= maxAmount else { throw LedgerErrors.amountTooLarge }
        return value
    }

    static let maxMemo = 200

    /// Where a transfer goes: an account named by its id, or a person named
    /// by the token identity's FindPointsRecipient gave the sender.
    enum TransferTarget: Equatable {
        case account(UUID)
        case person(UUID)
    }

    static func transferTarget(accountID: String, recipientToken: String, keys: KeyRing, sender: UUID) throws -> TransferTarget {
        switch (accountID.isEmpty, recipientToken.isEmpty) {
        case (true, true): throw NomadError.required("to_account_id")
        case (false, false):
            throw NomadError.invalid(
                "to_recipient_token", zh: "收款账户和收款人只能指定其一", en: "give to_account_id or to_recipient_token, not both")
        case (false, true): return .account(try Validate.uuid(accountID, "to_account_id"))
        case (true, false):
            do {
                return .person(try PointsRecipient.verify(recipientToken, keys: keys, sender: sender))
            } catch .expired {
                throw NomadError.invalid(
                    "to_recipient_token", zh: "收款人确认已超过 10 分钟，请重新查找收款人",
                    en: "the recipient was looked up more than 10 minutes ago; look them up again")
            } catch {
                throw NomadError.invalid(
                    "to_recipient_token", zh: "收款人凭证无效，请重新查找收款人", en: "not a recipient token of yours; look the recipient up again")
            }
        }
    }

    /// The scenes a merchant may serve (消费场景); data_processing merchants
    /// are the only ones vouchers may pay.
    static let scenes = ["dining", "lodging", "coworking", "tourism", "transport", "retail", "data_processing"]
    static let dataProcessingScene = "data_processing"
}

/// Ledger refusals, each in both languages.
enum LedgerErrors {
    static func amountNotPositive(_ field: String) -> NomadError {
        NomadError(.invalidArgument, zh: "字段 \(field) 必须为正整数", en: "\(field) must be a positive whole number")
    }
    static let amountTooLarge = NomadError(
        .invalidArgument, zh: "金额超出允许范围", en: "The amount is larger than allowed")
    /// The codes `transfer_points` refuses with, as `LedgerStore.post`'s own.
    static func transferRefusal(_ refusal: OneStatementMutation.Refusal, to: UUID) -> NomadError {
        switch refusal.code {
        case "unknown_account": unknownAccount(to)
        case "wrong_account_kind": wrongAccountKind
        case "overdraft": overdraft(.points)
        case "same_account": sameAccount
        default: NomadError.internalError
        }
    }
    /// The codes `redeem_points` refuses with, as the many-statement path's own.
    static func redeemRefusal(_ refusal: OneStatementMutation.Refusal, merchant: UUID) -> NomadError {
        switch refusal.code {
        case "unknown_merchant": NomadError.notFound("merchant \(merchant.text)")
        case "overdraft": overdraft(.points)
        default: NomadError.internalError
        }
    }
    /// The codes `exchange_pow` refuses with, as the many-statement path's own.
    static func exchangeRefusal(_ refusal: OneStatementMutation.Refusal) -> NomadError {
        switch refusal.code {
        case "amount_too_large": amountTooLarge
        case "overdraft": overdraft(.pow)
        default: NomadError.internalError
        }
    }
    static let sameAccount = NomadError(
        .invalidArgument, zh: "不能转入同一账户", en: "The source and destination accounts are the same")
    static func unknownAccount(_ id: UUID) -> NomadError {
        NomadError(.notFound, zh: "未找到账户：\(id.text)", en: "No such ledger account: \(id.text)")
    }
    static func overdraft(_ unit: LedgerUnit) -> NomadError {
        NomadError(
            .failedPrecondition, zh: "余额不足（\(unit.rawValue)），未作任何变动",
            en: "Insufficient \(unit.rawValue) balance; nothing was changed")
    }
    static let wrongAccountKind = NomadError(
        .failedPrecondition, zh: "该账户不能接收此类转账", en: "That account cannot receive this kind of transfer")
    static let noPointsAccount = NomadError(
        .failedPrecondition, zh: "您还没有积分账户或积分余额", en: "You have no points account or balance yet")
}
