import Foundation
import GRPCCore
@testable import Events
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

@Suite struct RewardTests {
    func apply(
        _ env: EventsEnv, _ event: Nomad_Events_V1_Event, by caller: EventsEnv.Caller, requestID: String = UUID().uuidString
    ) async throws -> Nomad_Events_V1_EventRewardApplication {
        try await env.client.applyForEventReward(
            .with {
                $0.requestID = requestID
                $0.eventID = event.eventID
                $0.statement = "International forum with 12 countries"
            }, metadata: caller.metadata)
    }

    func review(
        _ env: EventsEnv, _ application: Nomad_Events_V1_EventRewardApplication, approve: Bool, note: String = "",
        by caller: EventsEnv.Caller
    ) async throws -> Nomad_Events_V1_EventRewardApplication {
        try await env.client.reviewEventReward(
            .with {
                $0.requestID = UUID().uuidString
                $0.applicationID = application.applicationID
                $0.approve = approve
                $0.note = note
            }, metadata: caller.metadata)
    }

    func finish(_ env: EventsEnv, _ event: Nomad_Events_V1_Event, by caller: EventsEnv.Caller) async throws {
        try await env.shiftEvent(event, by: -8 * 86400)
        _ = try await env.client.finishEvent(
            .with {
                $0.requestID = UUID().uuidString
                $0.eventID = event.eventID
            }, metadata: caller.metadata)
    }

    @Test func theOrganizerAppliesOnceWithCountsTheServiceFillsAndOfficersReview() async throws {
        try await withEvents { env in
            let organizer = env.enterprise()
            let event = try await env.publishedEvent(by: organizer, EventsEnv.eventDraft(kind: .conference, capacity: 3))
            var registrations: [(EventsEnv.Caller, Nomad_Events_V1_EventRegistration)] = []
            for _ in 0..<4 {
                let person = env.nomad()
                registrations.append((person, try await env.registerForEvent(person, for: event)))
            }
            for (person, registration) in registrations.prefix(2) {
                _ = try await env.checkIn(event, ticket: try await env.getTicket(registration, by: person).token, by: organizer)
            }
            // Not before the event has finished.
            await expectRPCError(.failedPrecondition) { _ = try await apply(env, event, by: organizer) }
            try await finish(env, event, by: organizer)
            await expectRPCError(.permissionDenied) { _ = try await apply(env, event, by: env.enterprise()) }

            let requestID = UUID().uuidString
            let application = try await apply(env, event, by: organizer, requestID: requestID)
            #expect(application.registered == 4 && application.checkedIn == 2 && application.status == .pending)
            #expect(application.organizerID == organizer.id)
            #expect(try await apply(env, event, by: organizer, requestID: requestID) == application)
            await expectRPCError(.alreadyExists) { _ = try await apply(env, event, by: organizer) }
            let payload = try #require(
                try await env.app.outboxPayloadText(type: "events.reward.applied", subject: application.applicationID))
            #expect(payload.contains("\"registered\": 4") && payload.contains("\"checked_in\": 2"))

            // Review: officers only, a note to reject, once.
            await expectRPCError(.permissionDenied) { _ = try await review(env, application, approve: true, by: organizer) }
            await expectRPCError(.permissionDenied) { _ = try await review(env, application, approve: true, by: env.admin()) }
            await expectRPCError(.invalidArgument) { _ = try await review(env, application, approve: false, by: env.officer()) }
            let officer = env.officer("investment_promotion")
            let approved = try await review(env, application, approve: true, note: "Meets the 2026 criteria", by: officer)
            #expect(approved.status == .approved && approved.reviewerID == officer.id && approved.hasReviewTime)
            await expectRPCError(.failedPrecondition) { _ = try await review(env, application, approve: false, note: "no", by: officer) }

            let mine = try await env.client.listEventRewardApplications(.init(), metadata: organizer.metadata)
            #expect(mine.applications.map(\.applicationID) == [application.applicationID])
            #expect(try await env.client.listEventRewardApplications(.init(), metadata: env.enterprise().metadata).applications.isEmpty)
            let approvedList = try await env.client.listEventRewardApplications(
                .with { $0.status = .approved }, metadata: env.officer().metadata)
            #expect(approvedList.applications.map(\.applicationID) == [application.applicationID])
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.listEventRewardApplications(.init(), metadata: env.nomad().metadata)
            }
        }
    }

    @Test func anOfficerDoesNotReviewTheirOwnEventsApplication() async throws {
        try await withEvents { env in
            let officer = env.officer("investment_promotion")
            let event = try await env.publishedEvent(by: officer)
            try await finish(env, event, by: officer)
            let application = try await apply(env, event, by: officer)
            #expect(application.registered == 0 && application.checkedIn == 0)
            await expectRPCError(.permissionDenied) { _ = try await review(env, application, approve: true, by: officer) }
            let rejected = try await review(env, application, approve: false, note: "No attendees", by: env.officer())
            #expect(rejected.status == .rejected && rejected.reviewNote == "No attendees")
        }
    }
}
