import NomadKit

/// Assets' own settings, on top of the chassis' NomadConfig.
public struct AssetsSettings: ServiceSettings {
    public var bubble: BubbleSettings

    public init(bubble: BubbleSettings = .defaults) {
        self.bubble = bubble
    }

    /// NOMAD_ASSETS_BUBBLE_* (see `BubbleSettings.fromEnvironment`).
    public static func fromEnvironment(_ env: Environment = Environment()) throws -> AssetsSettings {
        AssetsSettings(bubble: try BubbleSettings.fromEnvironment(env))
    }
}
