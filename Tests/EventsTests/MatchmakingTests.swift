import Foundation
import GRPCCore
@testable import Events
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

extension EventsEnv {
    /// A published matchmaking event starting at 09:00 zone time a week from now, and confirmed participants.
    func matchmaking(participants count: Int, by organizer: Caller) async throws -> (Nomad_Events_V1_Event, [Caller]) {
        let start = ZoneDayBounds.range(ZoneDay.today().adding(days: 7)).start.addingTimeInterval(9 * 3600)
        let event = try await publishedEvent(
            by: organizer,
            EventsEnv.eventDraft(
                kind: .matchmaking, capacity: 50, start: start, hours: 8, sessions: []))
        var people: [Caller] = []
        for index in 0..<count {
            let person = index % 2 == 0 ? enterprise() : nomad()
            _ = try await registerForEvent(person, for: event)
            people.append(person)
        }
        return (event, people)
    }

    func slot(
        _ event: Nomad_Events_V1_Event, by owner: Caller, hour: Double, minutes: Double = 30, requestID: String = UUID().uuidString
    ) async throws -> Nomad_Events_V1_MeetingSlot {
        let start = event.startTime.date.addingTimeInterval(hour * 3600)
        return try await client.publishMeetingSlot(
            .with {
                $0.requestID = requestID
                $0.slot = .with {
                    $0.eventID = event.eventID
                    $0.startTime = .init(date: start)
                    $0.endTime = .init(date: start.addingTimeInterval(minutes * 60))
                    $0.location = "Table 7"
                    $0.topic = "Cross-border data services"
                }
            }, metadata: owner.metadata)
    }

    func requestMeeting(_ slot: Nomad_Events_V1_MeetingSlot, by requester: Caller) async throws -> Nomad_Events_V1_MeetingRequest {
        try await client.requestMeeting(
            .with {
                $0.requestID = UUID().uuidString
                $0.slotID = slot.slotID
                $0.message = "We build logistics software for Yangpu port."
            }, metadata: requester.metadata)
    }

    func respond(
        _ meeting: Nomad_Events_V1_MeetingRequest, accept: Bool, by owner: Caller, requestID: String = UUID().uuidString
    ) async throws -> Nomad_Events_V1_MeetingRequest {
        try await client.respondToMeeting(
            .with {
                $0.requestID = requestID
                $0.meetingRequestID = meeting.meetingRequestID
                $0.accept = accept
                $0.note = accept ? "See you there" : "Fully booked"
            }, metadata: owner.metadata)
    }
}

@Suite struct MatchmakingTests {
    @Test func participantsOfferSlotsOthersRequestAndTheOwnerAcceptsOrDeclines() async throws {
        try await withEvents { env in
            let organizer = env.officer("commerce")
            let (event, people) = try await env.matchmaking(participants: 3, by: organizer)
            let owner = people[0], guest = people[1], third = people[2]
            let requestID = UUID().uuidString
            let slot = try await env.slot(event, by: owner, hour: 1, requestID: requestID)
            #expect(slot.ownerID == owner.id && !slot.booked && slot.location == "Table 7")
            #expect(try await env.slot(event, by: owner, hour: 1, requestID: requestID) == slot)
            await expectRPCError(.failedPrecondition) { _ = try await env.slot(event, by: owner, hour: 1.25) }
            await expectRPCError(.invalidArgument) { _ = try await env.slot(event, by: owner, hour: 9) }
            // Only confirmed participants of a matchmaking event.
            await expectRPCError(.permissionDenied) { _ = try await env.slot(event, by: env.nomad(), hour: 3) }
            let forum = try await env.publishedEvent(by: organizer)
            let forumGoer = env.nomad()
            _ = try await env.registerForEvent(forumGoer, for: forum)
            await expectRPCError(.failedPrecondition) { _ = try await env.slot(forum, by: forumGoer, hour: 1) }

            let listed = try await env.client.listMeetingSlots(.with { $0.eventID = event.eventID }, metadata: guest.metadata)
            #expect(listed.slots.map(\.slotID) == [slot.slotID])
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.listMeetingSlots(.with { $0.eventID = event.eventID }, metadata: env.nomad().metadata)
            }
            #expect(
                try await env.client.listMeetingSlots(.with { $0.eventID = event.eventID }, metadata: organizer.metadata).slots.count == 1)

            await expectRPCError(.invalidArgument) { _ = try await env.requestMeeting(slot, by: owner) }
            let asked = try await env.requestMeeting(slot, by: guest)
            #expect(asked.status == .pending && asked.ownerID == owner.id && asked.requesterID == guest.id)
            await expectRPCError(.alreadyExists) { _ = try await env.requestMeeting(slot, by: guest) }
            let alsoAsked = try await env.requestMeeting(slot, by: third)

            // Only the slot's owner answers.
            await expectRPCError(.permissionDenied) { _ = try await env.respond(asked, accept: true, by: guest) }
            let responseID = UUID().uuidString
            let accepted = try await env.respond(asked, accept: true, by: owner, requestID: responseID)
            #expect(accepted.status == .accepted && accepted.responseNote == "See you there")
            #expect(try await env.respond(asked, accept: true, by: owner, requestID: responseID) == accepted)
            // The slot is taken: the other request was declined with it, and no new one is taken.
            await expectRPCError(.failedPrecondition) { _ = try await env.respond(alsoAsked, accept: true, by: owner) }
            let open = try await env.client.listMeetingSlots(
                .with {
                    $0.eventID = event.eventID
                    $0.openOnly = true
                }, metadata: guest.metadata)
            #expect(open.slots.isEmpty)
            await expectRPCError(.failedPrecondition) { _ = try await env.requestMeeting(slot, by: people[2]) }

            let another = try await env.slot(event, by: third, hour: 2)
            let declined = try await env.respond(try await env.requestMeeting(another, by: guest), accept: false, by: third)
            #expect(declined.status == .declined)

            // The day's schedule, for both sides.
            let day = ZoneDay.today().adding(days: 7).message
            let guestDay = try await env.client.getMySchedule(.with { $0.day = day }, metadata: guest.metadata)
            #expect(guestDay.meetings.map(\.meetingRequestID) == [asked.meetingRequestID])
            let ownerDay = try await env.client.getMySchedule(
                .with {
                    $0.day = day
                    $0.eventID = event.eventID
                }, metadata: owner.metadata)
            #expect(ownerDay.meetings.map(\.slotID) == [slot.slotID])
            let otherDay = try await env.client.getMySchedule(
                .with { $0.day = ZoneDay.today().adding(days: 8).message }, metadata: guest.metadata)
            #expect(otherDay.meetings.isEmpty)
            await expectRPCError(.invalidArgument) { _ = try await env.client.getMySchedule(.init(), metadata: guest.metadata) }
        }
    }

    @Test func outstandingRequestsAreCappedEvenWhenSentAtOnce() async throws {
        try await withEvents(maxOpenMeetingRequests: 3) { env in
            let (event, people) = try await env.matchmaking(participants: 9, by: env.enterprise())
            let requester = people[0]
            var slots: [Nomad_Events_V1_MeetingSlot] = []
            for owner in people.dropFirst() { slots.append(try await env.slot(event, by: owner, hour: 1)) }
            let codes = await concurrentOutcomes(
                slots.map { slot in
                    { _ = try await env.requestMeeting(slot, by: requester) }
                })
            #expect(codes.filter { $0 == nil }.count == 3)
            #expect(codes.compactMap { $0 }.allSatisfy { $0 == .resourceExhausted })
            #expect(try await env.calendarCount("SELECT count(*) FROM meeting_requests WHERE status = 1") == 3)
        }
    }

    /// Many requests for one slot, and the owner accepts them all at once: one wins.
    @Test func concurrentAcceptsBookASlotOnce() async throws {
        try await withEvents { env in
            let (event, people) = try await env.matchmaking(participants: 13, by: env.enterprise())
            let owner = people[0]
            let slot = try await env.slot(event, by: owner, hour: 2)
            var requests: [Nomad_Events_V1_MeetingRequest] = []
            for guest in people.dropFirst() { requests.append(try await env.requestMeeting(slot, by: guest)) }
            let codes = await concurrentOutcomes(
                requests.map { request in
                    { _ = try await env.respond(request, accept: true, by: owner) }
                })
            #expect(codes.filter { $0 == nil }.count == 1)
            #expect(codes.compactMap { $0 }.allSatisfy { $0 == .failedPrecondition })
            let id = UUID(uuidString: slot.slotID)!
            #expect(try await env.calendarCount("SELECT count(*) FROM meeting_requests WHERE slot_id = \(id) AND status = 2") == 1)
            #expect(try await env.calendarCount("SELECT count(*) FROM meeting_requests WHERE slot_id = \(id) AND status = 3") == 11)
        }
    }

    /// One person, one meeting at a time: a nomad with an accepted meeting
    /// cannot ask for another at an overlapping time, and a request sent
    /// before cannot be accepted once the nomad is booked elsewhere.
    @Test func aPersonIsNeverInTwoAcceptedMeetingsAtOnce() async throws {
        try await withEvents { env in
            let (event, people) = try await env.matchmaking(participants: 4, by: env.enterprise())
            let (first, nomad, second) = (people[0], people[1], people[2])
            let tenOClock = try await env.slot(event, by: first, hour: 1, minutes: 60)
            let halfPastTen = try await env.slot(event, by: second, hour: 1.5, minutes: 60)
            let later = try await env.slot(event, by: second, hour: 3)
            let pending = try await env.requestMeeting(halfPastTen, by: nomad)
            _ = try await env.respond(try await env.requestMeeting(tenOClock, by: nomad), accept: true, by: first)

            // The second owner's accept comes too late: refused, in the owner's language, nothing booked.
            let late = await expectRPCError(.failedPrecondition) { _ = try await env.respond(pending, accept: true, by: second) }
            #expect(late == "The requester already has an accepted meeting at that time")
            let lateInChinese = await expectRPCError(.failedPrecondition) {
                _ = try await env.client.respondToMeeting(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.meetingRequestID = pending.meetingRequestID
                        $0.accept = true
                    }, metadata: second.metadata(language: "zh-CN"))
            }
            #expect(lateInChinese == "对方在该时段已有已确认的约见")
            let slotID = UUID(uuidString: halfPastTen.slotID)!
            #expect(try await env.calendarCount("SELECT count(*) FROM meeting_requests WHERE slot_id = \(slotID) AND status = 2") == 0)
            // A new request at an overlapping time is refused at once; one later in the day is not.
            let asked = await expectRPCError(.failedPrecondition) { _ = try await env.requestMeeting(halfPastTen, by: nomad) }
            #expect(asked == "You already have an accepted meeting at that time")
            #expect(try await env.respond(try await env.requestMeeting(later, by: nomad), accept: true, by: second).status == .accepted)
            // The rule holds for an owner too: booked as a guest, they cannot accept a guest of their own then.
            let ownersOwn = try await env.slot(event, by: nomad, hour: 5)
            let guestSlot = try await env.slot(event, by: first, hour: 5)
            let guest = try await env.requestMeeting(ownersOwn, by: people[3])
            _ = try await env.respond(try await env.requestMeeting(guestSlot, by: nomad), accept: true, by: first)
            let own = await expectRPCError(.failedPrecondition) { _ = try await env.respond(guest, accept: true, by: nomad) }
            #expect(own == "You already have an accepted meeting at that time")
        }
    }

    /// Two owners accept the same nomad for overlapping slots at the same moment: one wins.
    @Test func concurrentAcceptsOfOnePersonBookThemOnce() async throws {
        try await withEvents(maxOpenMeetingRequests: 10) { env in
            let (event, people) = try await env.matchmaking(participants: 9, by: env.enterprise())
            let nomad = people[1]
            let owners = people.enumerated().filter { $0.offset != 1 }.map(\.element)
            var requests: [(Nomad_Events_V1_MeetingRequest, TestCaller)] = []
            for (index, owner) in owners.enumerated() {
                let slot = try await env.slot(event, by: owner, hour: 1 + Double(index) * 0.1, minutes: 60)
                requests.append((try await env.requestMeeting(slot, by: nomad), owner))
            }
            let codes = await concurrentOutcomes(
                requests.map { request, owner in
                    { _ = try await env.respond(request, accept: true, by: owner) }
                })
            #expect(codes.filter { $0 == nil }.count == 1)
            #expect(codes.compactMap { $0 }.allSatisfy { $0 == .failedPrecondition })
            let nomadID = UUID(uuidString: nomad.id)!
            #expect(
                try await env.calendarCount("SELECT count(*) FROM meeting_requests WHERE requester_id = \(nomadID) AND status = 2") == 1)
        }
    }
}
