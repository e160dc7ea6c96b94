import Foundation
import NomadKit
import NomadProtos

/// A report period of whole zone days, both ends included. Unset means the
/// zone's current calendar year.
struct PerformancePeriod: Sendable, Equatable {
    /// About ten years: longer ranges are a mistake, not a report.
    static let maxDays = 3_700

    let from: ZoneDay
    let to: ZoneDay

    init(from: ZoneDay, to: ZoneDay) {
        self.from = from
        self.to = to
    }

    /// `isSet` is the request's has-period: an unset or empty period is the current year.
    init(_ period: Nomad_Analytics_V1_Period, isSet: Bool, today: ZoneDay = .today()) throws {
        guard isSet, period.hasFrom || period.hasTo else {
            self.init(from: ZoneDay(year: today.year, month: 1, day: 1)!, to: ZoneDay(year: today.year, month: 12, day: 31)!)
            return
        }
        guard period.hasFrom else { throw NomadError.required("period.from") }
        guard period.hasTo else { throw NomadError.required("period.to") }
        guard let from = ZoneDay(period.from) else {
            throw NomadError.invalid("period.from", zh: "不是有效的日期", en: "not a valid date")
        }
        guard let to = ZoneDay(period.to) else {
            throw NomadError.invalid("period.to", zh: "不是有效的日期", en: "not a valid date")
        }
        guard from <= to else {
            throw NomadError.invalid("period", zh: "开始日期不能晚于结束日期", en: "from must not be after to")
        }
        guard to <= from.adding(days: Self.maxDays) else {
            throw NomadError.invalid("period", zh: "最长约十年（\(Self.maxDays) 天）", en: "at most about ten years (\(Self.maxDays) days)")
        }
        self.init(from: from, to: to)
    }

    var message: Nomad_Analytics_V1_Period {
        .with {
            $0.from = from.message
            $0.to = to.message
        }
    }
}
