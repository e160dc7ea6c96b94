import Foundation
import NomadKit
import NomadProtos

/// Input shapes the open-day and competition areas share: bilingual texts,
/// team member lists, links and evidence digests.
enum EntryInput {
    static let maxLinks = 10
    static let maxLink = 500
    static let maxTeam = 20

    /// zh-CN is the programme's reference language and required; en is optional.
    static func localized(_ text: Nomad_Common_V1_LocalizedText, _ field: String, max: Int) throws -> (zh: String, en: String) {
        let zh = try Validate.text(text.zhCn, "\(field).zh_cn", max: max)
        let en = try Validate.text(text.en, "\(field).en", max: max, required: false)
        return (zh, en)
    }

    /// The team: the caller first, then the other members in the order given.
    /// The caller may list themselves or not; duplicates are refused.
    static func team(lead: UUID, others: [String], field: String = "member_ids") throws -> [UUID] {
        guard others.count < maxTeam else {
            throw NomadError.invalid(field, zh: "团队最多 \(maxTeam) 人", en: "a team has at most \(maxTeam) members")
        }
        var members = [lead]
        for value in others {
            let member = try Validate.uuid(value, field)
            if member == lead { continue }
            guard !members.contains(member) else {
                throw NomadError.invalid(field, zh: "成员重复：\(member.text)", en: "duplicate member \(member.text)")
            }
            members.append(member)
        }
        return members
    }

    static func links(_ values: [String], field: String = "links") throws -> [String] {
        let links = try Validate.list(values, field, maxCount: maxLinks, maxLength: maxLink)
        for link in links where !(link.hasPrefix("https://") || link.hasPrefix("http://")) {
            throw NomadError.invalid(field, zh: "链接须以 http:// 或 https:// 开头", en: "links must start with http:// or https://")
        }
        return links
    }

    static func evidenceHash(_ value: String) throws -> String {
        if value.isEmpty { return "" }
        let lower = value.lowercased()
        guard lower.count == 64, lower.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) || ("a"..."f").contains($0) }) else {
            throw NomadError.invalid("evidence_hash", zh: "须为 64 位十六进制的 SHA-256 摘要",
                                     en: "must be a SHA-256 digest in 64 hex digits")
        }
        return lower
    }

    /// An optional id (the calendar's event): empty means none.
    static func optionalID(_ value: String, _ field: String) throws -> UUID? {
        value.isEmpty ? nil : try Validate.uuid(value, field)
    }
}
