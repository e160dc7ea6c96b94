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

    static func password(_ value: String) throws {
        if value.isEmpty { throw NomadError.required("password") }
        guard value.count >= 10 else {
            throw NomadError.invalid("password", zh: "至少 10 个字符", en: "at least 10 characters")
        }
        guard value.count <= 128 else { throw NomadError.tooLong("password", max: 128) }
    }

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
