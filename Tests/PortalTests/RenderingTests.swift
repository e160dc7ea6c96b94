import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import Portal

@Suite struct RenderingTests {
    static let attack = "\"><script>alert('x')</script><img src=x onerror=alert(1)>"

    /// What someone typed comes back escaped, in every field a form keeps.
    @Test func typedValuesAreEscaped() async throws {
        let portal = try await TestPortal.make()
        var context = PortalContext.forTests
        context.flash = Flash(
            errors: ["username": Self.attack],
            values: ["username": Self.attack, "display_name": Self.attack, "nationality": Self.attack],
            notice: Self.attack, noticeIsError: true)
        for template in ["signin", "register-nomad", "register-enterprise"] {
            let html = portal.renderer.html(
                template, titleKey: "signin.title", context: context, path: "/x",
                data: ["foreign": true, "kind": "foreign", "next": Self.attack])
            #expect(!html.contains("<script>"), "\(template)")
            #expect(!html.contains("<img src=x"), "\(template)")
            #expect(html.contains("&lt;script&gt;"), "\(template)")
            #expect(html.contains("id=\"username-error\""), "\(template): the error sits by its field")
        }
    }

    /// Raw output ({{{...}}}) only for the SVG the portal draws itself.
    @Test func templatesUseRawOutputOnlyForServerSVG() throws {
        let directory = PortalResources.directory().appendingPathComponent("templates")
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            var rest = Substring(text)
            while let range = rest.range(of: "{{{") {
                let name = rest[range.upperBound...].prefix { $0 != "}" }
                #expect(["chartSvg", "qrSvg"].contains(String(name)), "\(file): raw \(name)")
                rest = rest[range.upperBound...]
            }
            // Scripts only as our own files (CSP script-src 'self'), never inline.
            let scripts = text.components(separatedBy: "<script").dropFirst()
            #expect(scripts.allSatisfy { $0.hasPrefix(" src=\"/static/") && $0.contains("></script>") }, "\(file): no inline scripts")
            #expect(!text.contains(" style=\""), "\(file): no inline styles (CSP)")
        }
    }

    @Test func everyFieldHasALabelAndAnIDInEveryLanguage() async throws {
        let portal = try await TestPortal.make()
        for language in PortalLanguage.allCases {
            var context = PortalContext.forTests
            context.language = language
            for template in ["signin", "register-nomad", "register-enterprise", "password"] {
                let html = portal.renderer.html(template, titleKey: "signin.title", context: context, path: "/", data: ["foreign": true])
                for input in html.components(separatedBy: "<input").dropFirst() {
                    let tag = input.prefix { $0 != ">" }
                    if tag.contains("type=\"hidden\"") { continue }
                    guard let idRange = tag.range(of: "id=\"") else {
                        Issue.record("\(language) \(template): input without id: \(tag)")
                        continue
                    }
                    let id = tag[idRange.upperBound...].prefix { $0 != "\"" }
                    #expect(tag.contains("name=\""), "\(template): \(id) has a name")
                    #expect(html.contains("for=\"\(id)\""), "\(language) \(template): \(id) has a label")
                }
                #expect(!html.contains("{{"), "\(template): unrendered tag")
                #expect(!html.contains(">nav.") && !html.contains(">field."), "\(language) \(template): untranslated key")
            }
        }
    }

    @Test func qrCodeIsDrawnAsSVG() throws {
        let payload = "eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0." + String(repeating: "x", count: 280) + ".sig"
        let code = try QRCode(text: payload)
        #expect(code.size >= 21 && (code.size - 17) % 4 == 0, "a QR symbol is 17 + 4v modules wide")
        // The three finder patterns: dark corners.
        #expect(code.isDark(x: 0, y: 0) && code.isDark(x: code.size - 1, y: 0) && code.isDark(x: 0, y: code.size - 1))
        let svg = code.svg(label: "card <1234>")
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.contains("role=\"img\""))
        #expect(svg.contains("<title>card &lt;1234&gt;</title>"))
        #expect(!svg.contains("<1234>"))
    }

    @Test func barChartEscapesAndMirrors() {
        let bars = [
            BarChart.Bar(label: "<b>visits</b>", share: 0.5, caption: "1 of 2"), BarChart.Bar(label: "tax", share: 2, caption: "x"),
        ]
        let ltr = BarChart(bars: bars, title: "Targets & <progress>", rightToLeft: false).svg()
        let rtl = BarChart(bars: bars, title: "t", rightToLeft: true).svg()
        #expect(ltr.contains("&lt;b&gt;visits"))
        #expect(!ltr.contains("<b>"))
        #expect(ltr.contains("<title id=\"chart-title\">Targets &amp; &lt;progress&gt;</title>"))
        #expect(ltr.contains("direction=\"ltr\""))
        #expect(rtl.contains("direction=\"rtl\""))
        // Mirrored: the first label sits near the right edge in RTL.
        #expect(ltr.contains("<text x=\"10.0\""))
        #expect(rtl.contains("<text x=\"630.0\""))
    }
}

extension PortalContext {
    /// A context as the middleware leaves it, without a request behind it.
    static var forTests: PortalContext {
        PortalContext(language: .en, csrfToken: "token")
    }
}
