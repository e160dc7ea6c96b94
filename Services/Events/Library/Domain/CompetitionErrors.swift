import GRPCCore
import NomadKit

/// Refusals the open-day, competition and docking areas share, each in both languages.
enum CompetitionErrors {
    static func conflict(_ zh: String, _ en: String) -> NomadError {
        NomadError(.permissionDenied, zh: "存在利益冲突：\(zh)", en: "Conflict of interest: \(en)")
    }

    static func exists(_ zh: String, _ en: String) -> NomadError {
        NomadError(.alreadyExists, zh: zh, en: en)
    }
}

extension CompetitionErrors {
    static let unknownCalendarEvent = NomadError(
        .notFound, zh: "日程中没有 event_id 指定的活动", en: "No event on the calendar has this event_id")
    static func calendarKindMismatch(_ kind: String) -> NomadError {
        NomadError(.invalidArgument, zh: "event_id 指定的活动类型应为 \(kind)", en: "The event named by event_id must be of kind \(kind)")
    }
}
