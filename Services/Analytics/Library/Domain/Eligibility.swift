import Foundation
import NomadKit
import NomadProtos

/// A year's count per criterion; a criterion with nothing counted is 0.
public struct CriterionCounts: Sendable, Equatable {
    private var values: [RewardCriterionKind: Int64] = [:]

    public init() {}

    public subscript(_ criterion: RewardCriterionKind) -> Int64 {
        get { values[criterion] ?? 0 }
        set { values[criterion] = newValue }
    }
}

/// One enterprise's eligibility for one year, without evidence: a row of the
/// staff list and of the CSV export.
public struct EligibilityRow: Sendable, Equatable {
    public let enterpriseID: String
    public let year: Int
    public let counts: CriterionCounts
    /// Codes of the tiers met, in configured order.
    public let tiersMet: [RewardTier]
}

/// One counted item and the events that prove it: the nomad introduced or
/// trained, or the contract (order) signed.
struct EvidenceItem: Sendable, Equatable {
    let criterion: RewardCriterionKind
    let subjectID: String
    let eventIDs: [String]
}

/// The input rules of eligibility requests.
enum EligibilityRules {
    static let years = 2000...2100
    /// Evidence items per criterion in GetRewardEligibility; ExportCsv has no cap.
    static let maxEvidence = 100

    static func year(_ value: Int32) throws -> Int {
        if value == 0 { throw NomadError.required("year") }
        guard years.contains(Int(value)) else {
            throw NomadError.invalid(
                "year", zh: "须在 \(years.lowerBound) 到 \(years.upperBound) 之间",
                en: "must be between \(years.lowerBound) and \(years.upperBound)")
        }
        return Int(value)
    }

    /// Whose eligibility the caller may read: an enterprise its own (empty
    /// or its own id), staff any (and must name it).
    static func enterprise(_ requested: String, caller: Principal) throws -> String {
        switch caller.role {
        case .enterprise:
            if requested.isEmpty { return caller.accountID.text }
            let id = try Validate.uuid(requested, "enterprise_id")
            guard id == caller.accountID else { throw NomadError.permissionDenied }
            return id.text
        case .officer, .admin:
            return try Validate.uuid(requested, "enterprise_id").text
        default:
            throw NomadError.permissionDenied
        }
    }
}
