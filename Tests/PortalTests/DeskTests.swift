import Foundation
import NomadProtos
import Testing
@testable import Portal

/// Desk mode without services: what a scanner may type, what the desk shows
/// of a person, and the result page in every language.
@Suite struct DeskTests {
    @Test func scansAreCheckedBeforeAnyServiceIsAsked() throws {
        func problem(_ text: String?) -> DeskScan.Problem? {
            if case .failure(let failure) = DeskScan.check(text) { return failure.problem }
            return nil
        }
        #expect(problem(nil) == .empty)
        #expect(problem("  \r\n") == .empty)
        #expect(problem(String(repeating: "a", count: 5000) + ".b.c") == .tooLong)
        #expect(problem("hello") == .garbage)
        #expect(problem("<script>.a.b") == .garbage)
        #expect(problem("a.b") == .garbage)
        #expect(problem("第一.二.三") == .garbage)
        // A scanner's trailing newline is not part of the code.
        #expect(try DeskScan.check("eyJ0.eyJ1.c2ln\n").get() == "eyJ0.eyJ1.c2ln")
    }

    @Test func aTokensDeclaredTypePicksTheCredential() {
        func token(_ header: String) -> String {
            Data(header.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_") + ".e30.c2ln"
        }
        #expect(DeskScan.declaredType(token(#"{"alg":"EdDSA","typ":"card-qr","kid":"k1"}"#)) == "card-qr")
        #expect(DeskScan.declaredType(token(#"{"alg":"EdDSA","typ":"event-ticket"}"#)) == "event-ticket")
        #expect(DeskScan.declaredType("bm90IGpzb24.e30.c2ln") == nil)
    }

    @Test func cardNumbersAreMasked() {
        #expect(DeskMask.cardNumber("4604123456789012") == "4604 •••• •••• 9012")
        #expect(DeskMask.cardNumber("4604********9012") == "4604 •••• •••• 9012")
        #expect(!DeskMask.cardNumber("4604123456789012").contains("12345678"))
        #expect(DeskMask.cardNumber("123") == "••••")
    }

    /// The refused result in each language: the reason in words, the colour
    /// class, the masked number, and the scan field focused for the next one.
    @Test func resultPageInEveryLanguage() async throws {
        let portal = try await TestPortal.make()
        for language in PortalLanguage.allCases {
            var context = PortalContext.forTests
            context.language = language
            let catalogue = portal.catalogue(context)
            var page = ScanPage(
                kind: "site", action: "/desk/sites/x", place: ["text": "Xinying Bay", "lang": "en"],
                scanLabel: catalogue.text("desk.scan_card_label"))
            page.result = .refused(
                reason: DeskPages.refusalText(.cardSuspended, catalogue),
                holder: Holder(name: "Ana <b>", number: DeskMask.cardNumber("4604123456789012")))
            let html = portal.renderer.html(
                "desk_scan", titleKey: page.titleKey, titleValues: ["place": "Xinying Bay"], context: context,
                path: "/desk/sites/x", data: page.data(catalogue))
            #expect(html.contains("dir=\"\(language.direction)\""))
            #expect(html.contains("desk-refused") && html.contains("data-outcome=\"refused\""), "\(language)")
            #expect(html.contains(catalogue.text("desk.refusal.cardSuspended")), "\(language)")
            #expect(!html.contains("desk.refusal"), "\(language): untranslated")
            #expect(html.contains("4604 •••• •••• 9012") && !html.contains("4604123456789012"), "\(language)")
            #expect(html.contains("Ana &lt;b&gt;"), "\(language): the name is text")
            #expect(html.contains("id=\"scan\"") && html.contains("autofocus") && html.contains("for=\"scan\""), "\(language)")
            #expect(html.contains("id=\"desk-next\""), "\(language)")
            #expect(!html.contains("{{"), "\(language)")
        }
    }
}
