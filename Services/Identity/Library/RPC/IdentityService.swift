import Foundation
import GRPCCore
import Logging
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// The identity / one-card gRPC service. Each area's handlers live in their
/// own `IdentityService+Area.swift`; this file holds what they share.
struct IdentityService: Nomad_Identity_V1_IdentityService.SimpleServiceProtocol, ServiceHandlers {
    let database: Database
    let tokens: AccessTokens
    let settings: IdentitySettings
    let hasher: PasswordHasher
    /// Seals and hashes document and card numbers (NOMAD_DATA_KEYS, NOMAD_DATA_HASH_KEY).
    let protection: DataProtection
    let logger: Logger

    init(context: ServiceContext, settings: IdentitySettings) {
        database = context.database
        tokens = context.tokens
        self.settings = settings
        hasher = PasswordHasher(costLog2: settings.passwordCostLog2)
        protection = context.protection
        logger = context.logger
    }
}

/// What the executable and the tests start: the chassis definition of the
/// identity service.
public enum IdentityDefinition: ServerDefinition {
    public static let serviceName = "identity"
    public static let signsTokens = true

    /// Migrations, access rules, the first admin, and the sweep that lapses
    /// certification applications whose documents deadline passed.
    public static func make(settings: IdentitySettings) -> ServiceDefinition {
        ServiceDefinition(
            name: "identity",
            migrations: identityMigrations, appendOnlyTables: identityAppendOnlyTables,
            policy: IdentityAccess.policy,
            grpcServiceNames: [Nomad_Identity_V1_IdentityService.descriptor.fullyQualifiedService],
            makeServices: { context in
                [IdentityService(context: context, settings: settings)]
            },
            startup: { context in
                // Before the first call: lookups and uniqueness go by hash, so
                // no row may still hold only a plaintext number.
                try await LegacyNumberStore.sealAll(context.database, protection: context.protection, logger: context.logger)
                if let admin = settings.bootstrapAdmin {
                    try await IdentityService(context: context, settings: settings)
                        .bootstrapAdmin(username: admin.username, password: admin.password)
                }
            },
            makeBackgroundTasks: { context in
                [
                    BackgroundTask(name: "reseal-personal-numbers", interval: .seconds(300)) {
                        try await LegacyNumberStore.resealStale(
                            context.database, protection: context.protection, logger: context.logger)
                    },
                    BackgroundTask(name: "lapse-certifications", interval: .seconds(30)) {
                        _ = try await context.database.transaction { tx in
                            try await CertificationStore.lapseOverdue(tx)
                        }
                    },
                ]
            },
            makeRevocationCheck: { context in
                AccountStateCheck(database: context.database)
            })
    }
}
