import Foundation
import NomadKit
import NomadProtos
import SwiftProtobuf

/// A bounty as published, after validation. Amounts are minor units.
struct BountyDraft: Sendable {
    struct Skill: Sendable, Equatable {
        var code: String
        var minLevel: Int16
        var weight: Int16
    }

    struct Milestone: Sendable {
        var title: String
        var due: Date
    }

    var title: String
    var description: String
    var currency: String
    var budgetMinor: Int64
    var deadline: Date
    var applicantKinds: [Int16]
    var skills: [Skill]
    var certifiedOnly: Bool
    var maxTeamSize: Int
    var winnerPlaces: Int
    var milestones: [Milestone]
}

/// An application as submitted, after validation. `members` excludes the lead.
struct ApplicationDraft: Sendable {
    var kind: Int16
    var teamName: String
    var members: [UUID]
    var proposal: String
    var evidenceHash: String
}

/// The bounty workflow's rules: what a valid bounty and application look
/// like, and which transitions each state allows. Plain Swift, so every rule
/// reads in one place and holds whichever replica applies it.
enum BountyRules {
    static let maxTitle = 200
    static let maxDescription = 5000
    static let maxProposal = 5000
    static let maxNote = 2000
    static let maxReason = 500
    static let maxTeamName = 200
    static let maxMilestones = 20
    static let maxSkills = 20
    static let maxWinnerPlaces = 100
    static let maxTeamSizeLimit = 50

    enum Status: Int16 {
        case open = 1, inProgress = 2, completed = 3, cancelled = 4
    }

    enum ApplicationStatus: Int16 {
        case submitted = 1, qualified = 2, disqualified = 3, won = 4, notSelected = 5
    }

    enum Kind: Int16 {
        case individual = 1, team = 2, studio = 3
    }

    // MARK: publishing

    static func draft(_ bounty: Nomad_Jobs_V1_Bounty, now: Date) throws -> BountyDraft {
        let title = try Validate.text(bounty.title, "bounty.title", max: maxTitle)
        let description = try Validate.text(bounty.description_p, "bounty.description", max: maxDescription)
        guard bounty.hasBudget else { throw NomadError.required("bounty.budget") }
        let currency = try Validate.currencyCode(bounty.budget.currencyCode, "bounty.budget.currency_code")
        guard bounty.budget.minorUnits >= 0 else {
            throw NomadError.invalid("bounty.budget", zh: "金额不能为负数", en: "must not be negative")
        }
        guard bounty.hasDeadline else { throw NomadError.required("bounty.deadline") }
        let deadline = bounty.deadline.date
        guard deadline > now else {
            throw NomadError.invalid("bounty.deadline", zh: "截止时间必须在未来", en: "must be in the future")
        }
        guard (1...maxWinnerPlaces).contains(Int(bounty.winnerPlaces)) else {
            throw NomadError.invalid(
                "bounty.winner_places", zh: "须在 1 到 \(maxWinnerPlaces) 之间",
                en: "must be between 1 and \(maxWinnerPlaces)")
        }
        let qualification = bounty.qualification
        var kinds: [Int16] = []
        for kind in qualification.applicantKinds {
            guard let known = Kind(rawValue: Int16(clamping: kind.rawValue)) else {
                throw NomadError.unknownEnum("bounty.qualification.applicant_kinds")
            }
            if !kinds.contains(known.rawValue) { kinds.append(known.rawValue) }
        }
        guard qualification.requiredSkills.count <= maxSkills else {
            throw NomadError.invalid(
                "bounty.qualification.required_skills", zh: "最多 \(maxSkills) 项",
                en: "at most \(maxSkills) items")
        }
        var skills: [BountyDraft.Skill] = []
        for skill in qualification.requiredSkills {
            let code = try Validate.text(skill.skillCode, "bounty.qualification.required_skills.skill_code", max: 200)
            guard (1...5).contains(skill.minLevel) else {
                throw NomadError.invalid(
                    "bounty.qualification.required_skills.min_level", zh: "须在 1 到 5 之间",
                    en: "must be between 1 and 5")
            }
            guard (1...10).contains(skill.weight) else {
                throw NomadError.invalid(
                    "bounty.qualification.required_skills.weight", zh: "须在 1 到 10 之间",
                    en: "must be between 1 and 10")
            }
            guard !skills.contains(where: { $0.code == code }) else {
                throw NomadError.invalid(
                    "bounty.qualification.required_skills", zh: "技能重复：\(code)",
                    en: "duplicate skill \(code)")
            }
            skills.append(.init(code: code, minLevel: Int16(skill.minLevel), weight: Int16(skill.weight)))
        }
        guard (0...maxTeamSizeLimit).contains(Int(qualification.maxTeamSize)) else {
            throw NomadError.invalid(
                "bounty.qualification.max_team_size", zh: "须在 0（不限）到 \(maxTeamSizeLimit) 之间",
                en: "must be between 0 (no limit) and \(maxTeamSizeLimit)")
        }
        guard bounty.milestones.count <= maxMilestones else {
            throw NomadError.invalid("bounty.milestones", zh: "最多 \(maxMilestones) 个", en: "at most \(maxMilestones) items")
        }
        let milestones = try bounty.milestones.map { milestone in
            let title = try Validate.text(milestone.title, "bounty.milestones.title", max: maxTitle)
            guard milestone.hasDue else { throw NomadError.required("bounty.milestones.due") }
            guard milestone.due.date > now else {
                throw NomadError.invalid("bounty.milestones.due", zh: "到期时间必须在未来", en: "must be in the future")
            }
            return BountyDraft.Milestone(title: title, due: milestone.due.date)
        }
        return BountyDraft(
            title: title, description: description, currency: currency, budgetMinor: bounty.budget.minorUnits,
            deadline: deadline, applicantKinds: kinds, skills: skills, certifiedOnly: qualification.certifiedOnly,
            maxTeamSize: Int(qualification.maxTeamSize), winnerPlaces: Int(bounty.winnerPlaces), milestones: milestones)
    }

    // MARK: applying

    /// What can be checked from the request alone.
    static func application(_ request: Nomad_Jobs_V1_SubmitBountyApplicationRequest, lead: UUID) throws -> ApplicationDraft {
        guard let kind = Kind(rawValue: Int16(clamping: request.kind.rawValue)) else {
            throw NomadError.unknownEnum("kind")
        }
        let proposal = try Validate.text(request.proposal, "proposal", max: maxProposal)
        let evidence = try Validate.sha256Hex(request.evidenceHash, "evidence_hash", required: false)
        var members: [UUID] = []
        var teamName = ""
        switch kind {
        case .individual:
            guard request.memberIds.isEmpty, request.teamName.isEmpty else {
                throw NomadError.invalid(
                    "member_ids", zh: "个人申请不能有其他成员或团队名称",
                    en: "an individual applies without other members or a team name")
            }
        case .team, .studio:
            teamName = try Validate.text(request.teamName, "team_name", max: maxTeamName)
            guard !request.memberIds.isEmpty else { throw NomadError.required("member_ids") }
            guard request.memberIds.count < maxTeamSizeLimit else {
                throw NomadError.invalid(
                    "member_ids", zh: "最多 \(maxTeamSizeLimit - 1) 名其他成员",
                    en: "at most \(maxTeamSizeLimit - 1) other members")
            }
            for value in request.memberIds {
                let member = try Validate.uuid(value, "member_ids")
                guard member != lead else {
                    throw NomadError.invalid(
                        "member_ids", zh: "不要把自己（负责人）列为成员",
                        en: "list the other members only, not yourself (the lead)")
                }
                guard !members.contains(member) else {
                    throw NomadError.invalid("member_ids", zh: "成员重复：\(member.text)", en: "duplicate member \(member.text)")
                }
                members.append(member)
            }
        }
        return ApplicationDraft(
            kind: kind.rawValue, teamName: teamName, members: members, proposal: proposal,
            evidenceHash: evidence)
    }

    /// Whether the bounty takes this application now. The qualification's
    /// own rules (kind, team size, certification) are FAILED_PRECONDITION:
    /// the request is well formed, the bounty does not admit it.
    static func admit(_ draft: ApplicationDraft, to bounty: BountyRecord, standing: NomadStanding?, now: Date) throws {
        guard bounty.status == Status.open.rawValue else {
            throw NomadError.wrongState("该榜单已停止接受申请", "this bounty no longer takes applications")
        }
        guard bounty.deadline > now else {
            throw NomadError.wrongState("该榜单的申请截止时间已过", "this bounty's application deadline has passed")
        }
        if !bounty.applicantKinds.isEmpty, !bounty.applicantKinds.contains(draft.kind) {
            throw NomadError.wrongState("该榜单不接受此类申请人", "this bounty does not accept this kind of applicant")
        }
        let size = draft.members.count + 1
        if bounty.maxTeamSize > 0, size > bounty.maxTeamSize {
            throw NomadError.wrongState(
                "团队人数 \(size) 超过上限 \(bounty.maxTeamSize)",
                "a team of \(size) exceeds the limit of \(bounty.maxTeamSize)")
        }
        if bounty.certifiedOnly, standing != .certified, standing != .settled {
            throw NomadError.wrongState("该榜单仅接受已认证的数字游民", "this bounty is open to certified nomads only")
        }
    }

    // MARK: transitions

    static func review(_ application: BountyApplicationRecord, bounty: BountyRecord) throws {
        guard bounty.status == Status.open.rawValue else {
            throw NomadError.wrongState("该榜单已不在揭榜阶段", "this bounty is no longer open")
        }
        guard application.status == ApplicationStatus.submitted.rawValue else {
            throw NomadError.wrongState("该申请已审核", "this application has already been reviewed")
        }
    }

    /// The first required skill no member holds at its level, if any.
    static func missingSkill(_ required: [BountyDraft.Skill], held: [String: Int16]) -> BountyDraft.Skill? {
        required.first { (held[$0.code] ?? 0) < $0.minLevel }
    }

    static func claim(_ application: BountyApplicationRecord, bounty: BountyRecord) throws {
        switch ApplicationStatus(rawValue: application.status) {
        case .qualified:
            break
        case .submitted:
            throw NomadError.wrongState("申请尚未通过资格审查", "the application is not qualified yet")
        case .disqualified:
            throw NomadError.wrongState("申请未通过资格审查", "the application was disqualified")
        case .won:
            throw NomadError.wrongState("该申请已揭榜", "this application has already won")
        default:
            throw NomadError.wrongState("所有揭榜名额已被占满", "every winner place has been taken")
        }
        guard bounty.status == Status.open.rawValue, bounty.winners < bounty.winnerPlaces else {
            throw NomadError.wrongState("所有揭榜名额已被占满", "every winner place has been taken")
        }
    }

    static func progress(_ percent: Int32, note: String, milestoneIndex: Int32, bounty: BountyRecord) throws -> (Int, Int16, String) {
        guard bounty.status == Status.inProgress.rawValue else {
            throw NomadError.wrongState("榜单不在实施阶段", "the bounty is not in progress")
        }
        guard milestoneIndex >= 0, Int(milestoneIndex) < bounty.milestones.count else {
            throw NomadError.invalid("milestone_index", zh: "该榜单没有这个里程碑", en: "the bounty has no such milestone")
        }
        guard (0...100).contains(percent) else {
            throw NomadError.invalid("progress_percent", zh: "须在 0 到 100 之间", en: "must be between 0 and 100")
        }
        let text = try Validate.text(note, "note", max: maxNote, required: false)
        let milestone = bounty.milestones[Int(milestoneIndex)]
        guard Int16(percent) >= milestone.progressPercent else {
            throw NomadError.invalid(
                "progress_percent", zh: "不能低于上次报告的 \(milestone.progressPercent)%",
                en: "must not be lower than the last report's \(milestone.progressPercent)%")
        }
        return (Int(milestoneIndex), Int16(percent), text)
    }

    static func completion(_ reward: Nomad_Jobs_V1_CompleteBountyRequest, bounty: BountyRecord) throws -> Int64 {
        guard reward.hasReward else { throw NomadError.required("reward") }
        guard reward.reward.currencyCode == bounty.currency else {
            throw NomadError.invalid(
                "reward.currency_code", zh: "须与预算币种 \(bounty.currency) 相同",
                en: "must be the budget's currency, \(bounty.currency)")
        }
        guard reward.reward.minorUnits >= 0 else {
            throw NomadError.invalid("reward", zh: "金额不能为负数", en: "must not be negative")
        }
        guard reward.reward.minorUnits <= bounty.budgetMinor else {
            throw NomadError.invalid("reward", zh: "奖励不能超过预算", en: "must not exceed the budget")
        }
        guard bounty.status == Status.inProgress.rawValue else {
            throw NomadError.wrongState("榜单不在实施阶段", "the bounty is not in progress")
        }
        return reward.reward.minorUnits
    }

    /// A milestone is overdue when its due time passed short of 100 % while
    /// the work is still live; a finished bounty has nothing overdue.
    static func isOverdue(due: Date, progress: Int16, status: Int16, now: Date) -> Bool {
        let live = status == Status.open.rawValue || status == Status.inProgress.rawValue
        return live && due < now && progress < 100
    }
}
