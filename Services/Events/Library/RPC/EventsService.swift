import Foundation
import GRPCCore
import Logging
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// The events gRPC service. Each area's handlers live in their own
/// `EventsService+Area.swift`; this file holds what they share. Nothing here keeps
/// state between calls: any replica answers any call the same way.
struct EventsService: Nomad_Events_V1_EventsService.SimpleServiceProtocol, ServiceHandlers {
    let database: Database
    let logger: Logger

    init(context: ServiceContext) {
        database = context.database
        logger = context.logger
    }
}

/// What the executable and the tests start: the chassis definition of the
/// events service.
public enum EventsDefinition {
    public static func make() -> ServiceDefinition {
        ServiceDefinition(
            name: "events",
            migrations: eventsMigrations,
            policy: EventsAccess.policy,
            grpcServiceNames: [Nomad_Events_V1_EventsService.descriptor.fullyQualifiedService],
            makeServices: { context in [EventsService(context: context)] })
    }
}
