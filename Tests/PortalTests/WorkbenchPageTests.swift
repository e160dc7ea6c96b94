import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import Portal
import Testing

/// The officers' workbench refuses, before any service is asked (the test
/// portal's services do not listen), everyone but officers, and an officer
/// of another department on a decision their department does not own.
@Suite struct WorkbenchPageTests {
    @Test func eachKindIsOfferedOnlyToTheDepartmentThatDecidesIt() {
        #expect(StaffQueue.kinds(of: "talent") == [.certification, .application])
        #expect(StaffQueue.kinds(of: "data") == [.application, .contribution])
        #expect(StaffQueue.kinds(of: "housing") == [.application])
    }

    @Test func overdueFirstThenTheOldest() {
        let now = Date()
        func item(_ id: String, ageDays: Double, overdue: Bool) -> StaffQueue.Item {
            StaffQueue.Item(
                kind: .application, id: id, applicantID: "a", title: [:], submitted: now.addingTimeInterval(-ageDays * 86400), due: nil,
                overdue: overdue, link: "")
        }
        let ordered = StaffQueue.ordered([
            item("new", ageDays: 1, overdue: false), item("late", ageDays: 2, overdue: true), item("old", ageDays: 9, overdue: false),
            item("later", ageDays: 5, overdue: true),
        ])
        #expect(ordered.map(\.id) == ["later", "late", "old", "new"])
    }

    @Test func workbenchPagesRefuseOthersBeforeAnyCall() async throws {
        let portal = try await TestPortal.make()
        func sealed(_ role: String, department: String? = nil) throws -> String {
            try portal.sealer.seal(
                Session(
                    accessToken: "t", accessExpires: Date().addingTimeInterval(3600), refreshToken: "r",
                    refreshExpires: Date().addingTimeInterval(7200), accountID: "a", username: "lin", displayName: "Lin",
                    role: role, foreign: false, department: department), purpose: CookieName.session)
        }
        let sessions = [
            "nomad": try sealed("nomad"), "enterprise": try sealed("enterprise"), "admin": try sealed("admin"),
            "housing": try sealed("officer", department: "housing"), "talent": try sealed("officer", department: "talent"),
        ]
        let certification = "/staff/certifications/\(UUID().uuidString)"
        let contribution = "/staff/contributions/\(UUID().uuidString)/review"
        try await TestPortal.application(portal).test(.router) { client in
            let (csrf, token) = try await TestPortal.csrf(client)
            func visit(_ method: HTTPRequest.Method, _ path: String, as who: String?, form: String = "") async throws -> TestResponse {
                var cookie = "\(CookieName.csrf)=\(csrf)"
                if let who { cookie += "; \(CookieName.session)=\(sessions[who] ?? "")" }
                return try await client.executeRequest(
                    uri: path, method: method, headers: [.contentType: "application/x-www-form-urlencoded", .cookie: cookie],
                    body: method == .post ? ByteBuffer(string: form + "&_csrf=" + FormBody.encode(token)) : nil)
            }
            let signedOut = try await visit(.get, "/staff/queue", as: nil)
            #expect(signedOut.status == .seeOther && signedOut.headers[.location]?.hasPrefix("/signin?next=") == true)
            // Not officers: the workbench and every decision are refused.
            for who in ["nomad", "enterprise", "admin"] {
                for (method, path) in [
                    (HTTPRequest.Method.get, "/staff/queue"), (.get, certification), (.post, certification + "/decide"),
                    (.post, contribution),
                    (.post, "/staff/applications/\(UUID().uuidString)/decide"), (.get, "/staff/documents/\(UUID().uuidString)"),
                ] {
                    let response = try await visit(method, path, as: who, form: "decision=approve")
                    #expect(response.status == .forbidden, "\(who) \(method) \(path)")
                    #expect(TestPortal.body(response).contains("仅供工作人员"), "\(who) \(path)")
                }
            }
            // An officer of another department: not the certifications, not the contributions.
            for (method, path) in [(HTTPRequest.Method.get, certification), (.post, certification + "/decide"), (.post, contribution)] {
                let response = try await visit(method, path, as: "housing", form: "decision=approve")
                #expect(response.status == .forbidden, "\(method) \(path)")
                #expect(TestPortal.body(response).contains("由其他部门审批"), "\(path)")
            }
            // The certifying department's form checks before asking identity.
            for (form, field) in [
                ("decision=", "decision"), ("decision=reject&reason=", "reason"),
                ("decision=request_documents&reason=x&deadline=2001-01-01", "deadline"),
            ] {
                let response = try await visit(.post, certification + "/decide", as: "talent", form: form)
                #expect(response.status == .seeOther && response.headers[.location] == certification, "\(form)")
                #expect(TestPortal.setCookies(response)[CookieName.flash] != nil, "\(field)")
            }
            let malformed = try await visit(.get, "/staff/certifications/not-an-id", as: "talent")
            #expect(malformed.status == .notFound)
        }
    }
}
