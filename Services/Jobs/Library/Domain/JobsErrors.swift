import GRPCCore
import NomadKit

/// Refusals the jobs areas share, each in both languages.
enum JobsErrors {
    static let jobNotOpen = NomadError(
        .failedPrecondition, zh: "该岗位已关闭或已满员", en: "This job is closed or has no free seat")
    static let jobNotClaimable = NomadError(
        .failedPrecondition, zh: "该岗位不接受直接接单，请提交申请", en: "This job does not take direct claims; apply instead")
    static let jobDeadlinePassed = NomadError(
        .failedPrecondition, zh: "该岗位的截止时间已过", en: "This job's deadline has passed")
    static let permitDoesNotCover = NomadError(
        .failedPrecondition, zh: "外籍数字游民的工作和居留许可须覆盖全部工作日期（许可获批或续期后请重新登录）",
        en:
            "A foreign nomad's work and residence permit must cover every day of the work (after a permit is approved or renewed, sign in again)"
    )
    static let alreadyOnJob = NomadError(
        .alreadyExists, zh: "您已申请或承接了该岗位", en: "You have already applied to or taken this job")
    /// The codes `claim_job` refuses with, as the seat takers' own refusals.
    static func claimRefusal(_ refusal: OneStatementMutation.Refusal) -> NomadError {
        switch refusal.code {
        case "job_not_found": NomadError.notFound("job")
        case "job_not_claimable": jobNotClaimable
        case "job_deadline_passed": jobDeadlinePassed
        case "job_not_open": jobNotOpen
        case "already_on_job": alreadyOnJob
        default: NomadError.internalError
        }
    }
    static func unknownSkill(_ code: String) -> NomadError {
        NomadError(.invalidArgument, zh: "技能库中没有该技能：\(code)", en: "No such skill in the library: \(code)")
    }
}
