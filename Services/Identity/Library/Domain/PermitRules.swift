import Foundation
import NomadKit
import NomadProtos

/// Input and validity rules for foreign nomads' work and residence permits.
enum PermitRules {
    static let months = 6...12
    /// How far ahead a permit may be asked to start.
    static let maxMonthsAhead = 12
    /// Upper bound for `expiring_within_days`: ten years covers every permit.
    static let maxExpiringWithinDays = 3660

    static func months(_ value: Int32) throws -> Int {
        guard months.contains(Int(value)) else {
            throw NomadError.invalid("months", zh: "须在 6 到 12 之间", en: "between 6 and 12")
        }
        return Int(value)
    }

    /// At least one known activity, each at most once.
    static func activities(_ values: [Nomad_Identity_V1_PermitActivity]) throws -> [Nomad_Identity_V1_PermitActivity] {
        if values.isEmpty { throw NomadError.required("activities") }
        for value in values {
            switch value {
            case .remoteSoftwareDevelopment, .digitalContentCreation, .crossBorderEcommerce: continue
            case .unspecified, .UNRECOGNIZED: throw NomadError.unknownEnum("activities")
            }
        }
        guard Set(values.map(\.rawValue)).count == values.count else {
            throw NomadError.invalid("activities", zh: "不能重复", en: "must not repeat")
        }
        return values
    }

    /// A real calendar day, from today (zone time) to one year ahead.
    static func startDate(_ value: Nomad_Common_V1_Date?, today: ZoneDay) throws -> ZoneDay {
        guard let value else { throw NomadError.required("start_date") }
        guard let day = ZoneDay(value) else {
            throw NomadError.invalid("start_date", zh: "不是有效的日期", en: "not a valid calendar date")
        }
        guard day >= today else {
            throw NomadError.invalid("start_date", zh: "不能早于今天（北京时间）", en: "must be today or later (zone time)")
        }
        guard day <= today.adding(months: maxMonthsAhead) else {
            throw NomadError.invalid("start_date", zh: "最多可提前一年", en: "at most one year ahead")
        }
        return day
    }

    /// Valid from the start day through the day before the same date
    /// `months` later (a day-31 start ends on the month's last day minus one
    /// when the later month is shorter, as calendar month addition clamps).
    static func validity(start: ZoneDay, months: Int) -> (from: ZoneDay, until: ZoneDay) {
        (start, start.adding(months: months).adding(days: -1))
    }

    /// The stored-column filter for a list request, or nil when the request's
    /// filters exclude each other (e.g. status PENDING and expiring soon).
    static func filter(
        applicant: UUID?, status: Nomad_Identity_V1_PermitStatus, expiringWithinDays: Int32, today: ZoneDay
    ) throws -> PermitFilter? {
        var filter = PermitFilter(applicant: applicant)
        switch status {
        case .unspecified: break
        case .pending, .rejected, .revoked: filter.storedStatus = status
        case .approved:
            filter.storedStatus = .approved
            filter.validUntilFrom = today
        case .expired:
            filter.storedStatus = .approved
            filter.validUntilTo = today.adding(days: -1)
        case .UNRECOGNIZED: throw NomadError.unknownEnum("status")
        }
        guard (0...maxExpiringWithinDays).contains(Int(expiringWithinDays)) else {
            throw NomadError.invalid(
                "expiring_within_days", zh: "须在 0 到 \(maxExpiringWithinDays) 之间", en: "between 0 and \(maxExpiringWithinDays)")
        }
        if expiringWithinDays > 0 {
            if let stored = filter.storedStatus, stored != .approved { return nil }
            filter.storedStatus = .approved
            filter.validUntilFrom = max(filter.validUntilFrom ?? today, today)
            let end = today.adding(days: Int(expiringWithinDays))
            filter.validUntilTo = min(filter.validUntilTo ?? end, end)
            filter.orderByValidUntil = true
        }
        if let from = filter.validUntilFrom, let to = filter.validUntilTo, from > to { return nil }
        return filter
    }

    /// The first of `standing` (an applicant's pending and approved permits)
    /// whose days meet `period`'s, other than `except`: one person holds one
    /// permit for a given day, so a second is refused rather than stacked.
    static func overlap(
        _ period: (from: ZoneDay, until: ZoneDay), with standing: [PermitRecord], except: UUID? = nil
    ) -> PermitRecord? {
        standing.first { $0.id != except && $0.period.from <= period.until && period.from <= $0.period.until }
    }

    /// A renewal starts the day after the permit it continues ends; that
    /// permit must be the applicant's, approved and not yet ended.
    static func renewalStart(
        of previous: PermitRecord?, applicant: UUID, asked: Nomad_Common_V1_Date?, today: ZoneDay
    ) throws -> ZoneDay {
        guard let previous, previous.applicantID == applicant else { throw NomadError.notFound("permit to renew") }
        guard previous.status(on: today) == .approved, let end = previous.validUntil else {
            throw NomadError.wrongState("只能续期已批准且未到期的许可", "only an approved permit that has not ended can be renewed")
        }
        let start = end.adding(days: 1)
        if let asked, ZoneDay(asked) != start {
            throw NomadError.invalid("start_date", zh: "续期须从原许可到期次日开始", en: "a renewal starts the day after the permit it renews ends")
        }
        return start
    }

    /// The last day of the approved permits that cover `today` and the days
    /// after it without a gap (a renewal continues the permit it renews), or
    /// nil when none covers today: what the access token tells other
    /// services (jobs) about a foreign nomad's right to work.
    static func coverEnd(of approved: [PermitRecord], today: ZoneDay) -> ZoneDay? {
        let periods = approved.compactMap { permit -> (from: ZoneDay, until: ZoneDay)? in
            guard permit.status(on: today) == .approved, let from = permit.validFrom, let until = permit.validUntil else {
                return nil
            }
            return (from, until)
        }.sorted { $0.from < $1.from }
        var end: ZoneDay?
        for period in periods {
            if let covered = end {
                if period.from <= covered.adding(days: 1) { end = max(covered, period.until) }
            } else if period.from <= today, today <= period.until {
                end = period.until
            }
        }
        return end
    }

    /// The activity's name for events: stable, readable, independent of enum numbering.
    static func activityCode(_ activity: Nomad_Identity_V1_PermitActivity) -> String {
        switch activity {
        case .remoteSoftwareDevelopment: return "remote_software_development"
        case .digitalContentCreation: return "digital_content_creation"
        case .crossBorderEcommerce: return "cross_border_ecommerce"
        case .unspecified, .UNRECOGNIZED: return "unspecified"
        }
    }
}
