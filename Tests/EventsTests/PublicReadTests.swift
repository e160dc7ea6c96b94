import Foundation
import GRPCCore
@testable import Events
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// ListEvents without a token, for the portal's signed-out pages: published
/// events only, with counts but nothing of who registered or who (as a
/// person) organizes.
@Suite struct EventsPublicReadTests {
    @Test func anonymousCallersListPublishedEventsOnlyWithoutPersonalData() async throws {
        try await withEvents { env in
            let enterprise = env.enterprise(), officer = env.officer()
            let forum = try await env.publishedEvent(by: enterprise)
            let training = try await env.publishedEvent(
                by: officer, EventsEnv.eventDraft(kind: .training, start: Date().addingTimeInterval(9 * 86400), online: true))
            let draft = try await env.createEvent(by: enterprise, EventsEnv.eventDraft(start: Date().addingTimeInterval(8 * 86400)))
            let attendee = env.nomad()
            _ = try await env.registerForEvent(attendee, for: forum)

            let anonymous = try await env.client.listEvents(.init(), metadata: callMetadata()).events
            #expect(anonymous.map(\.eventID) == [forum.eventID, training.eventID])
            #expect(!anonymous.contains { $0.eventID == draft.eventID })
            let publicForum = anonymous[0], publicTraining = anonymous[1]
            // Counts are public; no attendee appears anywhere in the answer.
            #expect(publicForum.confirmedCount == 1)
            #expect(!(try publicForum.jsonString()).contains(attendee.id))
            // An enterprise organizer is named; an officer (a person) is not,
            // nor is the online room's address.
            #expect(publicForum.organizerID == enterprise.id && publicForum.organizerRole == "enterprise")
            #expect(publicTraining.organizerID.isEmpty && publicTraining.organizerRole == "officer")
            #expect(publicTraining.venue.online.url.isEmpty)
            #expect(publicForum.title == forum.title && publicForum.sessions == forum.sessions)
            // Signed in, as before.
            let signedIn = try await env.client.listEvents(.init(), metadata: attendee.metadata).events
            #expect(signedIn.map(\.eventID) == [forum.eventID, training.eventID])
            #expect(signedIn[1].organizerID == officer.id && signedIn[1].venue.online.url == "https://live.example.cn/forum")

            // Filters work anonymously; drafts, other statuses and "mine" need a token.
            #expect(
                try await env.client.listEvents(.with { $0.kind = .training }, metadata: callMetadata())
                    .events.map(\.eventID) == [training.eventID])
            #expect(try await env.client.listEvents(.with { $0.status = .published }, metadata: callMetadata()).events.count == 2)
            for status in [Nomad_Events_V1_EventStatus.draft, .cancelled, .finished] {
                await expectRPCError(.unauthenticated) {
                    _ = try await env.client.listEvents(.with { $0.status = status }, metadata: callMetadata())
                }
            }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.listEvents(.with { $0.organizedByMe = true }, metadata: callMetadata())
            }
            let drafts = try await env.client.listEvents(.with { $0.status = .draft }, metadata: enterprise.metadata).events
            #expect(drafts.map(\.eventID) == [draft.eventID])
        }
    }
}
