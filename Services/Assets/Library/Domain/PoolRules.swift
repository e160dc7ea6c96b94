import Foundation
import GRPCCore
import NomadKit

enum PoolGrantStatus: Int16, Sendable {
    case requested = 1, granted, refused, revoked
}

/// What an enterprise asks for, checked.
struct PoolAccessDraft: Sendable {
    var poolCode: String
    var purpose: String
    var start: ZoneDay
    var end: ZoneDay
}

enum PoolRules {
    static let maxPurpose = 1000
    static let maxGrantDays = 366 * 3

    static func draft(poolCode: String, purpose: String, start: ZoneDay?, end: ZoneDay?, today: ZoneDay) throws -> PoolAccessDraft {
        let code = try Validate.text(poolCode, "pool_code", max: 64)
        let purpose = try Validate.text(purpose, "purpose", max: maxPurpose)
        guard let start else { throw NomadError.required("period_start") }
        guard let end else { throw NomadError.required("period_end") }
        guard end >= start else {
            throw NomadError.invalid("period_end", zh: "不能早于开始日期", en: "must not be before period_start")
        }
        guard end >= today else {
            throw NomadError.invalid("period_end", zh: "不能早于今天", en: "must not be in the past")
        }
        guard end < start.adding(days: maxGrantDays) else {
            throw NomadError.invalid("period_end", zh: "期限最长三年", en: "a grant lasts at most three years")
        }
        return PoolAccessDraft(poolCode: code, purpose: purpose, start: start, end: end)
    }

    /// Why a grant cannot be read through today, or nil when it can.
    static func readRefusal(status: PoolGrantStatus, start: ZoneDay, end: ZoneDay, today: ZoneDay) -> NomadError? {
        switch status {
        case .granted:
            if today < start {
                return NomadError(.failedPrecondition, zh: "授权期尚未开始", en: "The grant's period has not started")
            }
            if today > end {
                return NomadError(.failedPrecondition, zh: "授权已过期", en: "The grant has expired")
            }
            return nil
        case .revoked:
            return NomadError(.permissionDenied, zh: "授权已被撤销", en: "The grant was revoked")
        case .requested:
            return NomadError(.failedPrecondition, zh: "授权尚未批准", en: "The grant has not been granted")
        case .refused:
            return NomadError(.permissionDenied, zh: "授权申请已被拒绝", en: "The grant was refused")
        }
    }

    static func unknownPool(_ code: String) -> NomadError {
        NomadError(.notFound, zh: "未找到数据资源池：\(code)", en: "No such data pool: \(code)")
    }
}
