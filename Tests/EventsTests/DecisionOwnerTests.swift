import Foundation
import GRPCCore
@testable import Events
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// Conference rewards and an officer's competition awards are the Yangpu
/// Investment Promotion Bureau's (`EventsDecisionOwners`): refused to every
/// other department before the request is read, and on the record.
@Suite struct DecisionOwnerTests {
    @Test func anotherDepartmentIsRefusedBeforeValidationAndNothingIsWritten() async throws {
        try await withEvents { env in
            for stranger in ["commerce", "culture_tourism", "events"] {
                await expectRPCError(.permissionDenied) {
                    _ = try await env.client.reviewEventReward(.init(), metadata: env.officer(stranger).metadata)
                }
                await expectRPCError(.permissionDenied) {
                    _ = try await env.client.grantCompetitionAward(.init(), metadata: env.officer(stranger).metadata)
                }
            }
            await expectRPCError(.invalidArgument) { _ = try await env.client.reviewEventReward(.init(), metadata: env.officer().metadata) }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.grantCompetitionAward(.init(), metadata: env.officer().metadata)
            }
            let audited = try await env.app.auditCount()
            #expect(audited == 0)
        }
    }

    @Test func aConferenceRewardIsReviewedOnTheRecord() async throws {
        try await withEvents { env in
            let organizer = env.enterprise()
            let event = try await env.publishedEvent(by: organizer, EventsEnv.eventDraft(kind: .conference, capacity: 3))
            try await env.shiftEvent(event, by: -8 * 86400)
            _ = try await env.client.finishEvent(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.eventID = event.eventID
                }, metadata: organizer.metadata)
            let application = try await env.client.applyForEventReward(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.eventID = event.eventID
                    $0.statement = "Forum with 12 countries"
                }, metadata: organizer.metadata)
            let review = Nomad_Events_V1_ReviewEventRewardRequest.with {
                $0.requestID = UUID().uuidString
                $0.applicationID = application.applicationID
                $0.approve = true
                $0.note = "meets the criteria"
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.reviewEventReward(review, metadata: env.officer("commerce").metadata)
            }
            let subject = "event_reward/\(application.applicationID)"
            #expect(try await env.app.auditRows(subject: subject).isEmpty)
            let officer = env.officer()
            let approved = try await env.client.reviewEventReward(review, metadata: officer.metadata)
            #expect(approved.status == .approved)
            let rows = try await env.app.auditRows(subject: subject)
            #expect(rows.count == 1)
            let row = try #require(rows.first)
            #expect(row.actorID.uuidString.lowercased() == officer.id && row.actorDepartment == "investment_promotion")
            #expect(row.action == "event_reward.approve" && row.reason == "meets the criteria")
            #expect(row.before?.contains("PENDING") == true && row.after?.contains("APPROVED") == true)

            #expect(try await env.app.runtimeSQLState("UPDATE audit_log SET reason = 'forged'") == "42501")
            #expect(try await env.app.runtimeSQLState("DELETE FROM audit_log") == "42501")
        }
    }
}
