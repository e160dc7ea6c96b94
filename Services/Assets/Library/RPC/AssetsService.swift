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
    /// Bubble monitoring's threshold and window, read once at start.
    let bubble: BubbleSettings
    /// Identity's public keys: they verify the recipient tokens of TransferPoints.
    let identityKeys: KeyRing

    init(context: ServiceContext, bubble: BubbleSettings = .defaults) {
        database = context.database
        logger = context.logger
        self.bubble = bubble
        identityKeys = context.config.keys
    }
}

/// What the executable and the tests start: the chassis definition of the
/// assets service.
public enum AssetsDefinition: ServerDefinition {
    public static let serviceName = "assets"

    public static func make(settings: AssetsSettings) -> ServiceDefinition {
        make(bubble: settings.bubble)
    }

    /// Tests pass `bubble` explicitly.
    public static func make(bubble: BubbleSettings = .defaults) -> ServiceDefinition {
        ServiceDefinition(
            name: "assets",
            migrations: assetsMigrations, appendOnlyTables: assetsAppendOnlyTables,
            policy: AssetsAccess.policy,
            grpcServiceNames: [Nomad_Assets_V1_AssetsService.descriptor.fullyQualifiedService],
            makeServices: { context in [AssetsService(context: context, bubble: bubble)] },
            makeBackgroundTasks: { context in [ExpirySweep.task(context.database)] })
    }
}
