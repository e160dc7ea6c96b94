import Foundation
import NomadKit
import NomadProtos

/// The four things the plan rewards an enterprise for (rewards.proto), with
/// the name each has in the tier configuration and in CSV headers.
public enum RewardCriterionKind: Int, CaseIterable, Sendable {
    case nomadsIntroduced = 1
    case longContracts = 2
    case flexibleEngagements = 3
    case nomadsTrained = 4

    /// The spelling NOMAD_ANALYTICS_REWARD_TIERS uses.
    public var configName: String {
        switch self {
        case .nomadsIntroduced: return "nomads_introduced"
        case .longContracts: return "long_contracts"
        case .flexibleEngagements: return "flexible_engagements"
        case .nomadsTrained: return "nomads_trained"
        }
    }

    public init?(configName: String) {
        guard let kind = Self.allCases.first(where: { $0.configName == configName }) else { return nil }
        self = kind
    }

    var proto: Nomad_Analytics_V1_RewardCriterion {
        Nomad_Analytics_V1_RewardCriterion(rawValue: rawValue) ?? .unspecified
    }

    /// A tier's display name: the configuration names only the threshold, the
    /// wording is the programme's and lives here, in both languages.
    func tierName(minimum: Int64) -> (zh: String, en: String) {
        switch self {
        case .nomadsIntroduced: return ("引进数字游民达到\(minimum)人", "\(minimum) nomads introduced")
        case .longContracts: return ("签订一年以上劳动合同达到\(minimum)份", "\(minimum) contracts of one year or more")
        case .flexibleEngagements: return ("灵活用工达到\(minimum)人次", "\(minimum) flexible engagements")
        case .nomadsTrained: return ("培训数字游民达到\(minimum)人", "\(minimum) nomads trained")
        }
    }
}

/// One configured threshold: met when the year's count of `criterion` is at
/// least `minimum`.
public struct RewardTier: Sendable, Equatable {
    public let code: String
    public let criterion: RewardCriterionKind
    public let minimum: Int64

    public init(code: String, criterion: RewardCriterionKind, minimum: Int64) {
        self.code = code
        self.criterion = criterion
        self.minimum = minimum
    }
}

/// The reward tiers in force, in the order configured (the order they are
/// listed and reported in).
public struct RewardTiers: Sendable, Equatable {
    public static let variable = "NOMAD_ANALYTICS_REWARD_TIERS"
    static let maxTiers = 50
    static let maxMinimum: Int64 = 1_000_000_000

    public let tiers: [RewardTier]

    public init(_ tiers: [RewardTier]) {
        self.tiers = tiers
    }

    /// What runs when the variable is unset: a first and a higher step for
    /// introductions, one step for each other criterion.
    public static let defaults = try! RewardTiers.parse(
        "introduced_10:nomads_introduced:10,introduced_50:nomads_introduced:50,"
            + "long_contract_5:long_contracts:5,flexible_20:flexible_engagements:20,trained_30:nomads_trained:30")

    /// `code:criterion:minimum[,code:criterion:minimum...]`: code is 1-64 of
    /// a-z, 0-9 and _, unique; criterion is one of the four config names;
    /// minimum an integer from 1 to 1e9. Spaces around entries are ignored.
    public static func parse(_ text: String) throws -> RewardTiers {
        func bad(_ why: String) -> ConfigError { ConfigError.invalid(variable, why) }
        let entries = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard !entries.isEmpty, entries.count <= maxTiers else { throw bad("between 1 and \(maxTiers) tiers") }
        var seen = Set<String>()
        let tiers = try entries.map { entry -> RewardTier in
            let parts = entry.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3 else {
                throw bad("\"\(entry)\" is not code:criterion:minimum (e.g. introduced_20:nomads_introduced:20)")
            }
            let code = parts[0]
            guard (1...64).contains(code.count),
                code.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" })
            else { throw bad("tier code \"\(code)\" must be 1-64 characters of a-z, 0-9 and _") }
            guard seen.insert(code).inserted else { throw bad("tier code \"\(code)\" appears twice") }
            guard let criterion = RewardCriterionKind(configName: parts[1]) else {
                let names = RewardCriterionKind.allCases.map(\.configName).joined(separator: ", ")
                throw bad("unknown criterion \"\(parts[1])\" in \"\(entry)\"; one of \(names)")
            }
            guard let minimum = Int64(parts[2]), (1...maxMinimum).contains(minimum) else {
                throw bad("minimum \"\(parts[2])\" in \"\(entry)\" must be an integer from 1 to \(maxMinimum)")
            }
            return RewardTier(code: code, criterion: criterion, minimum: minimum)
        }
        return RewardTiers(tiers)
    }

    /// The tiers `counts` meet, in configured order.
    func met(by counts: CriterionCounts) -> [RewardTier] {
        tiers.filter { counts[$0.criterion] >= $0.minimum }
    }
}
