import Foundation
import NomadProtos
import SwiftProtobuf

/// Dates, numbers and money written the way the chosen language writes them
/// (Foundation's formatters with the language's locale), in the zone's time
/// zone (Asia/Shanghai), so a deadline reads the same for everyone.
public struct Formatting: Sendable {
    public let language: PortalLanguage
    public static let zoneTimeZone = TimeZone(identifier: "Asia/Shanghai")!

    public init(language: PortalLanguage) {
        self.language = language
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Self.zoneTimeZone
        calendar.locale = language.locale
        return calendar
    }

    public func dateTime(_ date: Date) -> String {
        var style = Date.FormatStyle(
            date: .abbreviated, time: .shortened, locale: language.locale, calendar: calendar, timeZone: Self.zoneTimeZone)
        style.calendar = calendar
        return date.formatted(style)
    }

    public func date(_ date: Date) -> String {
        date.formatted(
            Date.FormatStyle(date: .long, time: .omitted, locale: language.locale, calendar: calendar, timeZone: Self.zoneTimeZone))
    }

    public func timestamp(_ timestamp: Google_Protobuf_Timestamp) -> String {
        dateTime(timestamp.date)
    }

    /// A KPI figure in its unit: money for CNY fen, a number otherwise.
    public func amount(_ value: Int64, _ unit: Nomad_Analytics_V1_KpiUnit) -> String {
        unit == .cnyMinor ? Self.money(minorUnits: value, currency: "CNY", locale: language.locale) : number(value)
    }

    /// "2026-03" as the language writes a month ("March 2026", "2026年3月");
    /// anything else as it came.
    public func month(_ text: String) -> String {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let year = Int32(parts[0]), let month = Int32(parts[1]),
            let date = Self.date(
                of: .with {
                    $0.year = year; $0.month = month; $0.day = 15
                })
        else { return text }
        return date.formatted(
            Date.FormatStyle(locale: language.locale, calendar: calendar, timeZone: Self.zoneTimeZone).month(.wide).year())
    }

    /// A calendar date without a time (nomad.common.v1.Date).
    public func day(_ day: Nomad_Common_V1_Date) -> String {
        guard let date = Self.date(of: day) else { return "" }
        return self.date(date)
    }

    public static func date(of day: Nomad_Common_V1_Date) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zoneTimeZone
        return calendar.date(from: DateComponents(year: Int(day.year), month: Int(day.month), day: Int(day.day), hour: 12))
    }

    public func number(_ value: Int64) -> String {
        value.formatted(IntegerFormatStyle<Int64>(locale: language.locale))
    }

    public func number(_ value: Int) -> String { number(Int64(value)) }

    /// A file size in KB or MB (decimal units), numbers in the language's style.
    public func bytes(_ count: Int64) -> String {
        if count < 1_000_000 {
            return "\(number(max(1, (count + 999) / 1000))) KB"
        }
        let megabytes = Double(count) / 1_000_000
        return megabytes.formatted(FloatingPointFormatStyle<Double>(locale: language.locale).precision(.fractionLength(1))) + " MB"
    }

    public func percent(basisPoints: Int64) -> String {
        (Double(basisPoints) / 10000).formatted(
            FloatingPointFormatStyle<Double>.Percent(locale: language.locale).precision(.fractionLength(0...1)))
    }

    /// Money in integer minor units with its ISO 4217 code; the currency's own
    /// minor-unit digits (2 for CNY) decide the scale.
    public func money(_ money: Nomad_Common_V1_Money) -> String {
        Self.money(minorUnits: money.minorUnits, currency: money.currencyCode, locale: language.locale)
    }

    public static func money(minorUnits: Int64, currency: String, locale: Locale) -> String {
        let code = currency.isEmpty ? "CNY" : currency
        let digits = minorDigits(code)
        let scale = pow(10, Double(digits))
        let amount = Decimal(minorUnits) / Decimal(Int64(scale))
        return amount.formatted(Decimal.FormatStyle.Currency(code: code, locale: locale).precision(.fractionLength(digits)))
    }

    static func minorDigits(_ code: String) -> Int {
        switch code {
        case "JPY", "KRW", "VND", "CLP", "ISK": return 0
        case "BHD", "KWD", "OMR", "JOD", "TND", "IQD", "LYD": return 3
        default: return 2
        }
    }
}
