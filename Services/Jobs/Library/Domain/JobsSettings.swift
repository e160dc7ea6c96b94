import NomadKit

/// Jobs' own settings, on top of the chassis' NomadConfig. It reads no
/// variable of its own today; a new one is added here, where every service
/// keeps its own.
public struct JobsSettings: ServiceSettings {
    public init() {}

    public static func fromEnvironment(_ env: Environment = Environment()) throws -> JobsSettings {
        JobsSettings()
    }
}
