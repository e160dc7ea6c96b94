import Foundation
import GRPCCore
@testable import Events
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

@Suite struct CalendarAccessTests {
    @Test func everyCalendarRuleNamesAMethodAndThePolicyCoversThemAll() {
        let methods = Set(Nomad_Events_V1_EventsService.Method.descriptors)
        let calendar = Set(CalendarAccess.rules.keys)
        #expect(calendar.subtracting(methods).isEmpty)
        #expect(calendar.isSubset(of: Set(EventsAccess.policy.rules.keys)))
        #expect(calendar.count == 25)
    }

    /// Only the ticket keys and the list of published events are public:
    /// everything else needs a token.
    @Test func anonymousCallsAreUnauthenticatedExceptTheTicketKeysAndTheEventList() async throws {
        let open = Set(CalendarAccess.rules.filter { $0.value == .open }.map(\.key))
        #expect(
            open == [
                Nomad_Events_V1_EventsService.Method.GetTicketKeys.descriptor,
                Nomad_Events_V1_EventsService.Method.ListEvents.descriptor,
            ])
        try await withEvents { env in
            // ListEvents answers anonymously (PublicReadTests); asking it for drafts does not.
            await expectRPCError(.unauthenticated) { _ = try await env.client.listEvents(.with { $0.status = .draft }) }
            await expectRPCError(.unauthenticated) { _ = try await env.client.registerForEvent(.init()) }
            await expectRPCError(.unauthenticated) { _ = try await env.client.checkIn(.init()) }
            let keys = try await env.client.getTicketKeys(.init())
            #expect(keys.keys.map(\.keyID) == [EventsEnv.ticketKey.keyID])
        }
    }
}
