import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
@testable import Events
import NomadKit
import NomadProtos
import NomadTesting
import Testing

typealias EventsClient = Nomad_Events_V1_EventsService.Client<HTTP2ClientTransport.Posix>

/// A running events service and the callers tests need. Accounts live in
/// identity; here a caller is only a token identity would have signed.
struct EventsEnv {
    let app: TestApp
    let client: EventsClient

    struct Caller {
        let id: String
        let token: String
        var metadata: Metadata { callMetadata(token: token) }
        func metadata(language: String) -> Metadata { callMetadata(token: token, language: language) }
    }

    static func caller(_ role: Role, department: String? = nil, standing: NomadStanding? = nil) -> Caller {
        let id = UUID()
        return Caller(id: id.text, token: TestKeys.token(for: Principal(
            accountID: id, role: role, department: department, standing: standing)))
    }

    func nomad(standing: NomadStanding = .certified) -> Caller { Self.caller(.nomad, standing: standing) }
    func enterprise() -> Caller { Self.caller(.enterprise) }
    func officer(_ department: String = "events") -> Caller { Self.caller(.officer, department: department) }
    func admin() -> Caller { Self.caller(.admin) }
}

extension EventsEnv {
    /// The ticket key every test server signs with; tests verify tickets with its public half.
    static let ticketKey = SigningKey.generate(keyID: "test-ticket-1")
}

func withEvents(
    maxOpenMeetingRequests: Int = 5, previousTicketKeys: [VerificationKey] = [], _ body: (EventsEnv) async throws -> Void
) async throws {
    try await withTestApp(EventsDefinition.make(
        ticketKey: EventsEnv.ticketKey, previousTicketKeys: previousTicketKeys,
        maxOpenMeetingRequests: maxOpenMeetingRequests)) { app in
        try await body(EventsEnv(app: app, client: EventsClient(wrapping: app.client)))
    }
}
