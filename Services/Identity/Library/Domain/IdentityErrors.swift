import Foundation
import GRPCCore
import NomadKit

/// Identity's refusals, each in both languages.
enum IdentityErrors {
    static let badCredentials = NomadError(
        .unauthenticated, zh: "用户名或密码错误", en: "Wrong username or password")
    static let badRefreshToken = NomadError(
        .unauthenticated, zh: "刷新令牌无效、已过期或已被撤销，请重新登录",
        en: "The refresh token is invalid, expired or revoked; please log in again")
    static let certificationAlreadyOpen = NomadError(
        .failedPrecondition, zh: "已有一份认定申请正在处理中", en: "A certification application is already being processed")
    static let alreadyCertified = NomadError(
        .failedPrecondition, zh: "您已通过数字游民认定", en: "You are already a certified digital nomad")
    static let notCertified = NomadError(
        .failedPrecondition, zh: "该账户尚未通过数字游民认定", en: "This account is not a certified digital nomad")
    static let alreadyMigrant = NomadError(
        .failedPrecondition, zh: "该账户已认定为数字移民", en: "This account is already a settled digital migrant")
    static let deadlinePassed = NomadError(
        .failedPrecondition, zh: "补充材料的期限已过，申请已失效", en: "The documents deadline has passed; the application lapsed")
    /// The code `record_site_visit` refuses with: the desk's site is unknown.
    static func siteVisitRefusal(_ refusal: OneStatementMutation.Refusal, site: UUID) -> NomadError {
        refusal.code == "site_not_found" ? NomadError.notFound("site \(site.text)") : NomadError.internalError
    }
    static let noSuchNomad = NomadError(
        .notFound, zh: "没有使用该用户名的数字游民账户", en: "No nomad account has that username")
    static let noCard = NomadError(.notFound, zh: "该账户没有一卡通", en: "This account has no one-card")
    static let permitNeedsCertification = NomadError(
        .failedPrecondition, zh: "须先通过数字游民认定，才能申请工作和居留许可",
        en: "Only certified digital nomads can apply for a work and residence permit")
    static func permitOverlaps(_ other: UUID) -> NomadError {
        NomadError(
            .failedPrecondition, zh: "该期间与您的另一份许可（\(other.text)）重叠：同一天只能持有一份许可",
            en: "The period overlaps your permit \(other.text): one permit covers a given day")
    }
    static let notForeign = NomadError(
        .failedPrecondition, zh: "工作和居留许可仅面向外籍数字游民", en: "Work and residence permits are for foreign nomads only")
}
