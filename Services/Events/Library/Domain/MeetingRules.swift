import Foundation
import NomadKit
import NomadProtos
import SwiftProtobuf

/// A matchmaking slot as offered, once checked.
struct SlotDraft: Sendable {
    var eventID: UUID
    var startsAt: Date
    var endsAt: Date
    var location: String
    var topic: String
}

/// Matchmaking (一带一路对接) rules: what a slot may be, and which events have meetings.
enum MeetingRules {
    static let maxMessage = 1000
    static let maxNote = 500

    static func slot(_ slot: Nomad_Events_V1_MeetingSlot) throws -> SlotDraft {
        let eventID = try Validate.uuid(slot.eventID, "slot.event_id")
        guard slot.hasStartTime, slot.hasEndTime else { throw NomadError.required("slot.start_time/end_time") }
        let start = slot.startTime.date, end = slot.endTime.date
        guard end > start else {
            throw NomadError.invalid("slot.end_time", zh: "必须晚于开始时间", en: "must be after start_time")
        }
        return SlotDraft(
            eventID: eventID, startsAt: start, endsAt: end,
            location: try Validate.text(slot.location, "slot.location", max: 100, required: false),
            topic: try Validate.text(slot.topic, "slot.topic", max: 300, required: false))
    }

    /// A slot lies within its event.
    static func check(_ slot: SlotDraft, within event: EventRecord) throws {
        guard slot.startsAt >= event.startsAt, slot.endsAt <= event.endsAt else {
            throw NomadError.invalid("slot", zh: "时段必须在活动时间之内", en: "a slot must lie within the event")
        }
    }

    /// Meetings happen at published matchmaking events only.
    static func checkHoldsMeetings(_ event: EventRecord) throws {
        guard event.kind == Int16(Nomad_Events_V1_EventKind.matchmaking.rawValue) else {
            throw NomadError.wrongState("只有对接会活动有约见", "only matchmaking events have meetings")
        }
        guard event.status == .published else {
            throw NomadError.wrongState("活动未在进行", "the event is not running")
        }
    }
}
