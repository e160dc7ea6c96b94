import Foundation
import NomadKit

/// What a valid username, password and profile look like.
enum AccountRules {
    static func username(_ value: String) throws -> String {
        let username = value.trimmingCharacters(in: .whitespaces)
        guard (3...32).contains(username.count),
            username.unicodeScalars.allSatisfy({ "abcdefghijklmnopqrstuvwxyz0123456789._-".unicodeScalars.contains($0) })
        else {
            if username.isEmpty { throw NomadError.required("username") }
            throw NomadError.invalid("username", zh: "须为 3 到 32 个小写字母、数字或 . _ -", en: "3 to 32 lower-case letters, digits, '.', '_' or '-'")
        }
        return username
    }

    /// The same rules at registration and when a password is changed;
    /// `field` names the request's field in the refusal.
    static func password(_ value: String, field: String = "password") throws {
        if value.isEmpty { throw NomadError.required(field) }
        guard value.count >= 10 else {
            throw NomadError.invalid(field, zh: "至少 10 个字符", en: "at least 10 characters")
        }
        guard value.count <= 128 else { throw NomadError.tooLong(field, max: 128) }
    }

    /// What a person is shown as: 1 to 64 characters, as at registration.
    static func displayName(_ value: String) throws -> String {
        try Validate.text(value, "display_name", max: 64)
    }

    static let wrongCurrentPassword = NomadError.invalid(
        "current_password", zh: "当前密码不正确", en: "the current password is wrong")

    static let samePassword = NomadError.invalid(
        "new_password", zh: "新密码不能与当前密码相同", en: "must differ from the current password")

    static let languagesForNomadsOnly = NomadError.invalid(
        "languages", zh: "只有数字游民账户记录语言", en: "only nomad accounts keep languages")

    static func nationality(_ value: String) throws -> String {
        guard value.count == 2, value.unicodeScalars.allSatisfy({ $0.value >= 65 && $0.value <= 90 }) else {
            if value.isEmpty { throw NomadError.required("nationality") }
            throw NomadError.invalid("nationality", zh: "须为两位大写国家代码（ISO 3166-1）", en: "a two-letter ISO 3166-1 code in upper case")
        }
        return value
    }

    static func languages(_ values: [String]) throws -> [String] {
        guard values.count <= 10 else {
            throw NomadError.invalid("languages", zh: "最多 10 种", en: "at most 10")
        }
        return try values.map { tag in
            guard (2...35).contains(tag.count),
                tag.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "-" })
            else { throw NomadError.invalid("languages", zh: "须为 BCP 47 语言标签，如 zh-CN", en: "BCP 47 tags such as zh-CN") }
            return tag
        }
    }
}
