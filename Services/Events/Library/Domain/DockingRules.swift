import Foundation
import NomadKit

/// Award docking (获奖项目—企业/产业园对接): a request, the target's answer,
/// then one outcome.
enum DockingRules {
    static let maxMessage = 2000

    enum TargetKind: Int16 {
        case enterprise = 1, park = 2

        /// The role of the account that answers for the target: an
        /// enterprise itself, or an officer of the park's department.
        var answeringRole: Role { self == .enterprise ? .enterprise : .officer }
        var name: String { self == .enterprise ? "enterprise" : "park" }
    }

    enum Status: Int16 {
        case requested = 1, accepted = 2, declined = 3, concluded = 4
    }

    enum Outcome: Int16 {
        case signedAgreement = 1, incubatedInPark = 2, noDeal = 3

        var name: String {
            switch self {
            case .signedAgreement: "signed_agreement"
            case .incubatedInPark: "incubated_in_park"
            case .noDeal: "no_deal"
            }
        }
    }

    static func targetKind(_ raw: Int) throws -> TargetKind {
        guard let kind = TargetKind(rawValue: Int16(clamping: raw)) else { throw NomadError.unknownEnum("target_kind") }
        return kind
    }

    static func outcome(_ raw: Int) throws -> Outcome {
        guard let outcome = Outcome(rawValue: Int16(clamping: raw)) else { throw NomadError.unknownEnum("outcome") }
        return outcome
    }

    static func answer(_ docking: DockingRecord) throws {
        guard docking.status == Status.requested.rawValue else {
            throw NomadError.wrongState("该对接请求已答复", "this docking request has already been answered")
        }
    }

    static func conclude(_ docking: DockingRecord, outcome: Outcome) throws {
        switch Status(rawValue: docking.status) {
        case .accepted: break
        case .requested: throw NomadError.wrongState("对接方尚未接受", "the target has not accepted yet")
        case .declined: throw NomadError.wrongState("对接方已拒绝", "the target declined")
        default: throw NomadError.wrongState("对接结果已记录", "the outcome has already been recorded")
        }
        if outcome == .incubatedInPark, docking.targetKind != TargetKind.park.rawValue {
            throw NomadError.invalid(
                "outcome", zh: "仅产业园对接可记录为入园孵化",
                en: "only a park docking can end incubated in the park")
        }
    }
}
