import Foundation

/// What an applicant declares when applying for nomad certification (数字游民认定).
struct CertificationEvidenceInput: Sendable, Equatable {
    var monthlyRemoteIncomeMinor: Int64
    var currency: String
    var remoteClients: [String]
    var intendedStayDays: Int
    var skills: [String]
    var documentHashes: [String]
}

/// One criterion's verdict. Both languages are produced at evaluation time
/// and stored with the decision, so an applicant later sees the reasoning
/// that was actually applied even after the published rule changes.
struct CriterionOutcome: Sendable, Equatable, Codable {
    let code: String
    let met: Bool
    let zh: String
    let en: String
}

/// A currency accepted for the income criterion. The rate is CNY per unit in
/// ten-thousandths so that it is exact in integer arithmetic: floating point
/// could put an applicant a fen either side of the threshold.
struct ReferenceCurrency: Sendable, Equatable {
    let code: String
    let nameZh: String
    let cnyPerUnitTenThousandths: Int64
}

/// The certification criteria as published by the Talent Development Bureau.
/// This is the single place to edit when the bureau revises them; the values
/// here must match the published notice word for word.
enum PublishedCertificationRule {
    static let minimumMonthlyIncomeCNYMinor: Int64 = 500_000

    /// Fixed reference rates rather than live ones, so that the same
    /// application always gets the same verdict and applicants can work out
    /// for themselves whether they qualify. Order is the order shown to them.
    static let currencies: [ReferenceCurrency] = [
        ReferenceCurrency(code: "CNY", nameZh: "元", cnyPerUnitTenThousandths: 10_000),
        ReferenceCurrency(code: "USD", nameZh: "美元", cnyPerUnitTenThousandths: 70_000),
        ReferenceCurrency(code: "EUR", nameZh: "欧元", cnyPerUnitTenThousandths: 76_000),
        ReferenceCurrency(code: "HKD", nameZh: "港元", cnyPerUnitTenThousandths: 9_000),
    ]

    static let minimumRemoteClients = 1
    static let minimumIntendedStayDays = 30
    static let minimumSkills = 1
    static let minimumDocuments = 1
}

enum CertificationCriteria {
    static let remoteIncome = "remote_income"
    static let remoteClients = "remote_clients"
    static let intendedStay = "intended_stay"
    static let skills = "skills"
    static let evidence = "evidence"

    /// Outcomes come in a fixed order so that stored decisions and the
    /// applicant's screen list criteria the same way every time.
    static func evaluate(_ input: CertificationEvidenceInput) -> [CriterionOutcome] {
        let rule = PublishedCertificationRule.self
        let clients = input.remoteClients.filter { !isBlank($0) }.count
        let skillCount = input.skills.filter { !isBlank($0) }.count
        let documents = input.documentHashes.filter(validateDocumentHash).count
        return [
            income(input.monthlyRemoteIncomeMinor, currency: input.currency),
            countOutcome(
                code: remoteClients, seen: clients, minimum: rule.minimumRemoteClients,
                zhNoun: "列明远程客户", zhUnit: "个", enNoun: ("remote client", "remote clients"), enVerb: "listed"),
            stay(input.intendedStayDays),
            countOutcome(
                code: skills, seen: skillCount, minimum: rule.minimumSkills,
                zhNoun: "列明技能", zhUnit: "项", enNoun: ("skill", "skills"), enVerb: "listed"),
            countOutcome(
                code: evidence, seen: documents, minimum: rule.minimumDocuments,
                zhNoun: "提交有效证明材料", zhUnit: "份",
                enNoun: ("valid supporting document", "valid supporting documents"), enVerb: "provided"),
        ]
    }

    /// An empty list is not "all met": no evaluation must never read as approval.
    static func allMet(_ outcomes: [CriterionOutcome]) -> Bool {
        !outcomes.isEmpty && outcomes.allSatisfy(\.met)
    }

    /// Documents are held off-platform; only their SHA-256 is recorded, in
    /// the canonical lower-case form so that equal documents compare equal.
    static func validateDocumentHash(_ s: String) -> Bool {
        let bytes = s.utf8
        return bytes.count == 64
            && bytes.allSatisfy { byte in
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            }
    }

    // MARK: - Individual criteria

    private static func income(_ amountMinor: Int64, currency raw: String) -> CriterionOutcome {
        let minimum = PublishedCertificationRule.minimumMonthlyIncomeCNYMinor
        let code = raw.trimmingCharacters(in: .whitespaces).uppercased()
        let minimumEn = "\(formatMinor(minimum)) CNY", minimumZh = "\(formatMinor(minimum)) 元"

        guard let currency = PublishedCertificationRule.currencies.first(where: { $0.code == code }) else {
            let shown = String(raw.prefix(16))
            let accepted = PublishedCertificationRule.currencies.map(\.code)
            return CriterionOutcome(
                code: remoteIncome, met: false,
                zh:
                    "月均远程收入 \(formatMinor(amountMinor)) \(shown) 无法与 \(minimumZh)的标准比较：币种“\(shown)”无法识别（可接受：\(accepted.joined(separator: "、"))）",
                en:
                    "Monthly remote income \(formatMinor(amountMinor)) \(shown) cannot be compared with the minimum of \(minimumEn): currency \"\(shown)\" is not recognised (accepted: \(accepted.joined(separator: ", ")))"
            )
        }

        let cny = toCNYMinor(amountMinor, rate: currency.cnyPerUnitTenThousandths)
        let met = cny >= minimum
        var seenZh = "\(formatMinor(amountMinor)) \(currency.nameZh)"
        var seenEn = "\(formatMinor(amountMinor)) \(currency.code)"
        if currency.code != "CNY" {
            let rate = formatRate(currency.cnyPerUnitTenThousandths)
            seenZh += "（按参考汇率 \(rate) 折合 \(formatMinor(cny)) 元）"
            seenEn += " (\(formatMinor(cny)) CNY at the reference rate of \(rate) CNY/\(currency.code))"
        }
        return CriterionOutcome(
            code: remoteIncome, met: met,
            zh: "月均远程收入 \(seenZh)，\(met ? "达到" : "未达到") \(minimumZh)的标准",
            en: "Monthly remote income \(seenEn) \(met ? "meets" : "is below") the minimum of \(minimumEn)")
    }

    private static func stay(_ days: Int) -> CriterionOutcome {
        let minimum = PublishedCertificationRule.minimumIntendedStayDays
        let met = days >= minimum
        return CriterionOutcome(
            code: intendedStay, met: met,
            zh: "计划居留 \(days) 天，\(met ? "达到" : "未达到") \(minimum) 天的标准",
            en:
                "Intended stay of \(days) \(days == 1 ? "day" : "days") \(met ? "meets" : "is below") the minimum of \(minimum) \(minimum == 1 ? "day" : "days")"
        )
    }

    private static func countOutcome(
        code: String, seen: Int, minimum: Int,
        zhNoun: String, zhUnit: String, enNoun: (singular: String, plural: String), enVerb: String
    ) -> CriterionOutcome {
        let met = seen >= minimum
        return CriterionOutcome(
            code: code, met: met,
            zh: "\(zhNoun) \(seen) \(zhUnit)，\(met ? "达到" : "未达到")至少 \(minimum) \(zhUnit)的标准",
            en: "\(seen) \(seen == 1 ? enNoun.singular : enNoun.plural) \(enVerb); \(met ? "meets" : "below") the minimum of \(minimum)")
    }

    // MARK: - Arithmetic and formatting

    /// Truncates towards zero so that conversion never rounds an applicant up
    /// into eligibility. Split into whole and remainder parts so that only a
    /// result that itself overflows is clamped.
    static func toCNYMinor(_ amountMinor: Int64, rate: Int64) -> Int64 {
        let whole = amountMinor / 10_000, remainder = amountMinor % 10_000
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: rate)
        let (total, overflow2) = scaled.addingReportingOverflow(remainder * rate / 10_000)
        if overflow || overflow2 { return amountMinor < 0 ? .min : .max }
        return total
    }

    /// Formatted by hand rather than with NumberFormatter so that the text is
    /// identical regardless of the server's locale data.
    static func formatMinor(_ minor: Int64) -> String {
        let magnitude = minor.magnitude
        let fraction = magnitude % 100
        var whole = String(magnitude / 100)
        var groups: [Substring] = []
        while whole.count > 3 {
            groups.insert(whole.suffix(3), at: 0)
            whole.removeLast(3)
        }
        groups.insert(Substring(whole), at: 0)
        return (minor < 0 ? "-" : "") + groups.joined(separator: ",") + "." + (fraction < 10 ? "0" : "") + String(fraction)
    }

    static func formatRate(_ tenThousandths: Int64) -> String {
        var fraction = String(tenThousandths % 10_000)
        fraction = String(repeating: "0", count: 4 - fraction.count) + fraction
        while fraction.count > 1 && fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(tenThousandths / 10_000).\(fraction)"
    }

    private static func isBlank(_ s: String) -> Bool {
        s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }
}
