import Crypto
import Foundation
import NomadKit
import NomadProtos
import SwiftProtobuf

/// A job posting as validated for PublishJob and IngestJobs alike. Skills are
/// held as the caller wrote them until `resolved(_:)` maps them to codes; the
/// content hash is taken only after that, so "Swift" and the code it names
/// hash the same.
struct JobPosting: Sendable, Equatable {
    struct Skill: Sendable, Equatable {
        var code: String
        var minLevel: Int16
        var weight: Int16
        var essential: Bool
    }

    typealias Mode = Nomad_Jobs_V1_JobMode

    static let maxTitle = 200
    static let maxDescription = 5000
    static let maxSkills = 30
    static let maxTools = 30
    static let maxSeats: Int32 = 10_000
    static let maxExternalID = 100

    var externalID: String?
    var title: String
    var description: String
    var skills: [Skill]
    var tools: [String]
    var currency: String
    var budgetMinor: Int64
    var mode: Mode
    var seats: Int32
    var deadline: Date
    var languages: [String]
    var claimable: Bool

}

extension JobPosting {
    /// Checks every field of `job` a caller may set; the output-only ones are
    /// ignored. `requireExternalID` is for ingestion.
    init(_ job: Nomad_Jobs_V1_Job, now: Date = Date(), requireExternalID: Bool = false) throws {
        let external = try Validate.text(job.externalID, "external_id", max: Self.maxExternalID, required: requireExternalID)
        externalID = external.isEmpty ? nil : external
        title = try Validate.text(job.title, "title", max: Self.maxTitle)
        description = try Validate.text(job.description_p, "description", max: Self.maxDescription)
        skills = try Self.skills(job.requiredSkills)
        tools = try Self.uniqueList(job.tools, "tools", maxCount: Self.maxTools, maxLength: 50)
        (currency, budgetMinor) = try MoneyRules.validate(job.budget, "budget", required: true)
        mode = job.mode
        switch job.mode {
        case .remoteOrder, .longContract, .flexible: break
        case .openBounty:
            throw NomadError.invalid(
                "mode", zh: "揭榜挂帅项目请使用 PublishBounty 发布，它会自动出现在需求清单中",
                en: "open bounties are published with PublishBounty, which lists them with the rest of the demand")
        default: throw NomadError.unknownEnum("mode")
        }
        guard (1...Self.maxSeats).contains(job.seats) else {
            throw NomadError.invalid("seats", zh: "应在 1 到 \(Self.maxSeats) 之间", en: "must be between 1 and \(Self.maxSeats)")
        }
        seats = job.seats
        guard job.hasDeadline else { throw NomadError.required("deadline") }
        deadline = job.deadline.date
        guard deadline > now else {
            throw NomadError.invalid("deadline", zh: "必须晚于当前时间", en: "must be in the future")
        }
        languages = try LanguageTagRules.validate(job.languages, "languages")
        claimable = job.claimable
        if claimable, !(mode == .remoteOrder || mode == .flexible) {
            throw NomadError.invalid(
                "claimable", zh: "只有远程接单和灵活用工岗位可直接接单；长期合同需通过申请确定合同日期",
                en: "only remote orders and flexible jobs can be claimed directly; a long contract needs an application with contract dates"
            )
        }
    }

    private static func skills(_ required: [Nomad_Jobs_V1_RequiredSkill]) throws -> [Skill] {
        guard !required.isEmpty else {
            throw NomadError.invalid("required_skills", zh: "至少需要一项技能", en: "at least one skill is required")
        }
        guard required.count <= maxSkills else {
            throw NomadError.invalid("required_skills", zh: "最多 \(maxSkills) 项", en: "at most \(maxSkills) items")
        }
        return try required.map { skill in
            let term = try SkillTerms.term(skill.skillCode, "required_skills.skill_code")
            guard (1...5).contains(skill.minLevel) else {
                throw NomadError.invalid("required_skills.min_level", zh: "应在 1 到 5 之间", en: "must be between 1 and 5")
            }
            guard (1...10).contains(skill.weight) else {
                throw NomadError.invalid("required_skills.weight", zh: "应在 1 到 10 之间", en: "must be between 1 and 10")
            }
            return Skill(code: term, minLevel: Int16(skill.minLevel), weight: Int16(skill.weight), essential: skill.essential)
        }
    }

    /// Trimmed, non-empty, repeats dropped (case-insensitively), order kept.
    static func uniqueList(_ values: [String], _ field: String, maxCount: Int, maxLength: Int) throws -> [String] {
        var seen = Set<String>()
        return try Validate.list(values, field, maxCount: maxCount, maxLength: maxLength)
            .filter { seen.insert($0.lowercased()).inserted }
    }

    /// The terms the skills were given as, for resolving.
    var skillTerms: [String] { skills.map(\.code) }

    /// The posting with every skill term replaced by its code. An unknown
    /// term, or two terms naming one skill, is INVALID_ARGUMENT.
    func resolved(_ codes: [String: String]) throws -> JobPosting {
        var copy = self
        var seen = Set<String>()
        for index in copy.skills.indices {
            let term = copy.skills[index].code
            guard let code = codes[term] else { throw JobsErrors.unknownSkill(term) }
            guard seen.insert(code).inserted else {
                throw NomadError.invalid("required_skills", zh: "技能重复：\(code)", en: "skill listed twice: \(code)")
            }
            copy.skills[index].code = code
        }
        return copy
    }

    /// SHA-256 of the deterministic protobuf encoding of the validated fields
    /// (skills in code order), so a replayed posting is recognised as such.
    var contentHash: Data {
        let job = Nomad_Jobs_V1_Job.with { job in
            job.externalID = externalID ?? ""
            job.title = title
            job.description_p = description
            job.requiredSkills = skills.sorted { $0.code < $1.code }.map { skill in
                .with {
                    $0.skillCode = skill.code
                    $0.minLevel = Int32(skill.minLevel)
                    $0.weight = Int32(skill.weight)
                    $0.essential = skill.essential
                }
            }
            job.tools = tools
            job.budget = .with {
                $0.currencyCode = currency; $0.minorUnits = budgetMinor
            }
            job.mode = mode
            job.seats = seats
            job.deadline = .init(date: deadline)
            job.languages = languages
            job.claimable = claimable
        }
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        let bytes: [UInt8] = (try? job.serializedBytes(options: options)) ?? []
        return Data(SHA256.hash(data: bytes))
    }
}

/// Money as integer minor units and an ISO 4217 code.
enum MoneyRules {
    static func validate(_ money: Nomad_Common_V1_Money, _ field: String, required: Bool) throws -> (String, Int64) {
        if !required, money.currencyCode.isEmpty, money.minorUnits == 0 { return ("CNY", 0) }
        let code = try Validate.currencyCode(money.currencyCode, "\(field).currency_code")
        guard money.minorUnits >= 0 else {
            throw NomadError.invalid("\(field).minor_units", zh: "不能为负数", en: "must not be negative")
        }
        return (code, money.minorUnits)
    }
}

/// BCP 47-ish language tags ("zh-CN", "en", "zh-Hans-CN").
enum LanguageTagRules {
    static let maxCount = 10

    static func validate(_ values: [String], _ field: String) throws -> [String] {
        guard values.count <= maxCount else {
            throw NomadError.invalid(field, zh: "最多 \(maxCount) 项", en: "at most \(maxCount) items")
        }
        var seen = Set<String>()
        return try values.compactMap { value in
            let tag = value.trimmingCharacters(in: .whitespaces)
            guard tag.range(of: "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", options: .regularExpression) != nil else {
                throw NomadError.invalid(field, zh: "不是有效的语言标签：\(value)", en: "not a language tag: \(value)")
            }
            return seen.insert(tag.lowercased()).inserted ? tag : nil
        }
    }
}
