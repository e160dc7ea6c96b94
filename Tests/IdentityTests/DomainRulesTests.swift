import Foundation
import Testing
@testable import Identity

// MARK: - Unified social credit code

@Test func publishedCreditCodeExampleIsValid() {
    #expect(CreditCode.validate("91350100M000100Y43"))
    #expect(CreditCode.checkCharacter(for: "91350100M000100Y4") == "3")
}

@Test func creditCodeBuiltWithCheckCharacterIsValid() throws {
    for body in ["91460400MA5T000001", "12460000428200000X", "Y1460400000000000A"].map({ String($0.prefix(17)) }) {
        let check = try #require(CreditCode.checkCharacter(for: body))
        #expect(CreditCode.validate(body + String(check)), "\(body)\(check)")
    }
}

@Test func creditCodeWithWrongCheckCharacterIsInvalid() {
    let body = "91350100M000100Y4"
    for check in "0123456789ABCDEFGHJKLMNPQRTUWXY" where check != "3" {
        #expect(!CreditCode.validate(body + String(check)))
    }
}

@Test(arguments: ["I", "O", "Z", "S", "V"])
func creditCodeWithForbiddenLetterIsInvalid(letter: String) {
    let body = "91350100M000100" + letter + "4"
    #expect(CreditCode.checkCharacter(for: body) == nil)
    for check in "0123456789ABCDEFGHJKLMNPQRTUWXY" {
        #expect(!CreditCode.validate(body + String(check)))
    }
    #expect(!CreditCode.validate("91350100M000100Y4" + letter))
}

@Test func creditCodeOfWrongLengthIsInvalid() {
    #expect(!CreditCode.validate(""))
    #expect(!CreditCode.validate("91350100M000100Y4"))
    #expect(!CreditCode.validate("91350100M000100Y430"))
    #expect(CreditCode.checkCharacter(for: "91350100M000100Y") == nil)
    #expect(CreditCode.checkCharacter(for: "91350100M000100Y43") == nil)
}

@Test func creditCodeIsNotRepaired() {
    #expect(!CreditCode.validate("91350100m000100y43"))
    #expect(!CreditCode.validate(" 91350100M000100Y43"))
    #expect(!CreditCode.validate("91350100M000100Y43 "))
    #expect(CreditCode.checkCharacter(for: "91350100m000100Y4") == nil)
}

// MARK: - Resident ID

/// A fixed "today" keeps the date tests independent of when they run.
private let today: Date = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
    return calendar.date(from: DateComponents(year: 2025, month: 6, day: 15, hour: 12))!
}()

private func residentID(region: String = "460400", birth: String, sequence: String = "123") -> String? {
    let body = region + birth + sequence
    return ResidentID.checkCharacter(for: body).map { body + String($0) }
}

@Test func residentIDBuiltWithCheckCharacterIsValid() throws {
    let id = try #require(residentID(birth: "19900307"))
    #expect(ResidentID.validate(id, today: today))
    #expect(ResidentID.validate(id))
    #expect(ResidentID.checkCharacter(for: "11010519491231002") == "X")
    #expect(ResidentID.validate("11010519491231002X", today: today))
}

@Test func residentIDWithWrongCheckCharacterIsInvalid() throws {
    let id = try #require(residentID(birth: "19900307"))
    for check in "0123456789X" where check != id.last {
        #expect(!ResidentID.validate(String(id.dropLast()) + String(check), today: today))
    }
    #expect(!ResidentID.validate("11010519491231002x", today: today))
}

@Test(arguments: ["19490230", "19491301", "19490001", "19490100", "19000229", "20230229", "18991231"])
func residentIDWithImpossibleBirthDateIsInvalid(birth: String) throws {
    let id = try #require(residentID(birth: birth))
    #expect(!ResidentID.validate(id, today: today))
}

@Test func residentIDBirthDateBoundaries() throws {
    #expect(ResidentID.validate(try #require(residentID(birth: "20000229")), today: today))
    #expect(ResidentID.validate(try #require(residentID(birth: "19000101")), today: today))
    #expect(ResidentID.validate(try #require(residentID(birth: "20250615")), today: today))
    #expect(!ResidentID.validate(try #require(residentID(birth: "20250616")), today: today))
}

@Test func residentIDOfWrongShapeIsInvalid() {
    #expect(!ResidentID.validate("", today: today))
    #expect(!ResidentID.validate("11010519491231002", today: today))
    #expect(!ResidentID.validate("11010519491231002X0", today: today))
    #expect(!ResidentID.validate("1101051949123100AX", today: today))
    #expect(ResidentID.checkCharacter(for: "1101051949123100A") == nil)
    #expect(ResidentID.checkCharacter(for: "1101051949123100") == nil)
}

// MARK: - Passport numbers

@Test(arguments: ["E12345678", "G1234", "AB1234567", "12345678901234567890"])
func validPassportNumbers(number: String) {
    #expect(PassportNumber.validate(number))
}

@Test(arguments: ["", "1234", "123456789012345678901", "e12345678", "E1234-5678", "E1234 5678", "Ｅ12345678", "E１２３４５"])
func invalidPassportNumbers(number: String) {
    #expect(!PassportNumber.validate(number))
}

// MARK: - One-card numbers

@Test(arguments: [Int64(0), 1, 42, 12_345_678_901, 99_999_999_999])
func madeCardNumbersAreValid(serial: Int64) {
    let number = CardNumber.make(serial: serial)
    #expect(number.count == 16)
    #expect(number.hasPrefix("4604"))
    #expect(number.dropFirst(4).prefix(11) == String(format: "%011lld", serial))
    #expect(CardNumber.isValid(number))
}

@Test func everySingleDigitChangeIsDetected() {
    for serial: Int64 in [1, 7_654_321, 99_999_999_999] {
        let digits = Array(CardNumber.make(serial: serial))
        for position in digits.indices {
            for replacement in "0123456789" where replacement != digits[position] {
                var changed = digits
                changed[position] = replacement
                #expect(!CardNumber.isValid(String(changed)), "\(String(changed))")
            }
        }
    }
}

@Test func cardNumberWithOtherPrefixIsInvalid() {
    let serial = String(CardNumber.make(serial: 123).dropFirst(4).prefix(11))
    for prefix in ["4603", "0000", "6222"] {
        for check in 0...9 {
            #expect(!CardNumber.isValid(prefix + serial + String(check)))
        }
    }
}

@Test func cardNumberOfWrongShapeIsInvalid() {
    let number = CardNumber.make(serial: 5)
    #expect(!CardNumber.isValid(""))
    #expect(!CardNumber.isValid(String(number.dropLast())))
    #expect(!CardNumber.isValid(number + "0"))
    #expect(!CardNumber.isValid(" " + number.dropFirst()))
    #expect(!CardNumber.isValid(String(number.prefix(8)) + "-" + String(number.dropFirst(9))))
}

// MARK: - Masking

@Test(arguments: ["E12345678", "11010519491231002X", "91350100M000100Y43", "G1234ABCD99", "数字游民身份证件号码测试"])
func longDocumentNumbersKeepOnlyTheEnds(number: String) {
    let masked = Array(Masking.documentNumber(number))
    let original = Array(number)
    #expect(masked.count == original.count)
    #expect(masked.prefix(4) == original.prefix(4))
    #expect(masked.suffix(4) == original.suffix(4))
    #expect(masked.dropFirst(4).dropLast(4).allSatisfy { $0 == "*" })
    #expect(String(masked) != number)
}

@Test(arguments: ["G1234", "12345678", "ABC", "12"])
func shortDocumentNumbersKeepAtMostTwo(number: String) {
    let masked = Masking.documentNumber(number)
    #expect(masked.count == number.count)
    #expect(masked != number)
    #expect(masked.filter { $0 != "*" }.count <= 2)
    if number.count > 2 {
        #expect(masked.suffix(2) == number.suffix(2))
    }
}

@Test func maskingExamples() {
    #expect(Masking.documentNumber("11010519491231002X") == "1101**********002X")
    #expect(Masking.documentNumber("E12345678") == "E123*5678")
    #expect(Masking.documentNumber("12345678") == "******78")
    #expect(Masking.documentNumber("7") == "*")
    #expect(Masking.documentNumber("") == "")
}

// MARK: - Certification criteria

private let goodHash = String(repeating: "ab", count: 32)

private func input(
    income: Int64 = 600_000, currency: String = "CNY", clients: [String] = ["Acme GmbH"],
    stay: Int = 90, skills: [String] = ["iOS development"], hashes: [String] = [goodHash]
) -> CertificationEvidenceInput {
    CertificationEvidenceInput(
        monthlyRemoteIncomeMinor: income, currency: currency, remoteClients: clients,
        intendedStayDays: stay, skills: skills, documentHashes: hashes)
}

private func outcome(_ code: String, _ input: CertificationEvidenceInput) throws -> CriterionOutcome {
    try #require(CertificationCriteria.evaluate(input).first { $0.code == code })
}

@Test func completeApplicationMeetsEveryCriterion() {
    let outcomes = CertificationCriteria.evaluate(input())
    #expect(outcomes.map(\.code) == ["remote_income", "remote_clients", "intended_stay", "skills", "evidence"])
    #expect(outcomes.allSatisfy { $0.met })
    #expect(CertificationCriteria.allMet(outcomes))
    #expect(outcomes.allSatisfy { !$0.zh.isEmpty && !$0.en.isEmpty })
}

@Test func incomeExplanationStatesValueAndThreshold() throws {
    let met = try outcome("remote_income", input())
    #expect(met.en == "Monthly remote income 6,000.00 CNY meets the minimum of 5,000.00 CNY")
    #expect(met.zh == "月均远程收入 6,000.00 元，达到 5,000.00 元的标准")
    let unmet = try outcome("remote_income", input(income: 499_999))
    #expect(unmet.en == "Monthly remote income 4,999.99 CNY is below the minimum of 5,000.00 CNY")
    #expect(unmet.zh == "月均远程收入 4,999.99 元，未达到 5,000.00 元的标准")
}

@Test func incomeBoundaryInCNY() throws {
    #expect(try outcome("remote_income", input(income: 500_000)).met)
    #expect(try !outcome("remote_income", input(income: 499_999)).met)
    #expect(try !outcome("remote_income", input(income: 0)).met)
    #expect(try !outcome("remote_income", input(income: -600_000)).met)
    #expect(try outcome("remote_income", input(income: .max)).met)
}

@Test func incomeInUSDIsConvertedAtTheReferenceRate() throws {
    // 714.29 USD × 7.0 = 5,000.03 CNY; 714.28 USD × 7.0 = 4,999.96 CNY.
    let met = try outcome("remote_income", input(income: 71_429, currency: "USD"))
    #expect(met.met)
    #expect(
        met.en == "Monthly remote income 714.29 USD (5,000.03 CNY at the reference rate of 7.0 CNY/USD) meets the minimum of 5,000.00 CNY")
    #expect(met.zh == "月均远程收入 714.29 美元（按参考汇率 7.0 折合 5,000.03 元），达到 5,000.00 元的标准")
    #expect(try !outcome("remote_income", input(income: 71_428, currency: "USD")).met)
    #expect(try outcome("remote_income", input(income: 71_429, currency: "usd")).met)
}

@Test func incomeInEURAndHKD() throws {
    // 657.90 EUR × 7.6 = 5,000.04 CNY; 5,555.56 HKD × 0.9 = 5,000.004 CNY.
    #expect(try outcome("remote_income", input(income: 65_790, currency: "EUR")).met)
    #expect(try !outcome("remote_income", input(income: 65_789, currency: "EUR")).met)
    #expect(try outcome("remote_income", input(income: 555_556, currency: "HKD")).met)
    #expect(try !outcome("remote_income", input(income: 555_555, currency: "HKD")).met)
}

@Test(arguments: ["GBP", "", "RMB", "美元"])
func unknownCurrencyIsNotMet(currency: String) throws {
    let result = try outcome("remote_income", input(income: 10_000_000, currency: currency))
    #expect(!result.met)
    #expect(result.en.contains("not recognised"))
    #expect(result.en.contains("\"\(currency)\""))
    #expect(result.en.contains("5,000.00 CNY"))
    #expect(result.zh.contains("无法识别"))
    #expect(!CertificationCriteria.allMet(CertificationCriteria.evaluate(input(currency: currency))))
}

@Test func remoteClientsMustBeNonEmpty() throws {
    #expect(try !outcome("remote_clients", input(clients: [])).met)
    #expect(try !outcome("remote_clients", input(clients: ["", "  "])).met)
    let met = try outcome("remote_clients", input(clients: ["", "Acme GmbH"]))
    #expect(met.met)
    #expect(met.en == "1 remote client listed; meets the minimum of 1")
    #expect(met.zh == "列明远程客户 1 个，达到至少 1 个的标准")
}

@Test func intendedStayBoundary() throws {
    let met = try outcome("intended_stay", input(stay: 30))
    #expect(met.met)
    #expect(met.en == "Intended stay of 30 days meets the minimum of 30 days")
    #expect(met.zh == "计划居留 30 天，达到 30 天的标准")
    let unmet = try outcome("intended_stay", input(stay: 29))
    #expect(!unmet.met)
    #expect(unmet.en == "Intended stay of 29 days is below the minimum of 30 days")
    #expect(try !outcome("intended_stay", input(stay: -5)).met)
}

@Test func skillsAndEvidenceRequireAtLeastOne() throws {
    #expect(try !outcome("skills", input(skills: [])).met)
    #expect(try !outcome("skills", input(skills: [" "])).met)
    #expect(try outcome("skills", input(skills: ["Go"])).met)
    #expect(try !outcome("evidence", input(hashes: [])).met)
    #expect(try !outcome("evidence", input(hashes: [goodHash.uppercased(), "abc"])).met)
    #expect(try outcome("evidence", input(hashes: [goodHash])).met)
}

@Test func allMetNeedsEveryOutcomeAndAtLeastOne() {
    #expect(!CertificationCriteria.allMet([]))
    #expect(!CertificationCriteria.allMet(CertificationCriteria.evaluate(input(stay: 1))))
    #expect(!CertificationCriteria.allMet(CertificationCriteria.evaluate(input(skills: []))))
}

@Test func documentHashFormat() {
    #expect(CertificationCriteria.validateDocumentHash(goodHash))
    #expect(CertificationCriteria.validateDocumentHash(String(repeating: "0", count: 64)))
    #expect(!CertificationCriteria.validateDocumentHash(goodHash.uppercased()))
    #expect(!CertificationCriteria.validateDocumentHash(String(goodHash.dropLast())))
    #expect(!CertificationCriteria.validateDocumentHash(goodHash + "a"))
    #expect(!CertificationCriteria.validateDocumentHash(String(goodHash.dropLast()) + "g"))
    #expect(!CertificationCriteria.validateDocumentHash(""))
}

@Test func moneyAndRateFormatting() {
    #expect(CertificationCriteria.formatMinor(0) == "0.00")
    #expect(CertificationCriteria.formatMinor(5) == "0.05")
    #expect(CertificationCriteria.formatMinor(100_000) == "1,000.00")
    #expect(CertificationCriteria.formatMinor(123_456_789) == "1,234,567.89")
    #expect(CertificationCriteria.formatMinor(-99_999) == "-999.99")
    #expect(CertificationCriteria.formatRate(70_000) == "7.0")
    #expect(CertificationCriteria.formatRate(9_000) == "0.9")
    #expect(CertificationCriteria.formatRate(71_234) == "7.1234")
}

// MARK: - Departments

@Test func departmentsAreKnown() {
    let codes = [
        "talent", "exit_entry", "human_resources", "housing", "commerce", "science_industry",
        "finance", "data", "culture_tourism", "development_reform", "community", "tax",
        "investment_promotion",
    ]
    #expect(Set(Departments.all.keys) == Set(codes))
    #expect(codes.allSatisfy { Departments.isKnown($0) })
    #expect(Departments.isKnown(Departments.certification))
    #expect(Departments.isKnown(Departments.permits))
    #expect(Departments.certification == "talent")
    #expect(Departments.permits == "exit_entry")
    #expect(!Departments.isKnown("police"))
    #expect(!Departments.isKnown("Talent"))
    #expect(!Departments.isKnown(""))
    #expect(Departments.all.values.allSatisfy { !$0.zh.isEmpty && !$0.en.isEmpty })
    #expect(Departments.all["talent"]?.zh.contains("人才发展局") == true)
}

// MARK: - Catalogue seed

@Test func catalogueSeedHasEnoughEntriesInOneStatement() {
    let rows = migration0002CatalogueSeed.components(separatedBy: "\n(\n").count - 1
    #expect(rows >= 22)
    #expect(migration0002CatalogueSeed.components(separatedBy: "INSERT INTO").count == 2)
    #expect(migration0002CatalogueSeed.hasSuffix(");"))
    #expect(!migration0002CatalogueSeed.contains("\\"))
}
