import Foundation
import NomadKit

/// Identity's own settings, on top of the chassis' NomadConfig.
public struct IdentitySettings: ServiceSettings {
    public var accessTokenLifetime: TimeInterval
    public var refreshTokenLifetime: TimeInterval
    public var cardQRLifetime: TimeInterval
    public var cardValidity: TimeInterval
    public var passwordCostLog2: Int
    /// The largest document UploadDocument accepts (NOMAD_DOCUMENT_MAX_BYTES).
    public var documentMaxBytes: Int
    /// When set, an admin account with this username and password is created
    /// at start if no admin exists yet.
    public var bootstrapAdmin: (username: String, password: String)?

    public init(
        accessTokenLifetime: TimeInterval = 900, refreshTokenLifetime: TimeInterval = 30 * 86400,
        cardQRLifetime: TimeInterval = 300, cardValidity: TimeInterval = 3 * 365 * 86400,
        passwordCostLog2: Int = 15, bootstrapAdmin: (username: String, password: String)? = nil,
        documentMaxBytes: Int = 10 << 20
    ) {
        self.accessTokenLifetime = accessTokenLifetime
        self.refreshTokenLifetime = refreshTokenLifetime
        self.cardQRLifetime = cardQRLifetime
        self.cardValidity = cardValidity
        self.passwordCostLog2 = passwordCostLog2
        self.bootstrapAdmin = bootstrapAdmin
        self.documentMaxBytes = documentMaxBytes
    }

    public static func fromEnvironment(_ env: Environment = Environment()) throws -> IdentitySettings {
        var settings = IdentitySettings(
            accessTokenLifetime: try env.seconds("NOMAD_ACCESS_TOKEN_TTL_SECONDS", default: 900),
            refreshTokenLifetime: try env.seconds("NOMAD_REFRESH_TOKEN_TTL_SECONDS", default: 30 * 86400),
            cardQRLifetime: try env.seconds("NOMAD_CARD_QR_TTL_SECONDS", default: 300),
            passwordCostLog2: try env.int("NOMAD_PASSWORD_COST_LOG2", default: 15),
            documentMaxBytes: try env.int("NOMAD_DOCUMENT_MAX_BYTES", default: DocumentRules.defaultMaxBytes))
        guard (10...20).contains(settings.passwordCostLog2) else {
            throw ConfigError.invalid("NOMAD_PASSWORD_COST_LOG2", "between 10 and 20")
        }
        guard DocumentRules.configurableMaxBytes.contains(settings.documentMaxBytes) else {
            throw ConfigError.invalid(
                "NOMAD_DOCUMENT_MAX_BYTES",
                "between \(DocumentRules.configurableMaxBytes.lowerBound) and \(DocumentRules.configurableMaxBytes.upperBound)")
        }
        if let password = try env.secret("NOMAD_BOOTSTRAP_ADMIN_PASSWORD") {
            settings.bootstrapAdmin = (env.string("NOMAD_BOOTSTRAP_ADMIN_USERNAME", default: "admin"), password)
        }
        return settings
    }
}
