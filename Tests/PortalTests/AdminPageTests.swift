import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import Portal
import Testing

/// The administrators' pages refuse everyone else, and bad input, before any
/// service is asked (the test portal's services do not listen).
@Suite struct AdminPageTests {
    @Test func adminPagesAreForAdminsAndCheckTheirFormsFirst() async throws {
        let portal = try await TestPortal.make()
        var sessions: [String: String] = [:]
        for role in ["nomad", "enterprise", "officer", "admin"] {
            sessions[role] = try TestPortal.session(portal, role: role, department: role == "officer" ? "talent" : nil)
        }
        try await TestPortal.application(portal).test(.router) { [sessions] client in
            let browser = try await TestPortal.Visitor(client, sessions: sessions)
            let disable = "/admin/officers/\(UUID().uuidString)/disable"
            let pages: [(HTTPRequest.Method, String)] = [
                (.get, "/admin/officers"), (.post, "/admin/officers"), (.post, disable), (.get, "/admin/sites"), (.post, "/admin/sites"),
            ]
            for (method, path) in pages {
                let signedOut = try await browser.visit(method, path, as: nil)
                #expect(signedOut.status == .seeOther && signedOut.headers[.location]?.hasPrefix("/signin") == true, "\(path)")
                for role in ["nomad", "enterprise", "officer"] {
                    let response = try await browser.visit(method, path, as: role, form: "username=x&password=y&reason_x=z")
                    #expect(response.status == .forbidden, "\(role) \(method) \(path)")
                    #expect(TestPortal.body(response).contains("仅供管理员"), "\(role) \(path)")
                }
            }
            let refused: [(path: String, form: String, back: String)] = [
                ("/admin/officers", "username=&password=&display_name=&department=", "/admin/officers#create"),
                (disable, "reason=", "/admin/officers#officer-" + disable.split(separator: "/")[2]),
                ("/admin/sites", "name_zh=&name_en=&area=moon&address=&capacity=-1", "/admin/sites#create"),
                (
                    "/admin/sites", "name_zh=a&name_en=b&area=core&address=c&capacity=" + String(repeating: "9", count: 100),
                    "/admin/sites#create"
                ),
            ]
            for (path, form, back) in refused {
                let response = try await browser.visit(.post, path, as: "admin", form: form)
                #expect(response.status == .seeOther && response.headers[.location] == back, "\(path) \(form.prefix(40))")
                #expect(TestPortal.setCookies(response)[CookieName.flash] != nil, "\(path)")
            }
            #expect(
                try await browser.visit(.post, "/admin/officers/not-an-id/disable", as: "admin", form: "reason_x=y").status == .notFound)
        }
    }
}
