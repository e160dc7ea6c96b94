import Foundation
import NomadKit
import NomadProtos

/// KPI thresholds and targets the programme may revise without a release.
/// Read once at start and passed in by the definition.
public struct KpiSettings: Sendable, Equatable {
    /// A "super individual" (超级个体) reports at least this much confirmed
    /// revenue in one calendar year, in yuan.
    public var superIndividualRevenueYuan: Int64
    /// Targets other than the programme's, by KPI code, in the KPI's unit
    /// (fen for money). A KPI not named keeps the programme's target.
    public var targets: [String: Int64]

    public init(superIndividualRevenueYuan: Int64 = Programme.superIndividualRevenueYuan, targets: [String: Int64] = [:]) {
        self.superIndividualRevenueYuan = superIndividualRevenueYuan
        self.targets = targets
    }

    public static let defaults = KpiSettings()

    /// NOMAD_ANALYTICS_SUPER_INDIVIDUAL_REVENUE_YUAN (default 20000000) and
    /// NOMAD_ANALYTICS_KPI_TARGETS ("code=target,…", default: none, the
    /// programme's targets).
    public static func fromEnvironment(_ environment: Environment = Environment()) throws -> KpiSettings {
        let name = "NOMAD_ANALYTICS_SUPER_INDIVIDUAL_REVENUE_YUAN"
        let yuan = try environment.int(name, default: Int(Programme.superIndividualRevenueYuan))
        // Bounded so that the threshold in fen (×100) stays far from overflow.
        guard (1...1_000_000_000_000).contains(yuan) else {
            throw ConfigError.invalid(name, "a number of yuan between 1 and 1000000000000")
        }
        let targets = try Self.targets(environment.optionalString("NOMAD_ANALYTICS_KPI_TARGETS") ?? "")
        return KpiSettings(superIndividualRevenueYuan: Int64(yuan), targets: targets)
    }

    /// "nomad_visits=60000, tax_revenue=30000000000": each a KPI that has a
    /// target, a whole number from 1 to 10^15 in its unit.
    static func targets(_ text: String) throws -> [String: Int64] {
        let name = "NOMAD_ANALYTICS_KPI_TARGETS"
        var targets: [String: Int64] = [:]
        for entry in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            let parts = entry.split(separator: "=", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let kpi = KpiCatalogue.find(parts[0]) else {
                throw ConfigError.invalid(name, "not code=target with a known KPI code: \(entry)")
            }
            guard kpi.targetKind != .none else { throw ConfigError.invalid(name, "\(kpi.code) has no target to change") }
            guard let value = Int64(parts[1]), (1...1_000_000_000_000_000).contains(value) else {
                throw ConfigError.invalid(name, "the target of \(kpi.code) is a whole number from 1 to 10^15: \(parts[1])")
            }
            guard targets.updateValue(value, forKey: kpi.code) == nil else {
                throw ConfigError.invalid(name, "\(kpi.code) is named twice")
            }
        }
        return targets
    }

    /// The catalogue with these targets.
    var kpis: [Kpi] {
        KpiCatalogue.all.map { kpi in
            var kpi = kpi
            if let target = targets[kpi.code] { kpi.target = target }
            return kpi
        }
    }

    func kpi(_ code: String) -> Kpi? {
        kpis.first { $0.code == code }
    }

    var superIndividualRevenueMinor: Int64 { superIndividualRevenueYuan * 100 }
}
