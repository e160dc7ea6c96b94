import Foundation
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// ListAuditEntries over events' decision log (`expectAuditReadable`).
@Suite struct AuditReadingTests {
    @Test func aConferenceRewardReviewIsReadByItsDepartmentAndAnAdminOnly() async throws {
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
            let officer = env.officer()
            _ = try await env.client.reviewEventReward(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.applicationID = application.applicationID
                    $0.approve = true
                    $0.note = "meets the criteria"
                }, metadata: officer.metadata)
            try await expectAuditReadable(
                subject: "event_reward/\(application.applicationID)", owner: officer,
                department: "investment_promotion", stranger: env.officer("commerce"), admin: env.admin(), nomad: env.nomad()
            ) { try await env.client.listAuditEntries($0, metadata: $1) }
        }
    }
}
