import Foundation
import NomadKit

/// KPI thresholds the programme may revise without a release. Read once at
/// start and passed in by the definition.
public struct KpiSettings: Sendable, Equatable {
    /// A "super individual" (超级个体) reports at least this much confirmed
    /// revenue in one calendar year, in yuan.
    public var superIndividualRevenueYuan: Int64

    public init(superIndividualRevenueYuan: Int64 = Programme.superIndividualRevenueYuan) {
        self.superIndividualRevenueYuan = superIndividualRevenueYuan
    }

    public static let defaults = KpiSettings()

    /// NOMAD_ANALYTICS_SUPER_INDIVIDUAL_REVENUE_YUAN (default 20000000).
    public static func fromEnvironment(_ environment: Environment = Environment()) throws -> KpiSettings {
        let name = "NOMAD_ANALYTICS_SUPER_INDIVIDUAL_REVENUE_YUAN"
        let yuan = try environment.int(name, default: Int(Programme.superIndividualRevenueYuan))
        // Bounded so that the threshold in fen (×100) stays far from overflow.
        guard (1...1_000_000_000_000).contains(yuan) else {
            throw ConfigError.invalid(name, "a number of yuan between 1 and 1000000000000")
        }
        return KpiSettings(superIndividualRevenueYuan: Int64(yuan))
    }

    var superIndividualRevenueMinor: Int64 { superIndividualRevenueYuan * 100 }
}
