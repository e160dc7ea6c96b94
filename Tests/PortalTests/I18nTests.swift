import Foundation
import NomadProtos
import SwiftProtobuf
import Testing
@testable import Portal

@Suite struct I18nTests {
    @Test func everyCatalogueHasEveryKey() async throws {
        let catalogues = try await TestPortal.renderer().catalogues
        let missing = catalogues.missingKeys()
        #expect(missing.isEmpty, "keys missing: \(missing)")
        for language in PortalLanguage.allCases {
            #expect(catalogues[language].messages.count > 300, "\(language) catalogue looks empty")
            for (key, value) in catalogues[language].messages {
                #expect(!value.trimmingCharacters(in: .whitespaces).isEmpty, "\(language): \(key) is empty")
            }
        }
    }

    @Test func placeholdersAgreeAcrossLanguages() async throws {
        let catalogues = try await TestPortal.renderer().catalogues
        func placeholders(_ text: String) -> Set<String> {
            var names = Set<String>()
            var rest = Substring(text)
            while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
                names.insert(String(rest[rest.index(after: open)..<close]))
                rest = rest[rest.index(after: close)...]
            }
            return names
        }
        for (key, english) in catalogues[.en].messages {
            for language in PortalLanguage.allCases {
                #expect(placeholders(catalogues[language].text(key)) == placeholders(english), "\(language): \(key)")
            }
        }
    }

    /// Every `{{t.x.y}}` a template uses is a key of the catalogues.
    @Test func everyTemplateKeyExists() async throws {
        let directory = PortalResources.directory().appendingPathComponent("templates")
        let catalogue = try await TestPortal.renderer().catalogues[.en]
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".mustache") }
        #expect(files.count > 15)
        for file in files {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            var rest = Substring(text)
            while let range = rest.range(of: "t.") {
                let before = rest[..<range.lowerBound].last
                let key = rest[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
                if before == "{" || before == "#" || before == "^" || before == "/" {
                    #expect(catalogue.has(String(key)), "\(file): t.\(key)")
                }
                rest = rest[range.upperBound...]
            }
        }
    }

    /// The labels pages look up by an enum case's name exist for every case.
    @Test func everyStatusHasALabel() async throws {
        let catalogue = try await TestPortal.renderer().catalogues[.en]
        func check<E: CaseIterable>(_ prefix: String, _ type: E.Type) {
            for value in E.allCases {
                let key = "\(prefix).\(String(describing: value))"
                #expect(catalogue.has(key), "missing \(key)")
            }
        }
        check("cert_status", Nomad_Identity_V1_CertificationStatus.self)
        check("permit_status", Nomad_Identity_V1_PermitStatus.self)
        check("card_status", Nomad_Identity_V1_CardStatus.self)
        check("app_status", Nomad_Identity_V1_ApplicationStatus.self)
        check("nomad_status", Nomad_Identity_V1_NomadStatus.self)
        check("audience", Nomad_Identity_V1_Audience.self)
        check("channel", Nomad_Identity_V1_Channel.self)
        check("area", Nomad_Identity_V1_Area.self)
        check("order_status", Nomad_Jobs_V1_OrderStatus.self)
        check("milestone_status", Nomad_Jobs_V1_MilestoneStatus.self)
        check("job_mode", Nomad_Jobs_V1_JobMode.self)
        check("event_kind", Nomad_Events_V1_EventKind.self)
        check("event_status", Nomad_Events_V1_EventStatus.self)
        check("reg_status", Nomad_Events_V1_RegistrationStatus.self)
        check("ledger_kind", Nomad_Assets_V1_LedgerAccountKind.self)
        check("target_kind", Nomad_Analytics_V1_TargetKind.self)
    }

    @Test func poFileParsing() throws {
        let file = try POFile(
            parsing: """
                # a comment
                msgid ""
                msgstr ""
                "Language: en\\n"

                msgid "greeting"
                msgstr "Say \\"hello\\"\\n"
                "to {name}"
                """)
        #expect(file.messages == ["greeting": "Say \"hello\"\nto {name}"])
        #expect(throws: POFile.ParseError.self) { try POFile(parsing: "msgid \"a\"\nmsgstr \"1\"\nmsgid \"a\"\nmsgstr \"2\"") }
        #expect(throws: POFile.ParseError.self) { try POFile(parsing: "msgid \"a\"\nmsgid_plural \"as\"") }
        #expect(throws: POFile.ParseError.self) { try POFile(parsing: "msgid \"a\"") }
    }

    @Test func languageNegotiation() {
        #expect(PortalLanguage.negotiate(nil) == .zhCN)
        #expect(PortalLanguage.negotiate("") == .zhCN)
        #expect(PortalLanguage.negotiate("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7") == .ru)
        #expect(PortalLanguage.negotiate("ar-EG") == .ar)
        #expect(PortalLanguage.negotiate("de-DE,de;q=0.9,en;q=0.5") == .en)
        #expect(PortalLanguage.negotiate("zh-Hans-CN") == .zhCN)
        #expect(PortalLanguage.negotiate("en;q=0.3, ar;q=0.8") == .ar)
        #expect(PortalLanguage.negotiate("ru;q=0, en") == .en)
        #expect(PortalLanguage.negotiate("fr, de") == .zhCN)
        #expect(PortalLanguage.ar.direction == "rtl")
        #expect(PortalLanguage.ru.acceptLanguageHeader.hasSuffix("en;q=0.8"))
    }

    @Test func formattingFollowsTheLanguage() {
        let money = Nomad_Common_V1_Money.with {
            $0.currencyCode = "CNY"; $0.minorUnits = 123_456_78
        }
        let english = Formatting(language: .en).money(money)
        let russian = Formatting(language: .ru).money(money)
        #expect(english.contains("123,456.78"), "\(english)")
        #expect(russian.contains("456,78"), "\(russian)")
        #expect(Formatting(language: .en).number(1_234_567) == "1,234,567")
        let date = Date(timeIntervalSince1970: 1_780_000_000)
        #expect(Formatting(language: .zhCN).date(date).contains("年"))
        #expect(Formatting(language: .ru).date(date) != Formatting(language: .en).date(date))
    }

    /// A Russian page never shows a service's Chinese (or English) message:
    /// the portal's own text, by status code and field.
    @Test func serviceErrorsOnRussianPagesUseTheCatalogue() async throws {
        let catalogues = try await TestPortal.renderer().catalogues
        let chinese = RPCErrorSample.make(.invalidArgument, "字段 username 无效：须为 3 到 32 个小写字母")
        let ru = ServiceErrorText(chinese, operation: "register", catalogue: catalogues[.ru])
        #expect(ru.field == "username")
        #expect(ru.message.contains("Имя пользователя"), "\(ru.message)")
        #expect(!ru.message.contains("字段"))
        let taken = ServiceErrorText(
            RPCErrorSample.make(.alreadyExists, "Username is taken"), operation: "register", catalogue: catalogues[.ar])
        #expect(taken.message == catalogues[.ar].text("error.register.ALREADY_EXISTS"))
        let english = ServiceErrorText(
            RPCErrorSample.make(.invalidArgument, "Missing required field: evidence.skills"), operation: "x", catalogue: catalogues[.en])
        #expect(english.field == "skills")
        #expect(english.message == "Missing required field: evidence.skills")
        let down = ServiceErrorText(RPCErrorSample.make(.unavailable, "connection refused"), operation: "x", catalogue: catalogues[.en])
        #expect(down.message == catalogues[.en].text("error.code.UNAVAILABLE"))
    }
}

import GRPCCore
enum RPCErrorSample {
    static func make(_ code: RPCError.Code, _ message: String) -> RPCError { RPCError(code: code, message: message) }
}
