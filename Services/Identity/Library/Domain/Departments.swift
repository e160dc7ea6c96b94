import Foundation
import NomadKit

struct DepartmentName: Sendable, Equatable {
    let zh: String
    let en: String
}

/// Departments an officer account can be bound to. An officer may act only
/// on matters of their own department, so these codes are part of every
/// authorisation decision and must stay stable once issued.
enum Departments {
    static let all: [String: DepartmentName] = [
        "talent": DepartmentName(zh: "儋州市人才发展局", en: "Danzhou Talent Development Bureau"),
        "exit_entry": DepartmentName(
            zh: "儋州市公安局出入境管理支队",
            en: "Danzhou Public Security Bureau Exit-Entry Administration Detachment"),
        "human_resources": DepartmentName(
            zh: "儋州市人力资源和社会保障局", en: "Danzhou Human Resources and Social Security Bureau"),
        "housing": DepartmentName(
            zh: "儋州市住房和城乡建设局", en: "Danzhou Housing and Urban-Rural Development Bureau"),
        "commerce": DepartmentName(zh: "儋州市商务局", en: "Danzhou Commerce Bureau"),
        "science_industry": DepartmentName(
            zh: "儋州市科学技术工业信息化局",
            en: "Danzhou Science, Technology, Industry and Information Technology Bureau"),
        "finance": DepartmentName(zh: "儋州市财政局", en: "Danzhou Finance Bureau"),
        "data": DepartmentName(zh: "儋州市大数据管理局", en: "Danzhou Big Data Administration"),
        "culture_tourism": DepartmentName(
            zh: "儋州市旅游和文化广电体育局",
            en: "Danzhou Tourism, Culture, Radio, Television and Sports Bureau"),
        "development_reform": DepartmentName(
            zh: "儋州市发展和改革委员会", en: "Danzhou Development and Reform Commission"),
        "community": DepartmentName(zh: "社区服务中心", en: "Community Service Centre"),
        // The plan's lead unit for conferences, competitions and their rewards.
        "investment_promotion": DepartmentName(
            zh: "洋浦经济开发区投资促进局", en: "Yangpu Economic Development Zone Investment Promotion Bureau"),
        "tax": DepartmentName(
            zh: "国家税务总局儋州市税务局",
            en: "Danzhou Municipal Tax Service, State Taxation Administration"),
    ]

    /// Certifies nomads and issues and manages one-cards.
    static let certification = "talent"

    /// Handles foreign nomads' work and residence permits.
    static let permits = "exit_entry"

    /// Departments whose officers see whole one-card numbers: talent issues,
    /// suspends and reactivates cards here (`certification`), and the city's
    /// plan names the Science, Technology, Industry and IT Bureau (科工信局) as
    /// the lead unit of the nomads' one-card service. Every other officer gets
    /// the masked number: a desk needs to know the card is valid, not its number.
    /// Document numbers are masked for everyone (the API has no full form).
    static let cardNumberReaders: Set<String> = [certification, "science_industry"]

    static func readsFullCardNumbers(_ principal: Principal) -> Bool {
        principal.role == .officer && principal.department.map { cardNumberReaders.contains($0) } == true
    }

    static func isKnown(_ code: String) -> Bool {
        all[code] != nil
    }
}
