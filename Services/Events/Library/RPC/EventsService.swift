import Foundation
import GRPCCore
import Logging
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// The events gRPC service. Each area's handlers live in their own
/// `EventsService+Area.swift`; this file holds what they share. Nothing here keeps
/// state between calls that could change an answer: any replica answers any call
/// the same way (`eventEnds` only saves a round trip, and is checked each time).
struct EventsService: Nomad_Events_V1_EventsService.SimpleServiceProtocol, ServiceHandlers {
    let database: Database
    let logger: Logger
    let calendar: CalendarSettings
    /// Hashes the one-card numbers registrations are bound to (NOMAD_DATA_HASH_KEY).
    let protection: DataProtection
    let eventEnds = EventEnds()

    init(context: ServiceContext, calendar: CalendarSettings) {
        database = context.database
        logger = context.logger
        self.calendar = calendar
        protection = context.protection
    }
}

/// What the executable and the tests start: the chassis definition of the
/// events service.
public enum EventsDefinition: ServerDefinition {
    public static let serviceName = "events"

    public static func make(settings: EventsSettings) -> ServiceDefinition {
        make(
            ticketKey: settings.ticketKey, previousTicketKeys: settings.previousTicketKeys,
            maxOpenMeetingRequests: settings.maxOpenMeetingRequests)
    }

    /// `ticketKey` signs event tickets (NOMAD_EVENTS_TICKET_KEY);
    /// `previousTicketKeys` still verify during a rotation
    /// (NOMAD_EVENTS_TICKET_VERIFY_KEYS); `maxOpenMeetingRequests` caps a
    /// participant's pending matchmaking requests per event
    /// (NOMAD_EVENTS_MAX_OPEN_MEETING_REQUESTS).
    public static func make(
        ticketKey: SigningKey, previousTicketKeys: [VerificationKey] = [], maxOpenMeetingRequests: Int = 5
    ) -> ServiceDefinition {
        ServiceDefinition(
            name: "events",
            migrations: eventsMigrations, appendOnlyTables: eventsAppendOnlyTables,
            policy: EventsAccess.policy,
            grpcServiceNames: [Nomad_Events_V1_EventsService.descriptor.fullyQualifiedService],
            makeServices: { context in
                [
                    EventsService(
                        context: context,
                        calendar: CalendarSettings(
                            tickets: TicketSigner(key: ticketKey, previous: previousTicketKeys), cardKeys: context.config.keys,
                            maxOpenMeetingRequests: max(1, maxOpenMeetingRequests)))
                ]
            },
            startup: { context in
                // Before the first call: the gate compares hashes, so no row may
                // still hold only a plaintext number.
                try await LegacyCardStore.sealAll(
                    context.database, signer: TicketSigner(key: ticketKey, previous: previousTicketKeys),
                    protection: context.protection, logger: context.logger)
            })
    }
}
