import Foundation
import NomadKit
import NomadProtos

/// What UpdateProfile may change, validated before any connection is taken.
/// Each field is applied only when its name is in the update mask (all of
/// them when the mask is empty).
struct ProfileUpdate: Sendable {
    enum Field: String, CaseIterable, Sendable {
        case skills, availability, hoursPerWeek = "hours_per_week", timeZone = "time_zone", languages, rate
    }

    static let maxSkills = 50
    static let maxTools = 20

    var fields: Set<Field>
    /// Skills as the nomad wrote them (code or alias); resolved in the store.
    var skills: [ProfileRecord.SkillRecord] = []
    var availability: Int16 = 0
    var hoursPerWeek: Int32 = 0
    var timeZone = ""
    var languages: [String] = []
    var rateCurrency = "CNY"
    var rateMinor: Int64 = 0

    init(_ profile: Nomad_Jobs_V1_Profile, mask: [String]) throws {
        if mask.isEmpty {
            fields = Set(Field.allCases)
        } else {
            fields = try Set(
                mask.map { name in
                    guard let field = Field(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                        throw NomadError.invalid("update_mask", zh: "未知字段：\(name)", en: "unknown field: \(name)")
                    }
                    return field
                })
        }
        if fields.contains(.skills) { skills = try Self.skills(profile.skills) }
        if fields.contains(.availability) {
            switch profile.availability {
            case .unspecified, .fullTime, .partTime, .occasional, .unavailable:
                availability = Int16(profile.availability.rawValue)
            default: throw NomadError.unknownEnum("availability")
            }
        }
        if fields.contains(.hoursPerWeek) {
            guard (0...80).contains(profile.hoursPerWeek) else {
                throw NomadError.invalid("hours_per_week", zh: "应在 0 到 80 之间", en: "must be between 0 and 80")
            }
            hoursPerWeek = profile.hoursPerWeek
        }
        if fields.contains(.timeZone) {
            let zone = try Validate.text(profile.timeZone, "time_zone", max: 64, required: false)
            guard zone.isEmpty || TimeZone(identifier: zone) != nil else {
                throw NomadError.invalid(
                    "time_zone", zh: "不是有效的 IANA 时区（如 Asia/Shanghai）",
                    en: "not an IANA time zone such as Asia/Shanghai")
            }
            timeZone = zone
        }
        if fields.contains(.languages) { languages = try LanguageTagRules.validate(profile.languages, "languages") }
        if fields.contains(.rate) {
            (rateCurrency, rateMinor) = try MoneyRules.validate(profile.rate, "rate", required: false)
        }
    }

    private static func skills(_ skills: [Nomad_Jobs_V1_ProfileSkill]) throws -> [ProfileRecord.SkillRecord] {
        guard skills.count <= maxSkills else {
            throw NomadError.invalid("skills", zh: "最多 \(maxSkills) 项", en: "at most \(maxSkills) items")
        }
        return try skills.map { skill in
            let term = try SkillTerms.term(skill.skillCode, "skills.skill_code")
            guard (1...5).contains(skill.level) else {
                throw NomadError.invalid("skills.level", zh: "应在 1 到 5 之间", en: "must be between 1 and 5")
            }
            guard (0...60).contains(skill.yearsExperience) else {
                throw NomadError.invalid("skills.years_experience", zh: "应在 0 到 60 之间", en: "must be between 0 and 60")
            }
            guard (0...100_000).contains(skill.projectsDone) else {
                throw NomadError.invalid("skills.projects_done", zh: "应在 0 到 100000 之间", en: "must be between 0 and 100000")
            }
            let tools = try JobPosting.uniqueList(skill.tools, "skills.tools", maxCount: maxTools, maxLength: 50)
            return .init(
                code: term, level: Int16(skill.level), yearsExperience: skill.yearsExperience,
                projectsDone: skill.projectsDone, tools: tools)
        }
    }

    /// The skills with their terms replaced by codes; an unknown term, or two
    /// naming one skill, is INVALID_ARGUMENT.
    func resolvedSkills(_ codes: [String: String]) throws -> [ProfileRecord.SkillRecord] {
        var seen = Set<String>()
        return try skills.map { skill in
            guard let code = codes[skill.code] else { throw JobsErrors.unknownSkill(skill.code) }
            guard seen.insert(code).inserted else {
                throw NomadError.invalid("skills", zh: "技能重复：\(code)", en: "skill listed twice: \(code)")
            }
            var resolved = skill
            resolved.code = code
            return resolved
        }
    }

    /// `profile` with the masked fields replaced (skills apart: see the store).
    func applied(to profile: ProfileRecord) -> ProfileRecord {
        var result = profile
        if fields.contains(.availability) { result.availability = availability }
        if fields.contains(.hoursPerWeek) { result.hoursPerWeek = hoursPerWeek }
        if fields.contains(.timeZone) { result.timeZone = timeZone }
        if fields.contains(.languages) { result.languages = languages }
        if fields.contains(.rate) {
            result.rateCurrency = rateCurrency
            result.rateMinor = rateMinor
        }
        return result
    }
}

enum ProfileRules {
    static func certification(_ standing: String) -> Nomad_Jobs_V1_CertificationStatus {
        switch NomadStanding(rawValue: standing) {
        case .certified: return .certified
        case .settled: return .settled
        case .registered, nil: return .none
        }
    }
}
