import Foundation
import NomadKit
import NomadProtos
import SwiftProtobuf

/// What an event is made of once its input has been checked: plain values the
/// store writes. Kinds and statuses are the proto enums' numbers.
struct EventDraft: Sendable {
    var kind: Int16
    var title: [String: String]
    var description: [String: String]
    var venue: Venue
    var startsAt: Date
    var endsAt: Date
    var closesAt: Date
    var capacity: Int
    var sessions: [SessionDraft]

    enum Venue: Sendable, Equatable {
        case site(id: String, area: Int16, address: String)
        case online(url: String)
    }
}

struct SessionDraft: Sendable {
    /// Kept on update when the caller names an existing session.
    var id: UUID?
    var title: String
    var room: String
    var startsAt: Date
    var endsAt: Date
    var speakers: [SessionSpeaker]
}

struct SessionSpeaker: Codable, Sendable, Equatable {
    var name: String
    var affiliation: String
}

enum EventStatus: Int16, Sendable {
    case draft = 1, published, cancelled, finished
}

enum EventRules {
    static let requiredLanguages = ["zh-CN", "en"]
    static let maxLanguages = 12
    static let maxTitle = 200
    static let maxDescription = 5000
    static let maxSessions = 100
    static let maxSpeakers = 30
    static let maxCapacity = 100_000
    static let maxReason = 500

    /// Checks a whole event as CreateEvent and UpdateEvent receive it.
    static func draft(_ event: Nomad_Events_V1_Event, now: Date) throws -> EventDraft {
        guard event.kind != .unspecified, (1...7).contains(event.kind.rawValue) else { throw NomadError.unknownEnum("kind") }
        let title = try texts(event.title, "title", max: maxTitle)
        let description = try texts(event.description_p, "description", max: maxDescription)
        let venue = try self.venue(event.venue, present: event.hasVenue)
        guard event.hasStartTime else { throw NomadError.required("start_time") }
        guard event.hasEndTime else { throw NomadError.required("end_time") }
        let start = event.startTime.date, end = event.endTime.date
        guard end > start else {
            throw NomadError.invalid("end_time", zh: "必须晚于开始时间", en: "must be after start_time")
        }
        guard start > now else {
            throw NomadError.invalid("start_time", zh: "必须在将来", en: "must be in the future")
        }
        // Unset means registration stays open until the event starts.
        let closes = event.hasRegistrationCloseTime ? event.registrationCloseTime.date : start
        guard closes <= start else {
            throw NomadError.invalid("registration_close_time", zh: "不能晚于开始时间", en: "must not be after start_time")
        }
        guard event.capacity > 0 else {
            throw NomadError.invalid("capacity", zh: "必须大于 0", en: "must be greater than 0")
        }
        guard event.capacity <= maxCapacity else {
            throw NomadError.invalid("capacity", zh: "最多 \(maxCapacity)", en: "at most \(maxCapacity)")
        }
        guard event.sessions.count <= maxSessions else {
            throw NomadError.invalid("sessions", zh: "最多 \(maxSessions) 场", en: "at most \(maxSessions) sessions")
        }
        var seen = Set<UUID>()
        let sessions = try event.sessions.map { session -> SessionDraft in
            let draft = try self.session(session, eventStart: start, eventEnd: end)
            if let id = draft.id, !seen.insert(id).inserted {
                throw NomadError.invalid("sessions.session_id", zh: "重复", en: "given twice")
            }
            return draft
        }
        return EventDraft(
            kind: Int16(event.kind.rawValue), title: title, description: description, venue: venue,
            startsAt: start, endsAt: end, closesAt: closes, capacity: Int(event.capacity), sessions: sessions)
    }

    /// A language map: zh-CN and en required, a bounded set of well-formed tags.
    static func texts(_ map: [String: String], _ field: String, max: Int) throws -> [String: String] {
        guard map.count <= maxLanguages else {
            throw NomadError.invalid(field, zh: "最多 \(maxLanguages) 种语言", en: "at most \(maxLanguages) languages")
        }
        var out: [String: String] = [:]
        for (language, text) in map {
            guard isLanguageTag(language) else {
                throw NomadError.invalid(field, zh: "语言标记无效：\(language)", en: "not a language tag: \(language)")
            }
            let value = try Validate.text(text, "\(field)[\(language)]", max: max, required: false)
            if !value.isEmpty { out[language] = value }
        }
        for language in requiredLanguages where out[language] == nil {
            throw NomadError.required("\(field)[\(language)]")
        }
        return out
    }

    /// "en", "zh-CN", "pt-BR", "zh-Hant": letters and digits in parts of up to 8.
    static func isLanguageTag(_ tag: String) -> Bool {
        tag.range(of: "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,2}$", options: .regularExpression) != nil
    }

    static func venue(_ venue: Nomad_Events_V1_EventVenue, present: Bool) throws -> EventDraft.Venue {
        switch venue.place {
        case .site(let site)?:
            let id = try Validate.text(site.siteID, "venue.site.site_id", max: 64)
            guard site.area == .core || site.area == .linked else { throw NomadError.unknownEnum("venue.site.area") }
            let address = try Validate.text(site.address, "venue.site.address", max: 300, required: false)
            return .site(id: id, area: Int16(site.area.rawValue), address: address)
        case .online(let online)?:
            let url = try Validate.text(online.url, "venue.online.url", max: 500)
            guard let parsed = URL(string: url), parsed.scheme == "https" || parsed.scheme == "http", parsed.host != nil else {
                throw NomadError.invalid("venue.online.url", zh: "必须是 http(s) 地址", en: "must be an http(s) address")
            }
            return .online(url: url)
        case nil:
            throw NomadError.required("venue")
        }
    }

    static func session(_ session: Nomad_Events_V1_EventSession, eventStart: Date, eventEnd: Date) throws -> SessionDraft {
        let id = session.sessionID.isEmpty ? nil : try Validate.uuid(session.sessionID, "sessions.session_id")
        let title = try Validate.text(session.title, "sessions.title", max: maxTitle)
        let room = try Validate.text(session.room, "sessions.room", max: 100, required: false)
        guard session.hasStartTime, session.hasEndTime else { throw NomadError.required("sessions.start_time/end_time") }
        let start = session.startTime.date, end = session.endTime.date
        guard end > start else {
            throw NomadError.invalid("sessions.end_time", zh: "必须晚于场次开始时间", en: "must be after the session's start")
        }
        guard start >= eventStart, end <= eventEnd else {
            throw NomadError.invalid("sessions", zh: "场次必须在活动时间之内", en: "a session must lie within the event")
        }
        guard session.speakers.count <= maxSpeakers else {
            throw NomadError.invalid("sessions.speakers", zh: "最多 \(maxSpeakers) 位", en: "at most \(maxSpeakers)")
        }
        let speakers = try session.speakers.map {
            SessionSpeaker(
                name: try Validate.text($0.name, "sessions.speakers.name", max: 100),
                affiliation: try Validate.text($0.affiliation, "sessions.speakers.affiliation", max: 200, required: false))
        }
        return SessionDraft(id: id, title: title, room: room, startsAt: start, endsAt: end, speakers: speakers)
    }

    /// Whether `caller` may change the event: its organizer, or an admin.
    static func mayManage(_ event: EventRecord, _ caller: Principal) -> Bool {
        caller.isAdmin || event.organizerID == caller.accountID
    }

    /// Gate staff: the organizer, any officer, an admin.
    static func mayRunGate(_ event: EventRecord, _ caller: Principal) -> Bool {
        mayManage(event, caller) || caller.role == .officer
    }

    /// Drafts are the organizer's and staff's business only.
    static func mayRead(_ event: EventRecord, _ caller: Principal) -> Bool {
        event.status != .draft || mayManage(event, caller) || caller.role == .officer
    }

    static let openDayKind: Int16 = 4
    static let competitionKind: Int16 = 7

    /// The kinds' names by number (1 = forum), as events and SQL functions name them.
    static let kindNames = ["forum", "conference", "matchmaking", "open_day", "training", "meetup", "competition"]
    /// The site areas' names by number (1 = core).
    static let areaNames = ["core", "linked"]

    static func kindName(_ kind: Int16) -> String {
        kindNames.indices.contains(Int(kind) - 1) ? kindNames[Int(kind) - 1] : "unknown"
    }

    static func areaName(_ area: Int16?) -> String {
        guard let area, areaNames.indices.contains(Int(area) - 1) else { return "" }
        return areaNames[Int(area) - 1]
    }
}
