import Foundation
import GRPCCore
import NomadKit
import NomadProtos

/// What a revenue report must hold, checked before any database work so a
/// bad request changes nothing.
enum RevenueReportRules {
    enum Status: Int16, Sendable {
        case submitted = 1, confirmed = 2, rejected = 3
    }

    static let maxEvidence = 10
    static let maxReason = 500
    /// Ten trillion yuan in fen: far above any real report, far below where
    /// a year's sums could overflow int64.
    static let maxAmountMinor: Int64 = 1_000_000_000_000_000

    struct Draft: Sendable, Equatable {
        var individual: Bool
        var from: ZoneDay
        var to: ZoneDay
        var revenueMinor: Int64
        var taxMinor: Int64
        var evidence: [String]
    }

    static func draft(
        _ request: Nomad_Analytics_V1_SubmitRevenueReportRequest, reporter: Principal, today: ZoneDay = .today()
    ) throws -> Draft {
        guard request.hasPeriod, request.period.hasFrom else { throw NomadError.required("period.from") }
        guard request.period.hasTo else { throw NomadError.required("period.to") }
        guard let from = ZoneDay(request.period.from) else {
            throw NomadError.invalid("period.from", zh: "不是有效日期", en: "not a valid date")
        }
        guard let to = ZoneDay(request.period.to) else {
            throw NomadError.invalid("period.to", zh: "不是有效日期", en: "not a valid date")
        }
        guard from.day == 1 else {
            throw NomadError.invalid("period.from", zh: "须为某月的第一天", en: "must be the first day of a month")
        }
        guard to.day == ZoneDay.daysIn(month: to.month, year: to.year) else {
            throw NomadError.invalid("period.to", zh: "须为某月的最后一天", en: "must be the last day of a month")
        }
        guard from <= to else {
            throw NomadError.invalid("period", zh: "开始日期不能晚于结束日期", en: "from must not be after to")
        }
        guard from.year == to.year else {
            throw NomadError.invalid("period", zh: "须在同一自然年内", en: "must lie within one calendar year")
        }
        // Revenue is reported for a period that is over (its last day counts).
        guard to <= today else {
            throw NomadError.invalid("period.to", zh: "报告期尚未结束", en: "the period has not ended yet")
        }
        let revenue = try amount(request.revenue, "revenue", given: request.hasRevenue)
        let tax = try amount(request.tax, "tax", given: request.hasTax)
        guard revenue > 0 || tax > 0 else {
            throw NomadError.invalid("revenue", zh: "营收与纳税额不能都为零", en: "revenue and tax cannot both be zero")
        }
        return Draft(
            // A nomad reports for their own business: always an individual.
            individual: reporter.role == .nomad ? true : request.individual,
            from: from, to: to, revenueMinor: revenue, taxMinor: tax,
            evidence: try evidence(request.evidenceHashes, required: true))
    }

    /// Unset, or CNY with 0 ≤ minor units ≤ the bound.
    private static func amount(_ money: Nomad_Common_V1_Money, _ field: String, given: Bool) throws -> Int64 {
        if !given || (money.currencyCode.isEmpty && money.minorUnits == 0) { return 0 }
        guard money.currencyCode == "CNY" else {
            throw NomadError.invalid("\(field).currency_code", zh: "须为 CNY", en: "must be CNY")
        }
        guard money.minorUnits >= 0 else {
            throw NomadError.invalid("\(field).minor_units", zh: "不能为负数", en: "must not be negative")
        }
        guard money.minorUnits <= maxAmountMinor else {
            throw NomadError.invalid("\(field).minor_units", zh: "金额过大", en: "amount too large")
        }
        return money.minorUnits
    }

    /// 1 to 10 SHA-256 digests, lower case, duplicates dropped.
    static func evidence(_ hashes: [String], required: Bool) throws -> [String] {
        guard !required || !hashes.isEmpty else { throw NomadError.required("evidence_hashes") }
        guard hashes.count <= maxEvidence else {
            throw NomadError.invalid("evidence_hashes", zh: "最多 \(maxEvidence) 项", en: "at most \(maxEvidence) items")
        }
        var seen: [String] = []
        for hash in hashes {
            let hex = try Validate.sha256Hex(hash, "evidence_hashes")
            if !seen.contains(hex) { seen.append(hex) }
        }
        return seen
    }

    static func statusFilter(_ status: Nomad_Analytics_V1_ReportStatus) throws -> Int16? {
        switch status {
        case .unspecified: return nil
        case .submitted: return Status.submitted.rawValue
        case .confirmed: return Status.confirmed.rawValue
        case .rejected: return Status.rejected.rawValue
        default: throw NomadError.unknownEnum("status")
        }
    }

    static let overlapping = NomadError(
        .alreadyExists,
        zh: "该申报人在重叠的报告期内已有待审或已确认的申报",
        en: "this reporter already has a submitted or confirmed report for an overlapping period")
}

/// What a high-tech recognition must hold.
enum RecognitionRules {
    static let maxReference = 200

    struct Draft: Sendable, Equatable {
        var enterpriseID: UUID
        var recognizedOn: ZoneDay
        var reference: String
        var evidence: [String]
    }

    static func draft(_ request: Nomad_Analytics_V1_RecordRecognitionRequest, today: ZoneDay = .today()) throws -> Draft {
        let enterprise = try Validate.uuid(request.enterpriseID, "enterprise_id")
        guard request.hasRecognizedOn else { throw NomadError.required("recognized_on") }
        guard let day = ZoneDay(request.recognizedOn) else {
            throw NomadError.invalid("recognized_on", zh: "不是有效日期", en: "not a valid date")
        }
        guard day <= today else {
            throw NomadError.invalid("recognized_on", zh: "不能晚于今天", en: "must not be in the future")
        }
        return Draft(
            enterpriseID: enterprise, recognizedOn: day,
            reference: try Validate.text(request.reference, "reference", max: maxReference),
            evidence: try RevenueReportRules.evidence(request.evidenceHashes, required: true))
    }

    static let duplicate = NomadError(
        .alreadyExists, zh: "该企业已登记过高新技术认定", en: "this enterprise's recognition is already recorded")
}
