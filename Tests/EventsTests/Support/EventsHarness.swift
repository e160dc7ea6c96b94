import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
@testable import Events
import NomadKit
import NomadProtos
import NomadTesting
import Testing

typealias EventsClient = Nomad_Events_V1_EventsService.Client<HTTP2ClientTransport.Posix>

/// A running events service and the callers tests need.
struct EventsEnv: TestCallers {
    static let officerDepartment = "investment_promotion"
    let app: TestApp
    let client: EventsClient
}

extension EventsEnv {
    /// The ticket key every test server signs with; tests verify tickets with its public half.
    static let ticketKey = SigningKey.generate(keyID: "test-ticket-1")
}

func withEvents(
    maxOpenMeetingRequests: Int = 5, previousTicketKeys: [VerificationKey] = [], _ body: (EventsEnv) async throws -> Void
) async throws {
    try await withTestApp(
        EventsDefinition.make(
            ticketKey: EventsEnv.ticketKey, previousTicketKeys: previousTicketKeys,
            maxOpenMeetingRequests: maxOpenMeetingRequests)
    ) { app in
        try await body(EventsEnv(app: app, client: EventsClient(wrapping: app.client)))
    }
}
