import Foundation
import GRPCCore
@testable import Events
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

@Suite struct EventTests {
    @Test func anOrganizerCreatesPublishesAndReadsAnEventIdempotently() async throws {
        try await withEvents { env in
            let enterprise = env.enterprise()
            let requestID = UUID().uuidString
            let draft = EventsEnv.eventDraft(extraLanguages: ["fr": "Forum de l'économie numérique"])
            let created = try await env.createEvent(by: enterprise, draft, requestID: requestID)
            #expect(created.status == .draft && created.organizerID == enterprise.id && created.organizerRole == "enterprise")
            #expect(created.title["fr"] == "Forum de l'économie numérique" && created.title["zh-CN"] == "儋州洋浦数字经济论坛")
            #expect(created.venue.site.siteID == "site-xinying-01" && created.venue.site.area == .core)
            #expect(created.sessions.map(\.title) == ["Opening keynote", "Data economy panel"])
            #expect(created.sessions.allSatisfy { !$0.sessionID.isEmpty && $0.speakers.first?.name == "李明" })
            // Unset close time: registration stays open until the start.
            #expect(created.registrationCloseTime == created.startTime)
            let retried = try await env.createEvent(by: enterprise, draft, requestID: requestID)
            #expect(retried == created)
            let stored = try await env.calendarCount("SELECT count(*) FROM events")
            #expect(stored == 1)

            // A draft is its organizer's and staff's only.
            await expectRPCError(.notFound) {
                _ = try await env.client.getEvent(.with { $0.eventID = created.eventID }, metadata: env.nomad().metadata)
            }
            let byOfficer = try await env.client.getEvent(.with { $0.eventID = created.eventID }, metadata: env.officer().metadata)
            #expect(byOfficer.eventID == created.eventID)

            let published = try await env.publishEvent(created, by: enterprise)
            #expect(published.status == .published)
            let read = try await env.client.getEvent(.with { $0.eventID = created.eventID }, metadata: env.nomad().metadata)
            #expect(read == published)
            #expect(try await env.app.outboxCount(type: "events.event.published", subject: created.eventID) == 1)
            let payload = try #require(try await env.app.outboxPayloadText(type: "events.event.published", subject: created.eventID))
            #expect(payload.contains("\"kind\": \"forum\"") && payload.contains("\"area\": \"core\""))
            #expect(payload.contains("\"online\": false") && payload.contains("\"organizer_id\": \"\(enterprise.id)\""))
            #expect(payload.contains("\"starts_at\""))
            await expectRPCError(.failedPrecondition) { _ = try await env.publishEvent(created, by: enterprise) }
        }
    }

    @Test func onlyTheOrganizerOrAnAdminEditsPublishesCancels() async throws {
        try await withEvents { env in
            let owner = env.enterprise(), other = env.enterprise()
            let event = try await env.createEvent(by: owner)
            await expectRPCError(.permissionDenied) { _ = try await env.publishEvent(event, by: other) }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.updateEvent(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.eventID = event.eventID
                        $0.event = EventsEnv.eventDraft(capacity: 5)
                    }, metadata: other.metadata)
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.cancelEvent(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.eventID = event.eventID
                        $0.reason = "mine now"
                    }, metadata: env.officer().metadata)
            }
            // Nomads do not organize events at all.
            await expectRPCError(.permissionDenied) { _ = try await env.createEvent(by: env.nomad()) }
            await expectRPCError(.unauthenticated) { _ = try await env.client.createEvent(.init()) }
            // Nothing changed.
            let read = try await env.client.getEvent(.with { $0.eventID = event.eventID }, metadata: owner.metadata)
            #expect(read.status == .draft && read.capacity == 100)

            let byAdmin = try await env.publishEvent(event, by: env.admin())
            #expect(byAdmin.status == .published)
        }
    }

    @Test func updatingReplacesTheFieldsKeepsNamedSessionsAndRefusesShrinkingBelowConfirmed() async throws {
        try await withEvents { env in
            let owner = env.officer("commerce")
            let event = try await env.publishedEvent(by: owner, EventsEnv.eventDraft(capacity: 2))
            let a = try await env.registerForEvent(env.nomad(), for: event)
            let b = try await env.registerForEvent(env.nomad(), for: event)
            let waiting = try await env.registerForEvent(env.nomad(), for: event)
            #expect(a.status == .confirmed && b.status == .confirmed && waiting.status == .waitlisted)

            var changed = EventsEnv.eventDraft(capacity: 1, online: true)
            await expectRPCError(.failedPrecondition) {
                _ = try await env.client.updateEvent(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.eventID = event.eventID
                        $0.event = changed
                    }, metadata: owner.metadata)
            }
            changed.capacity = 3
            changed.startTime = event.startTime
            changed.endTime = event.endTime
            changed.sessions = [event.sessions[0]]
            changed.sessions[0].title = "Opening keynote (revised)"
            let updated = try await env.client.updateEvent(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.eventID = event.eventID
                    $0.event = changed
                }, metadata: owner.metadata)
            #expect(updated.capacity == 3 && updated.venue.online.url == "https://live.example.cn/forum")
            #expect(updated.sessions.map(\.sessionID) == [event.sessions[0].sessionID])
            #expect(updated.sessions[0].title == "Opening keynote (revised)")
            // The new seat went to the waitlist.
            #expect(updated.confirmedCount == 3 && updated.waitlistedCount == 0)
            #expect(try await env.app.outboxCount(type: "events.registration.promoted", subject: waiting.registrationID) == 1)
        }
    }

    @Test func movingAnEventReSignsItsTicketsWithTheNewExpiry() async throws {
        try await withEvents { env in
            let owner = env.enterprise()
            let event = try await env.publishedEvent(by: owner)
            let nomad = env.nomad()
            let registration = try await env.registerForEvent(nomad, for: event, card: "HN4600042")
            let before = try await env.getTicket(registration, by: nomad)
            var moved = event
            moved.eventID = ""
            moved.startTime = .init(date: event.startTime.date.addingTimeInterval(14 * 86400))
            moved.endTime = .init(date: event.endTime.date.addingTimeInterval(14 * 86400))
            moved.registrationCloseTime = moved.startTime
            moved.sessions = []
            _ = try await env.client.updateEvent(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.eventID = event.eventID
                    $0.event = moved
                }, metadata: owner.metadata)
            let after = try await env.getTicket(registration, by: nomad)
            #expect(after.ticketID == before.ticketID && after.token != before.token)
            #expect(after.expireTime.date > moved.endTime.date && before.expireTime.date < moved.endTime.date)
            let claims = try TicketSigner(key: EventsEnv.ticketKey).verify(after.token)
            // The re-signed ticket stays bound to the card, by its keyed hash (no number in the token).
            #expect(claims.tid == before.ticketID && claims.cdh == Base64URL.encode(RegistrationRules.cardHash("HN4600042", TestKeys.data)))
            _ = try await env.checkIn(event, ticket: after.token, by: owner)
        }
    }

    @Test func badEventsAreRefusedAndChangeNothing() async throws {
        try await withEvents { env in
            let owner = env.enterprise()
            let start = Date().addingTimeInterval(86400)
            var cases: [(String, Nomad_Events_V1_Event)] = []
            cases.append(("capacity", EventsEnv.eventDraft(capacity: 0)))
            cases.append(("capacity", EventsEnv.eventDraft(capacity: -5)))
            var endBeforeStart = EventsEnv.eventDraft(start: start, sessions: [])
            endBeforeStart.endTime = .init(date: start.addingTimeInterval(-60))
            cases.append(("end_time", endBeforeStart))
            cases.append(("sessions", EventsEnv.eventDraft(start: start, hours: 2, sessions: [("Late", "Hall", 1, 3)])))
            cases.append(("sessions", EventsEnv.eventDraft(start: start, sessions: [("Early", "Hall", -1, 1)])))
            cases.append(("registration_close_time", EventsEnv.eventDraft(start: start, closes: start.addingTimeInterval(60))))
            var noEnglish = EventsEnv.eventDraft()
            noEnglish.title.removeValue(forKey: "en")
            cases.append(("title[en]", noEnglish))
            var noKind = EventsEnv.eventDraft()
            noKind.kind = .unspecified
            cases.append(("kind", noKind))
            var noVenue = EventsEnv.eventDraft()
            noVenue.clearVenue()
            cases.append(("venue", noVenue))
            var badURL = EventsEnv.eventDraft(online: true)
            badURL.venue.online.url = "ftp://nowhere"
            cases.append(("venue.online.url", badURL))
            cases.append(("start_time", EventsEnv.eventDraft(start: Date().addingTimeInterval(-3600))))
            for (field, event) in cases {
                let message = await expectRPCError(.invalidArgument) { _ = try await env.createEvent(by: owner, event) }
                #expect(message?.contains(field) == true, "\(field): \(message ?? "")")
            }
            // Messages in the caller's language.
            let zh = await expectRPCError(.invalidArgument) {
                _ = try await env.client.createEvent(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.event = EventsEnv.eventDraft(capacity: 0)
                    }, metadata: owner.metadata(language: "zh-CN"))
            }
            #expect(zh?.contains("必须大于 0") == true)
            let stored = try await env.calendarCount("SELECT count(*) FROM events")
            #expect(stored == 0)
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.getEvent(.with { $0.eventID = "nope" }, metadata: owner.metadata)
            }
            await expectRPCError(.notFound) {
                _ = try await env.client.getEvent(.with { $0.eventID = UUID().uuidString }, metadata: owner.metadata)
            }
        }
    }

    @Test func cancellingAndFinishing() async throws {
        try await withEvents { env in
            let owner = env.enterprise()
            let event = try await env.publishedEvent(by: owner)
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.cancelEvent(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.eventID = event.eventID
                    }, metadata: owner.metadata)
            }
            // Finishing waits for the end.
            await expectRPCError(.failedPrecondition) {
                _ = try await env.client.finishEvent(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.eventID = event.eventID
                    }, metadata: owner.metadata)
            }
            let cancelled = try await env.client.cancelEvent(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.eventID = event.eventID
                    $0.reason = "Typhoon warning"
                }, metadata: owner.metadata)
            #expect(cancelled.status == .cancelled && cancelled.cancelReason == "Typhoon warning")
            let payload = try await env.app.outboxPayloadText(type: "events.event.cancelled", subject: event.eventID)
            #expect(payload?.contains("Typhoon warning") == true)
            await expectRPCError(.failedPrecondition) { _ = try await env.registerForEvent(env.nomad(), for: event) }

            let other = try await env.publishedEvent(by: owner)
            try await env.shiftEvent(other, by: -8 * 86400)
            let finished = try await env.client.finishEvent(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.eventID = other.eventID
                }, metadata: owner.metadata)
            #expect(finished.status == .finished)
        }
    }

    @Test func searchingByKindDateLanguageAndStatusPages() async throws {
        try await withEvents { env in
            let owner = env.enterprise()
            let day: TimeInterval = 86400
            let now = Date()
            let forum = try await env.publishedEvent(by: owner, EventsEnv.eventDraft(kind: .forum, start: now.addingTimeInterval(2 * day)))
            let training = try await env.publishedEvent(
                by: owner, EventsEnv.eventDraft(kind: .training, start: now.addingTimeInterval(3 * day), extraLanguages: ["ru": "Тренинг"]))
            let matchmaking = try await env.publishedEvent(
                by: owner, EventsEnv.eventDraft(kind: .matchmaking, start: now.addingTimeInterval(10 * day)))
            let draft = try await env.createEvent(by: owner, EventsEnv.eventDraft(kind: .forum))
            let nomad = env.nomad()

            func list(
                _ configure: (inout Nomad_Events_V1_ListEventsRequest) -> Void, by caller: EventsEnv.Caller? = nil
            ) async throws
                -> Nomad_Events_V1_ListEventsResponse
            {
                var request = Nomad_Events_V1_ListEventsRequest()
                configure(&request)
                return try await env.client.listEvents(request, metadata: (caller ?? nomad).metadata)
            }
            let all = try await list { _ in }
            #expect(all.events.map(\.eventID) == [forum.eventID, training.eventID, matchmaking.eventID])
            #expect(try await list { $0.kind = .training }.events.map(\.eventID) == [training.eventID])
            #expect(try await list { $0.language = "ru" }.events.map(\.eventID) == [training.eventID])
            let window = try await list {
                $0.startsAfter = .init(date: now.addingTimeInterval(2.5 * day))
                $0.startsBefore = .init(date: now.addingTimeInterval(20 * day))
            }
            #expect(window.events.map(\.eventID) == [training.eventID, matchmaking.eventID])
            // Drafts: a nomad sees only their own (none); the organizer theirs.
            #expect(try await list { $0.status = .draft }.events.isEmpty)
            #expect(try await list({ $0.status = .draft }, by: owner).events.map(\.eventID) == [draft.eventID])

            let first = try await list { $0.page.pageSize = 2 }
            #expect(first.events.count == 2 && !first.page.nextPageToken.isEmpty)
            let second = try await list {
                $0.page.pageSize = 2; $0.page.pageToken = first.page.nextPageToken
            }
            #expect(second.events.map(\.eventID) == [matchmaking.eventID] && second.page.nextPageToken.isEmpty)
            await expectRPCError(.invalidArgument) { _ = try await list { $0.page.pageToken = "forged" } }
            await expectRPCError(.invalidArgument) { _ = try await list { $0.language = "not a tag!" } }
        }
    }
}
