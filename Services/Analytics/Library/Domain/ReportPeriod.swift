import Foundation
import NomadKit
import NomadProtos

/// The period of every analytics report (KPIs, series, service performance):
/// whole zone days, both ends included, and the calendar months it touches
/// (a KPI series has a point for each, zeros included).
struct ReportPeriod: Sendable, Equatable {
    /// Ten years of months: the programme runs three to five years, and a
    /// longer period would only make an unbounded query.
    static let maxMonths = 120

    let from: ZoneDay
    let to: ZoneDay

    /// Unset (neither end given) is the current calendar year in the zone.
    init(_ period: Nomad_Analytics_V1_Period, hasPeriod: Bool, today: ZoneDay = .today()) throws {
        if !hasPeriod || (!period.hasFrom && !period.hasTo) {
            from = ZoneDay(year: today.year, month: 1, day: 1)!
            to = ZoneDay(year: today.year, month: 12, day: 31)!
            return
        }
        guard period.hasFrom else { throw NomadError.required("period.from") }
        guard period.hasTo else { throw NomadError.required("period.to") }
        guard let from = ZoneDay(period.from) else {
            throw NomadError.invalid("period.from", zh: "不是有效日期", en: "not a valid date")
        }
        guard let to = ZoneDay(period.to) else {
            throw NomadError.invalid("period.to", zh: "不是有效日期", en: "not a valid date")
        }
        guard from <= to else {
            throw NomadError.invalid("period", zh: "开始日期不能晚于结束日期", en: "from must not be after to")
        }
        self.from = from
        self.to = to
        guard months.count <= Self.maxMonths else {
            throw NomadError.invalid("period", zh: "最长 10 年（120 个月）", en: "at most 10 years (120 months)")
        }
    }

    init(from: ZoneDay, to: ZoneDay) {
        self.from = from
        self.to = to
    }

    /// One calendar month, "YYYY-MM" as KpiPoint spells it: a KPI figure's
    /// drill-down.
    init(month text: String) throws {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let year = Int(parts[0]), let month = Int(parts[1]),
            let from = ZoneDay(year: year, month: month, day: 1)
        else {
            throw NomadError.invalid("month", zh: "月份格式应为 YYYY-MM，例如 2026-03", en: "a month is YYYY-MM, e.g. 2026-03")
        }
        self.from = from
        self.to = ZoneDay(year: year, month: month, day: ZoneDay.daysIn(month: month, year: year))!
    }

    /// "YYYY-MM" of every month from `from`'s to `to`'s.
    var months: [String] {
        var result: [String] = []
        var year = from.year, month = from.month
        while (year, month) <= (to.year, to.month) {
            result.append(String(format: "%04d-%02d", year, month))
            month += 1
            if month > 12 { month = 1; year += 1 }
            if result.count > Self.maxMonths { break }
        }
        return result
    }
}

/// The area filter as the events spell it ("core", "linked"); nil is the whole zone.
enum KpiArea {
    static func name(_ area: Nomad_Analytics_V1_Area) throws -> String? {
        switch area {
        case .unspecified: return nil
        case .core: return "core"
        case .linked: return "linked"
        default: throw NomadError.unknownEnum("area")
        }
    }
}
