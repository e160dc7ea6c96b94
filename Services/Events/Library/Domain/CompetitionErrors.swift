import NomadKit

/// Refusals the open-day, competition and docking areas share, each in both languages.
enum CompetitionErrors {
    static func wrongState(_ zh: String, _ en: String) -> NomadError {
        NomadError(.failedPrecondition, zh: "当前状态不允许此操作：\(zh)", en: "Not allowed in the current state: \(en)")
    }

    static func conflict(_ zh: String, _ en: String) -> NomadError {
        NomadError(.permissionDenied, zh: "存在利益冲突：\(zh)", en: "Conflict of interest: \(en)")
    }

    static func exists(_ zh: String, _ en: String) -> NomadError {
        NomadError(.alreadyExists, zh: zh, en: en)
    }
}
