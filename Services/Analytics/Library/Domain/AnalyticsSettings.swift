import NomadKit

/// Analytics' own settings, on top of the chassis' NomadConfig: figures the
/// programme may revise without a release.
public struct AnalyticsSettings: ServiceSettings {
    public var kpi: KpiSettings
    public var rewardTiers: RewardTiers

    public init(kpi: KpiSettings = .defaults, rewardTiers: RewardTiers = .defaults) {
        self.kpi = kpi
        self.rewardTiers = rewardTiers
    }

    /// NOMAD_ANALYTICS_SUPER_INDIVIDUAL_REVENUE_YUAN and NOMAD_ANALYTICS_KPI_TARGETS
    /// (`KpiSettings.fromEnvironment`), NOMAD_ANALYTICS_REWARD_TIERS.
    public static func fromEnvironment(_ env: Environment = Environment()) throws -> AnalyticsSettings {
        AnalyticsSettings(kpi: try KpiSettings.fromEnvironment(env), rewardTiers: try rewardTiers(env))
    }

    /// NOMAD_ANALYTICS_REWARD_TIERS; unset or empty means `RewardTiers.defaults`.
    public static func rewardTiers(_ env: Environment = Environment()) throws -> RewardTiers {
        guard let text = env.optionalString(RewardTiers.variable) else { return .defaults }
        return try RewardTiers.parse(text)
    }

    public func startupWarnings(config: NomadConfig) -> [String] {
        config.serviceTokenKey == nil ? ["NOMAD_SERVICE_TOKEN_KEY is not set; no relay can deliver events"] : []
    }
}
