import Foundation
import NomadKit
import NomadProtos

/// Input shapes the open-day and competition areas share: team member lists
/// and links.
enum EntryInput {
    static let maxLinks = 10
    static let maxLink = 500
    static let maxTeam = 20

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

    /// An optional id (the calendar's event): empty means none.
    static func optionalID(_ value: String, _ field: String) throws -> UUID? {
        value.isEmpty ? nil : try Validate.uuid(value, field)
    }
}
