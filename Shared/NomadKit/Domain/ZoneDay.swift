import Foundation
import NomadProtos
import SwiftProtobuf

/// A calendar day in the zone (Asia/Shanghai): permits and contracts begin and
/// end on whole local days, whatever time zone the server runs in.
public struct ZoneDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public static let zone = TimeZone(identifier: "Asia/Shanghai")!

    /// Day and month arithmetic runs in UTC, which has no daylight-saving
    /// shifts, on midnight of the day.
    private static let arithmetic: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    public init?(_ date: Nomad_Common_V1_Date) {
        self.init(year: Int(date.year), month: Int(date.month), day: Int(date.day))
    }

    /// "YYYY-MM-DD", as the store writes dates out.
    public init?(iso: String) {
        let parts = iso.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The zone's calendar day at `now`.
    public static func today(now: Date = Date()) -> ZoneDay {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        return ZoneDay(year: parts.year!, month: parts.month!, day: parts.day!)!
    }

    public var iso: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    public var description: String { iso }

    public var message: Nomad_Common_V1_Date {
        .with {
            $0.year = Int32(year)
            $0.month = Int32(month)
            $0.day = Int32(day)
        }
    }

    public func adding(days: Int) -> ZoneDay {
        adding(.day, days)
    }

    /// Calendar months; a day that does not exist in the target month becomes
    /// that month's last day (31 January + 1 month = 28 or 29 February).
    public func adding(months: Int) -> ZoneDay {
        adding(.month, months)
    }

    private func adding(_ component: Calendar.Component, _ value: Int) -> ZoneDay {
        let calendar = Self.arithmetic
        let midnight = calendar.date(from: DateComponents(year: year, month: month, day: day))!
        let moved = calendar.date(byAdding: component, value: value, to: midnight)!
        let parts = calendar.dateComponents([.year, .month, .day], from: moved)
        return ZoneDay(year: parts.year!, month: parts.month!, day: parts.day!)!
    }

    public static func < (lhs: ZoneDay, rhs: ZoneDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
