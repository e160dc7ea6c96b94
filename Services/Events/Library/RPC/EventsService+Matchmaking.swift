import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// "Belt and Road" enterprise matchmaking (一带一路对接): confirmed
/// participants of a matchmaking event offer slots, others ask for 1:1
/// meetings in them, and the slot's owner accepts one or declines.
extension EventsService {
    func publishMeetingSlot(
        request: Nomad_Events_V1_PublishMeetingSlotRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_MeetingSlot {
        let owner = try caller
        let draft = try MeetingRules.slot(request.slot)
        return try await mutation(request) { tx in
            let event = try await matchmakingEvent(tx, id: draft.eventID)
            try MeetingRules.check(draft, within: event)
            // The owner's registration lock orders their own slot offers.
            try await participant(tx, eventID: event.id, person: owner, lock: .update)
            if try await MeetingStore.overlaps(
                tx, eventID: event.id, ownerID: owner.accountID, start: draft.startsAt, end: draft.endsAt)
            {
                throw NomadError.wrongState("与您已发布的时段重叠", "it overlaps a slot you already offer")
            }
            let slot = MeetingSlotRecord(
                id: UUID(), eventID: event.id, ownerID: owner.accountID, startsAt: draft.startsAt, endsAt: draft.endsAt,
                location: draft.location, topic: draft.topic, bookedRequestID: nil)
            try await MeetingStore.insertSlot(tx, slot)
            return slot.message
        }
    }

    func listMeetingSlots(
        request: Nomad_Events_V1_ListMeetingSlotsRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_ListMeetingSlotsResponse {
        let reader = try caller
        let eventID = try Validate.uuid(request.eventID, "event_id")
        let ownerID = request.ownerID.isEmpty ? nil : try Validate.uuid(request.ownerID, "owner_id")
        let page = try Page(request.page)
        let slots = try await database.read { tx in
            guard let event = try await EventStore.find(tx, id: eventID), EventRules.mayRead(event, reader) else {
                throw CalendarErrors.eventNotFound
            }
            if !EventRules.mayRunGate(event, reader) {
                try await participant(tx, eventID: eventID, person: reader, lock: .none)
            }
            return try await MeetingStore.listSlots(
                tx, eventID: eventID, ownerID: ownerID, openOnly: request.openOnly, page: page)
        }
        return .listing(\.slots, slots.map(\.message), page)
    }

    func requestMeeting(
        request: Nomad_Events_V1_RequestMeetingRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_MeetingRequest {
        let requester = try caller
        let slotID = try Validate.uuid(request.slotID, "slot_id")
        let message = try Validate.text(request.message, "message", max: MeetingRules.maxMessage, required: false)
        let cap = calendar.maxOpenMeetingRequests
        return try await mutation(request) { tx in
            let slot = try await MeetingStore.findSlot(tx, id: slotID).orNotFound("slot")
            _ = try await matchmakingEvent(tx, id: slot.eventID)
            guard slot.ownerID != requester.accountID else {
                throw NomadError.invalid("slot_id", zh: "不能约见自己", en: "you cannot request your own slot")
            }
            // The requester's registration lock serializes their requests, so the cap holds under concurrency.
            try await participant(tx, eventID: slot.eventID, person: requester, lock: .update)
            guard slot.bookedRequestID == nil else { throw CalendarErrors.slotBooked }
            // Said now rather than at acceptance; acceptance checks again under the people's locks.
            if try await MeetingStore.hasAcceptedMeeting(
                tx, person: requester.accountID, start: slot.startsAt, end: slot.endsAt)
            {
                throw CalendarErrors.youHaveAMeetingThen
            }
            let pending = try await MeetingStore.pendingCount(
                tx, eventID: slot.eventID, requesterID: requester.accountID)
            guard pending < cap else { throw CalendarErrors.tooManyMeetingRequests }
            let id = UUID()
            try await MeetingStore.insertRequest(
                tx, id: id, slot: slot, requesterID: requester.accountID, message: message)
            return try await MeetingStore.findRequest(tx, id: id)!.message
        }
    }

    /// The slot's row lock orders concurrent accepts: the first books the
    /// slot, the rest find it booked. The two people's locks order accepts of
    /// other slots at the same time: one person, one meeting at a time.
    func respondToMeeting(
        request: Nomad_Events_V1_RespondToMeetingRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_MeetingRequest {
        let owner = try caller
        let id = try Validate.uuid(request.meetingRequestID, "meeting_request_id")
        let note = try Validate.text(request.note, "note", max: MeetingRules.maxNote, required: false)
        return try await mutation(request) { tx in
            let meeting = try await MeetingStore.findRequest(tx, id: id).orNotFound("meeting request")
            guard meeting.ownerID == owner.accountID else { throw NomadError.permissionDenied }
            let slot = try await MeetingStore.findSlot(tx, id: meeting.slotID, lock: .update)!
            let current = try await MeetingStore.findRequest(tx, id: id)!
            if request.accept, slot.bookedRequestID != nil { throw CalendarErrors.slotBooked }
            guard current.status == .pending else {
                throw NomadError.wrongState("该请求已处理", "the request was already answered")
            }
            if request.accept {
                try await MeetingStore.lockPeople(tx, [meeting.requesterID, meeting.ownerID])
                for (person, clash) in [
                    (meeting.ownerID, CalendarErrors.youHaveAMeetingThen),
                    (meeting.requesterID, CalendarErrors.requesterHasAMeetingThen),
                ] {
                    if try await MeetingStore.hasAcceptedMeeting(
                        tx, person: person, start: slot.startsAt, end: slot.endsAt)
                    {
                        throw clash
                    }
                }
                try await MeetingStore.accept(tx, requestID: id, slotID: slot.id, note: note)
            } else {
                try await MeetingStore.decline(tx, requestID: id, note: note)
            }
            return try await MeetingStore.findRequest(tx, id: id)!.message
        }
    }

    func getMySchedule(
        request: Nomad_Events_V1_GetMyScheduleRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_GetMyScheduleResponse {
        let person = try caller
        guard request.hasDay, let day = ZoneDay(request.day) else { throw NomadError.required("day") }
        let eventID = request.eventID.isEmpty ? nil : try Validate.uuid(request.eventID, "event_id")
        let (start, end) = ZoneDayBounds.range(day)
        let meetings = try await database.read {
            try await MeetingStore.schedule($0, person: person.accountID, eventID: eventID, start: start, end: end)
        }
        return .with { $0.meetings = meetings.map(\.message) }
    }

    /// A published matchmaking event, or the refusal that says why not.
    private func matchmakingEvent(_ tx: Tx, id: UUID) async throws -> EventRecord {
        guard let event = try await EventStore.find(tx, id: id), event.status != .draft else {
            throw CalendarErrors.eventNotFound
        }
        try MeetingRules.checkHoldsMeetings(event)
        return event
    }

    /// Requires a confirmed registration of `person` at the event.
    private func participant(
        _ tx: Tx, eventID: UUID, person: Principal, lock: RowLock
    ) async throws {
        let registration = try await RegistrationStore.live(
            tx, eventID: eventID, attendeeID: person.accountID, lock: lock)
        guard registration?.status == .confirmed else { throw CalendarErrors.notParticipant }
    }
}

extension MeetingSlotRecord {
    var message: Nomad_Events_V1_MeetingSlot {
        .with {
            $0.slotID = id.text
            $0.eventID = eventID.text
            $0.ownerID = ownerID.text
            $0.startTime = .init(date: startsAt)
            $0.endTime = .init(date: endsAt)
            $0.location = location
            $0.topic = topic
            $0.booked = bookedRequestID != nil
        }
    }
}

extension MeetingRequestRecord {
    var message: Nomad_Events_V1_MeetingRequest {
        .with {
            $0.meetingRequestID = id.text
            $0.slotID = slotID.text
            $0.eventID = eventID.text
            $0.requesterID = requesterID.text
            $0.ownerID = ownerID.text
            $0.message = requestMessage
            $0.status = .init(rawValue: Int(status.rawValue)) ?? .unspecified
            $0.responseNote = responseNote
            $0.startTime = .init(date: startsAt)
            $0.endTime = .init(date: endsAt)
            $0.location = location
            $0.createTime = .init(date: createdAt)
        }
    }
}
