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

    /// The nomad a call is about: a nomad may ask only about themselves (empty
    /// means themselves); enterprises and staff must name one.
    static func nomadID(_ requested: String, principal: Principal) throws -> UUID {
        if principal.role == .nomad {
            if requested.isEmpty { return principal.accountID }
            let id = try Validate.uuid(requested, "nomad_id")
            guard id == principal.accountID else { throw NomadError.permissionDenied }
            return id
        }
        return try Validate.uuid(requested, "nomad_id")
    }
}

/// What the executable and the tests start: the chassis definition of the
/// jobs service.
public enum JobsDefinition: ServerDefinition {
    public static let serviceName = "jobs"

    public static func make(settings: JobsSettings = JobsSettings()) -> ServiceDefinition {
        ServiceDefinition(
            name: "jobs",
            migrations: jobsMigrations, appendOnlyTables: jobsAppendOnlyTables,
            policy: JobsAccess.policy,
            grpcServiceNames: [Nomad_Jobs_V1_JobsService.descriptor.fullyQualifiedService],
            makeServices: { context in [JobsService(context: context)] })
    }
}
