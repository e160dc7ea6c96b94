import Foundation
import GRPCCore
import Logging
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// The jobs gRPC service. Each area's handlers live in their own
/// `JobsService+Area.swift`; this file holds what they share. Nothing here
/// keeps state between calls: any replica answers any call the same way.
struct JobsService: Nomad_Jobs_V1_JobsService.SimpleServiceProtocol, ServiceHandlers {
    let database: Database
    let logger: Logger

    init(context: ServiceContext) {
        database = context.database
        logger = context.logger
    }
}

/// What the executable and the tests start: the chassis definition of the
/// jobs service.
public enum JobsDefinition {
    public static func make() -> ServiceDefinition {
        ServiceDefinition(
            name: "jobs",
            migrations: jobsMigrations,
            policy: JobsAccess.policy,
            grpcServiceNames: [Nomad_Jobs_V1_JobsService.descriptor.fullyQualifiedService],
            makeServices: { context in [JobsService(context: context)] })
    }
}
