import Foundation
import GRPCCore
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// Open-day scenarios and competitions name their day on the calendar: the
/// event must exist, be of the right kind, and (for a competition) be the
/// organizer's own.
@Suite("calendar links of scenarios and competitions")
struct CalendarLinkTests {
    @Test("a scenario names an open day; a forum or an unknown event is refused and nothing is stored")
    func scenarioLink() async throws {
        try await withEvents { env in
            let officer = env.officer()
            let enterprise = env.enterprise()
            let openDay = try await env.publishedEvent(by: officer, EventsEnv.eventDraft(kind: .openDay))
            let forum = try await env.publishedEvent(by: officer, EventsEnv.eventDraft(kind: .forum))

            let linked = try await env.publishOpenDayScenario(by: enterprise, EventsEnv.scenarioDraft(eventID: openDay.eventID))
            #expect(linked.eventID == openDay.eventID)

            await expectRPCError(.invalidArgument) {
                _ = try await env.publishOpenDayScenario(by: enterprise, EventsEnv.scenarioDraft(eventID: forum.eventID))
            }
            await expectRPCError(.notFound) {
                _ = try await env.publishOpenDayScenario(by: enterprise, EventsEnv.scenarioDraft(eventID: UUID().uuidString))
            }
            let listed = try await env.client.listOpenDayScenarios(.with { $0.page.pageSize = 50 }, metadata: enterprise.metadata)
            #expect(listed.scenarios.map(\.scenarioID) == [linked.scenarioID])
        }
    }

    @Test("a competition names its organizer's own competition event")
    func competitionLink() async throws {
        try await withEvents { env in
            let organizer = env.enterprise()
            let other = env.enterprise()
            let event = try await env.publishedEvent(by: organizer, EventsEnv.eventDraft(kind: .competition))

            var draft = EventsEnv.competitionDraft()
            draft.eventID = event.eventID
            let competition = try await env.createCompetition(by: organizer, draft)
            #expect(competition.eventID == event.eventID)

            await expectRPCError(.permissionDenied) { _ = try await env.createCompetition(by: other, draft) }
            let forum = try await env.publishedEvent(by: organizer, EventsEnv.eventDraft(kind: .forum))
            draft.eventID = forum.eventID
            await expectRPCError(.invalidArgument) { _ = try await env.createCompetition(by: organizer, draft) }
        }
    }
}
