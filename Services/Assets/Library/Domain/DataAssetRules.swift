import Foundation
import NomadKit
import NomadProtos

/// The checks on data assets, versions, valuations and listings: plain Swift,
/// so every rule is testable without a server.
enum DataAssetRules {
    /// The pools a data asset may name (seeded by migration 2, which has no RPC
    /// to add more); also the asset classes of the price index. Checked here so
    /// a wrong code is INVALID_ARGUMENT before the foreign key is reached.
    static let poolCodes: Set<String> = ["vehicle_road_cloud", "culture_tourism_consumption", "entertainment_metaverse"]
    static let maxTitle = 200
    static let maxDescription = 4000
    static let maxLicence = 4000
    static let maxAppraiser = 200
    /// Bounded so that units x 10,000 (shares in basis points) and value x
    /// units never overflow 64 bits in SQL.
    static let maxUnits: Int64 = 1_000_000_000_000

    struct Registration: Sendable {
        var poolCode: String
        var titleZh: String
        var titleEn: String
        var descriptionZh: String
        var descriptionEn: String
        var contentHash: String
        var licenceTerms: String
        var totalUnits: Int64
    }

    static func registration(_ request: Nomad_Assets_V1_RegisterDataAssetRequest) throws -> Registration {
        let pool = try poolCode(request.poolCode)
        let title = try localized(request.title, "title", max: maxTitle)
        let description = try localized(request.description_p, "description", max: maxDescription)
        let units = request.totalUnits == 0 ? 1 : try Self.units(request.totalUnits, "total_units")
        return Registration(
            poolCode: pool, titleZh: title.zh, titleEn: title.en, descriptionZh: description.zh,
            descriptionEn: description.en, contentHash: try Validate.sha256Hex(request.contentHash, "content_hash"),
            licenceTerms: try Validate.text(request.licenceTerms, "licence_terms", max: maxLicence),
            totalUnits: units)
    }

    static func poolCode(_ value: String) throws -> String {
        guard poolCodes.contains(value) else { throw RegistryErrors.unknownPool }
        return value
    }

    /// zh-CN is the reference language and required; English defaults to it.
    static func localized(_ text: Nomad_Common_V1_LocalizedText, _ field: String, max: Int) throws -> (zh: String, en: String) {
        let (zh, en) = try Validate.localized(text, field, max: max)
        return (zh, en.isEmpty ? zh : en)
    }

    static func units(_ value: Int64, _ field: String) throws -> Int64 {
        guard value > 0 else { throw NomadError.invalid(field, zh: "必须为正数", en: "must be positive") }
        guard value <= maxUnits else {
            throw NomadError.invalid(field, zh: "不能超过 \(maxUnits)", en: "must not exceed \(maxUnits)")
        }
        return value
    }

    /// A positive amount in a three-letter currency.
    static func money(_ value: Nomad_Common_V1_Money, _ field: String) throws -> (currency: String, minor: Int64) {
        let currency = try Validate.currencyCode(value.currencyCode, "\(field).currency_code")
        guard value.minorUnits > 0 else {
            throw NomadError.invalid("\(field).minor_units", zh: "必须为正数", en: "must be positive")
        }
        guard value.minorUnits <= 1_000_000_000_000_000 else {
            throw NomadError.invalid("\(field).minor_units", zh: "金额过大", en: "too large")
        }
        return (currency, value.minorUnits)
    }

    enum Method: Int16, CaseIterable, Sendable {
        case cost = 1, income = 2, market = 3
        var name: String {
            switch self {
            case .cost: "cost"
            case .income: "income"
            case .market: "market"
            }
        }
    }

    struct Valuation: Sendable {
        var version: Int32?
        var method: Method
        var currency: String
        var valueMinor: Int64
        var appraiser: String
        var date: ZoneDay
    }

    static func valuation(_ request: Nomad_Assets_V1_RecordValuationRequest, today: ZoneDay) throws -> Valuation {
        guard let method = Method(rawValue: Int16(clamping: request.method.rawValue)) else {
            throw NomadError.unknownEnum("method")
        }
        guard request.version >= 0 else {
            throw NomadError.invalid("version", zh: "不能为负数", en: "must not be negative")
        }
        let value = try money(request.value, "value")
        guard request.hasValuationDate, let date = ZoneDay(request.valuationDate) else {
            throw NomadError.required("valuation_date")
        }
        guard date <= today else {
            throw NomadError.invalid("valuation_date", zh: "不能晚于今天", en: "must not be in the future")
        }
        return Valuation(
            version: request.version == 0 ? nil : request.version, method: method, currency: value.currency,
            valueMinor: value.minor, appraiser: try Validate.text(request.appraiser, "appraiser", max: maxAppraiser),
            date: date)
    }

    /// A holder's share in basis points, rounded down.
    static func shareBP(_ units: Int64, of total: Int64) -> Int32 {
        guard total > 0 else { return 0 }
        return Int32(clamping: part(10_000, units: units, total: total))
    }

    /// value x units / total, rounded down, without overflowing on the way.
    /// Callers pass units <= total, so the quotient never exceeds the value.
    static func part(_ value: Int64, units: Int64, total: Int64) -> Int64 {
        guard total > 0, value >= 0, units >= 0 else { return 0 }
        guard units < total else { return value }
        return total.dividingFullWidth(value.multipliedFullWidth(by: units)).quotient
    }
}
