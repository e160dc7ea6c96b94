import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// Events: organizers create drafts, publish, edit, cancel and finish them;
/// everyone signed in searches the published ones.
extension EventsService {
    func createEvent(request: Nomad_Events_V1_CreateEventRequest, context: ServerContext) async throws -> Nomad_Events_V1_Event {
        let organizer = try caller
        let draft = try EventRules.draft(request.event, now: Date())
        return try await mutation(request) { tx in
            let id = UUID()
            try await EventStore.insert(tx, id: id, draft: draft, organizer: organizer)
            return try await EventStore.find(tx, id: id)!.message
        }
    }

    func updateEvent(request: Nomad_Events_V1_UpdateEventRequest, context: ServerContext) async throws -> Nomad_Events_V1_Event {
        let editor = try caller
        let id = try Validate.uuid(request.eventID, "event_id")
        let draft = try EventRules.draft(request.event, now: Date())
        return try await mutation(request) { tx in
            let event = try await managedEvent(tx, id: id, by: editor)
            guard event.status == .draft || event.status == .published else {
                throw NomadError.wrongState("活动已取消或已结束", "the event is cancelled or finished")
            }
            guard draft.capacity >= event.confirmed else {
                throw NomadError.wrongState(
                    "容量不能少于已确认人数 \(event.confirmed)", "capacity cannot drop below the \(event.confirmed) confirmed")
            }
            do {
                try await EventStore.update(tx, id: id, draft: draft)
            } catch let error as PSQLError where error.sqlState == PostgresError.Code.foreignKeyViolation.raw {
                throw NomadError.wrongState("不能删除已有签到的场次", "a session with check-ins cannot be removed")
            }
            var updated = try await EventStore.find(tx, id: id, lock: .update)!
            if updated.endsAt != event.endsAt {
                try await TicketStore.resign(tx, signer: calendar.tickets, event: updated)
            }
            // More seats go to the waitlist first, in arrival order.
            while RegistrationRules.promotes(updated), updated.confirmed < updated.capacity, updated.waitlisted > 0 {
                guard try await promoteFirst(tx, event: updated) else { break }
                updated = try await EventStore.find(tx, id: id)!
            }
            return updated.message
        }
    }

    func publishEvent(request: Nomad_Events_V1_PublishEventRequest, context: ServerContext) async throws -> Nomad_Events_V1_Event {
        let editor = try caller
        let id = try Validate.uuid(request.eventID, "event_id")
        return try await mutation(request) { tx in
            let event = try await managedEvent(tx, id: id, by: editor)
            guard event.status == .draft else { throw NomadError.wrongState("只有草稿可以发布", "only a draft can be published") }
            guard event.startsAt > Date() else {
                throw NomadError.wrongState("活动开始时间已过", "the event's start time has passed")
            }
            try await EventStore.setStatus(tx, id: id, .published)
            try await Outbox.append(
                tx,
                EventsEvents.EventPublished(
                    subjects: .init(eventID: id.text, organizerID: event.organizerID.text),
                    payload: .init(
                        eventID: id.text, kind: EventRules.kindName(event.kind), organizerID: event.organizerID.text,
                        area: EventRules.areaName(event.siteArea), online: event.isOnline, startsAt: event.startsAt)))
            return try await EventStore.find(tx, id: id)!.message
        }
    }

    func cancelEvent(request: Nomad_Events_V1_CancelEventRequest, context: ServerContext) async throws -> Nomad_Events_V1_Event {
        let editor = try caller
        let id = try Validate.uuid(request.eventID, "event_id")
        let reason = try Validate.text(request.reason, "reason", max: EventRules.maxReason)
        return try await mutation(request) { tx in
            let event = try await managedEvent(tx, id: id, by: editor)
            guard event.status == .draft || event.status == .published else {
                throw NomadError.wrongState("活动已取消或已结束", "the event is already cancelled or finished")
            }
            try await EventStore.setStatus(tx, id: id, .cancelled, reason: reason)
            try await Outbox.append(
                tx,
                EventsEvents.EventCancelled(
                    subjects: .init(eventID: id.text, organizerID: event.organizerID.text),
                    payload: .init(eventID: id.text, reason: reason)))
            return try await EventStore.find(tx, id: id)!.message
        }
    }

    func finishEvent(request: Nomad_Events_V1_FinishEventRequest, context: ServerContext) async throws -> Nomad_Events_V1_Event {
        let editor = try caller
        let id = try Validate.uuid(request.eventID, "event_id")
        return try await mutation(request) { tx in
            let event = try await managedEvent(tx, id: id, by: editor)
            guard event.status == .published else {
                throw NomadError.wrongState("只有已发布的活动可以结束", "only a published event can finish")
            }
            guard event.endsAt <= Date() else {
                throw NomadError.wrongState("活动尚未结束", "the event has not ended yet")
            }
            try await EventStore.setStatus(tx, id: id, .finished)
            return try await EventStore.find(tx, id: id)!.message
        }
    }

    func getEvent(request: Nomad_Events_V1_GetEventRequest, context: ServerContext) async throws -> Nomad_Events_V1_Event {
        let reader = try caller
        let id = try Validate.uuid(request.eventID, "event_id")
        guard let event = try await database.read({ try await EventStore.find($0, id: id) }),
            EventRules.mayRead(event, reader)
        else { throw CalendarErrors.eventNotFound }
        return event.message
    }

    /// Open to anyone. A signed-in caller lists as before (drafts: their own,
    /// staff all); an anonymous one only published events, as
    /// `Nomad_Events_V1_Event.publicView` shows them, and asking for drafts,
    /// cancelled or finished events or "organized by me" is UNAUTHENTICATED.
    func listEvents(request: Nomad_Events_V1_ListEventsRequest, context: ServerContext) async throws -> Nomad_Events_V1_ListEventsResponse {
        let reader = signedInCaller
        let page = try Page(request.page)
        guard request.kind.rawValue >= 0, request.kind.rawValue <= 7 else { throw NomadError.unknownEnum("kind") }
        guard request.status.rawValue >= 0, request.status.rawValue <= 4 else { throw NomadError.unknownEnum("status") }
        let language = try Validate.text(request.language, "language", max: 35, required: false)
        if !language.isEmpty, !EventRules.isLanguageTag(language) {
            throw NomadError.invalid("language", zh: "不是有效的语言标记", en: "not a language tag")
        }
        if request.hasStartsAfter, request.hasStartsBefore, request.startsBefore.date <= request.startsAfter.date {
            throw NomadError.invalid("starts_before", zh: "必须晚于 starts_after", en: "must be after starts_after")
        }
        guard
            let status = request.status == .unspecified
                ? EventStatus.published : EventStatus(rawValue: Int16(clamping: request.status.rawValue))
        else { throw NomadError.unknownEnum("status") }
        var organizer: UUID?
        if let reader {
            organizer = request.organizedByMe ? reader.accountID : nil
            // Other organizers' drafts are nobody else's business; staff see them all.
            if status == .draft, !(reader.isAdmin || reader.role == .officer) { organizer = reader.accountID }
        } else if status != .published || request.organizedByMe {
            throw NomadError.signInForMore
        }
        let filter = EventStore.Filter(
            kind: request.kind == .unspecified ? nil : Int16(request.kind.rawValue),
            startsAfter: request.hasStartsAfter ? request.startsAfter.date : nil,
            startsBefore: request.hasStartsBefore ? request.startsBefore.date : nil,
            language: language.isEmpty ? nil : language, status: status.rawValue, organizerID: organizer)
        let events = try await database.read { try await EventStore.list($0, filter, page: page) }
        return .listing(\.events, events.map { reader == nil ? $0.message.publicView : $0.message }, page)
    }

    /// The event, locked, if the caller may manage it: NOT_FOUND when there is
    /// none, PERMISSION_DENIED for anyone but its organizer or an admin.
    func managedEvent(_ tx: Tx, id: UUID, by caller: Principal) async throws -> EventRecord {
        guard let event = try await EventStore.find(tx, id: id, lock: .update) else {
            throw CalendarErrors.eventNotFound
        }
        guard EventRules.mayManage(event, caller) else { throw NomadError.permissionDenied }
        return event
    }
}
