import Foundation
import NomadKit
import NomadProtos
import SwiftProtobuf

/// The rules of a remote order's life, apart from storage: which state allows
/// which step, and what makes a contract, a milestone plan or a delivery
/// acceptable. Status and kind values are the proto enum numbers, as stored.
enum OrderRules {
    typealias Status = Nomad_Jobs_V1_OrderStatus

    static func code(_ status: Status) -> Int16 { Int16(status.rawValue) }

    static let milestonePending = Int16(Nomad_Jobs_V1_MilestoneStatus.pending.rawValue)
    static let milestoneDelivered = Int16(Nomad_Jobs_V1_MilestoneStatus.delivered.rawValue)
    static let milestoneAccepted = Int16(Nomad_Jobs_V1_MilestoneStatus.accepted.rawValue)

    static let maxMilestones = 20
    static let maxCoverNote = 2000
    static let maxReason = 1000
    static let maxComment = 1000
    static let maxDeliveryNote = 2000

    /// Refuses the step unless the order is in one of `allowed`; the message
    /// names the step so the caller knows what was refused.
    static func require(_ order: OrderRecord, in allowed: [Status], _ zh: String, _ en: String) throws {
        guard allowed.map(code).contains(order.status) else { throw NomadError.wrongState(zh, en) }
    }

    /// Who the caller is to the order: its nomad, its enterprise, or neither.
    enum Party { case nomad, enterprise }

    static func party(of principal: Principal, in order: OrderRecord) -> Party? {
        switch principal.role {
        case .nomad where principal.accountID == order.nomadID: return .nomad
        case .enterprise where principal.accountID == order.enterpriseID: return .enterprise
        default: return nil
        }
    }

    static func requireParty(_ principal: Principal, _ order: OrderRecord, _ party: Party) throws {
        guard Self.party(of: principal, in: order) == party else { throw NomadError.permissionDenied }
    }

    // MARK: contracts

    struct ContractTerms: Sendable, Equatable {
        var kind: Nomad_Jobs_V1_ContractKind
        var start: ZoneDay
        var end: ZoneDay?

        var longTerm: Bool { OrderRecord.isLongTerm(start: start, end: end) }
        var wholeMonths: Int { end.map { OrderRules.wholeMonths(from: start, through: $0) } ?? 0 }
    }

    /// The contract an enterprise signs when accepting an application. A
    /// LONG_CONTRACT job was published as at least a year's work, so a shorter
    /// contract would misreport it (and earn a reward it should not).
    static func contract(_ contract: Nomad_Jobs_V1_Contract, jobMode: Int16) throws -> ContractTerms {
        switch contract.kind {
        case .serviceOrder, .employment, .flexible: break
        default: throw NomadError.unknownEnum("contract.kind")
        }
        guard contract.hasStartDate else { throw NomadError.required("contract.start_date") }
        guard let start = ZoneDay(contract.startDate) else {
            throw NomadError.invalid("contract.start_date", zh: "不是有效的日期", en: "not a valid date")
        }
        var end: ZoneDay?
        if contract.hasEndDate {
            guard let day = ZoneDay(contract.endDate) else {
                throw NomadError.invalid("contract.end_date", zh: "不是有效的日期", en: "not a valid date")
            }
            guard day >= start else {
                throw NomadError.invalid("contract.end_date", zh: "不能早于开始日期", en: "must not be before the start date")
            }
            end = day
        }
        let terms = ContractTerms(kind: contract.kind, start: start, end: end)
        if jobMode == Int16(Nomad_Jobs_V1_JobMode.longContract.rawValue), !terms.longTerm {
            throw NomadError.invalid(
                "contract.end_date", zh: "长期合同岗位的合同期限须满一年", en: "a long-contract job needs a contract of one year or more")
        }
        return terms
    }

    /// A foreign nomad works on a valid work permit: the work's days (through
    /// an open end, never) must be within the permit cover their token stated
    /// (`Principal.workPermitUntil`, as fresh as that token). Applies to
    /// employment and long contracts and to claims.
    static func permitCovers(foreign: Bool, permitUntil: ZoneDay?, from start: ZoneDay, through end: ZoneDay?) throws {
        guard foreign else { return }
        // The cover starts on or before the token's day, so the end decides.
        guard let permitUntil, let end, start <= end, end <= permitUntil else { throw JobsErrors.permitDoesNotCover }
    }

    /// Whole calendar months the contract covers, both ends included
    /// (1 January to 31 December is 12), matching `OrderRecord.isLongTerm`.
    static func wholeMonths(from start: ZoneDay, through end: ZoneDay) -> Int {
        guard end >= start else { return 0 }
        var months = (end.year - start.year) * 12 + (end.month - start.month) + 1
        while months > 0, start.adding(months: months).adding(days: -1) > end { months -= 1 }
        return months
    }

    // MARK: milestones

    /// A replacement milestone plan: 1 to 20 milestones, each due in the
    /// future and paid in the job budget's currency, together within budget.
    static func milestones(
        _ milestones: [Nomad_Jobs_V1_Milestone], budgetCurrency: String, budgetMinor: Int64, now: Date
    ) throws -> [OrderRecord.MilestoneRecord] {
        guard !milestones.isEmpty else { throw NomadError.required("milestones") }
        guard milestones.count <= maxMilestones else {
            throw NomadError.invalid("milestones", zh: "最多 \(maxMilestones) 个", en: "at most \(maxMilestones)")
        }
        var total: Int64 = 0
        return try milestones.enumerated().map { index, milestone in
            let field = "milestones[\(index)]"
            let title = try Validate.text(milestone.title, "\(field).title", max: 200)
            guard milestone.hasDue else { throw NomadError.required("\(field).due") }
            let due = milestone.due.date
            guard due > now else {
                throw NomadError.invalid("\(field).due", zh: "须在将来", en: "must be in the future")
            }
            guard milestone.amount.currencyCode == budgetCurrency else {
                throw NomadError.invalid(
                    "\(field).amount", zh: "币种须与岗位预算一致（\(budgetCurrency)）",
                    en: "must be in the job budget's currency (\(budgetCurrency))")
            }
            guard milestone.amount.minorUnits >= 0 else {
                throw NomadError.invalid("\(field).amount", zh: "不能为负数", en: "must not be negative")
            }
            let (sum, overflow) = total.addingReportingOverflow(milestone.amount.minorUnits)
            guard !overflow, sum <= budgetMinor else {
                throw NomadError.invalid("milestones", zh: "金额合计超出岗位预算", en: "the amounts add up to more than the job budget")
            }
            total = sum
            return .init(title: title, due: due, currency: budgetCurrency, amountMinor: milestone.amount.minorUnits)
        }
    }

    /// A delivered milestone's place: a valid index into the plan.
    static func milestoneIndex(_ index: Int32, in order: OrderRecord) throws -> Int {
        guard index >= 0, Int(index) < order.milestones.count else {
            throw NomadError.invalid(
                "milestone_index", zh: "须在 0 到 \(order.milestones.count - 1) 之间",
                en: "must be between 0 and \(order.milestones.count - 1)")
        }
        return Int(index)
    }

    static func stars(_ value: Int32) throws -> Int16 {
        guard (1...5).contains(value) else {
            throw NomadError.invalid("stars", zh: "须在 1 到 5 之间", en: "must be between 1 and 5")
        }
        return Int16(value)
    }
}
