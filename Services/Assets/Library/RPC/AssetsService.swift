import Foundation
import GRPCCore
import Logging
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// The assets gRPC service. Each area's handlers live in their own
/// `AssetsService+Area.swift`; this file holds what they share. Nothing here keeps
/// state between calls: any replica answers any call the same way.
struct AssetsService: Nomad_Assets_V1_AssetsService.SimpleServiceProtocol, ServiceHandlers {
    let database: Database
    let logger: Logger

    init(context: ServiceContext) {
        database = context.database
        logger = context.logger
    }
}

/// What the executable and the tests start: the chassis definition of the
/// assets service.
public enum AssetsDefinition {
    public static func make() -> ServiceDefinition {
        ServiceDefinition(
            name: "assets",
            migrations: assetsMigrations,
            policy: AssetsAccess.policy,
            grpcServiceNames: [Nomad_Assets_V1_AssetsService.descriptor.fullyQualifiedService],
            makeServices: { context in [AssetsService(context: context)] },
            makeBackgroundTasks: { context in [ExpirySweep.task(context.database, logger: context.logger)] })
    }
}
