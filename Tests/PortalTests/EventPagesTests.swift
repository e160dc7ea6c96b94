import Foundation
import GRPCCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NomadProtos
import SwiftProtobuf
import Testing
@testable import Portal

/// The events pages' refusals happen before any service is asked (nothing
/// listens behind this portal, so a call would show "unavailable", not 403
/// or 404), and their templates render in every language.
@Suite struct EventPagesTests {
    /// Signed out: to sign-in, GET and POST alike. Enterprises, officers and
    /// admins: a crafted post to the nomads' register or cancel is refused
    /// with the 403 page, as is the nomads' page itself. Malformed ids: 404,
    /// for the public page as for a nomad's posts.
    @Test func refusalsComeBeforeAnyServiceIsAsked() async throws {
        let portal = try await TestPortal.make()
        var sessions: [String: String] = [:]
        for role in ["nomad", "enterprise", "officer", "admin"] { sessions[role] = try TestPortal.session(portal, role: role) }
        let roles = sessions
        let event = UUID().uuidString.lowercased()
        let registration = UUID().uuidString.lowercased()
        try await TestPortal.application(portal).test(.router) { client in
            let (csrf, token) = try await TestPortal.csrf(client)
            let form = "request_id=\(UUID().uuidString)&_csrf=" + FormBody.encode(token)
            func visit(_ method: HTTPRequest.Method, _ path: String, as role: String?, body: String? = nil) async throws -> TestResponse {
                var cookie = "\(CookieName.csrf)=\(csrf)"
                if let role { cookie += "; \(CookieName.session)=\(roles[role] ?? "")" }
                return try await client.executeRequest(
                    uri: path, method: method,
                    headers: [.contentType: "application/x-www-form-urlencoded", .cookie: cookie],
                    body: method == .post ? ByteBuffer(string: body ?? form) : nil)
            }
            let nomadsOnly: [(HTTPRequest.Method, String)] = [
                (.get, "/my/events"), (.post, "/events/\(event)/register"), (.post, "/my/events/\(registration)/cancel"),
            ]
            for (method, path) in nomadsOnly {
                let response = try await visit(method, path, as: nil)
                #expect(response.status == .seeOther, "\(method) \(path)")
                #expect(response.headers[.location]?.hasPrefix("/signin?next=") == true, "\(method) \(path)")
                for role in ["enterprise", "officer", "admin"] {
                    let refused = try await visit(method, path, as: role)
                    #expect(refused.status == .forbidden, "\(role) \(method) \(path)")
                    #expect(TestPortal.body(refused).contains("仅供数字游民"), "\(role) \(method) \(path)")  // zh-CN, the default
                    #expect(TestPortal.body(refused).contains("data-page=\"error\""), "\(role) \(method) \(path)")
                }
            }
            let malformed: [(HTTPRequest.Method, String, String?)] = [
                (.get, "/events/not-an-id", nil), (.get, "/events/\(event)x", "nomad"), (.get, "/events/%3Cscript%3E", "nomad"),
                (.post, "/events/12345/register", "nomad"), (.post, "/events/\(event.dropLast())/register", "nomad"),
                (.post, "/my/events/'%20OR%201=1/cancel", "nomad"), (.post, "/my/events/\(registration)0/cancel", "nomad"),
            ]
            for (method, path, role) in malformed {
                let response = try await visit(method, path, as: role)
                #expect(response.status == .notFound, "\(role ?? "anyone") \(method) \(path)")
                #expect(TestPortal.body(response).contains("页面不存在"), "\(method) \(path)")
                #expect(!TestPortal.body(response).contains("<script>"), "\(method) \(path)")
            }
            // A nomad's post without the form's token is refused like any other.
            for path in ["/events/\(event)/register", "/my/events/\(registration)/cancel"] {
                let response = try await visit(.post, path, as: "nomad", body: "request_id=\(UUID().uuidString)")
                #expect(response.status == .forbidden, "\(path)")
            }
        }
    }

    @Test func refusalsAndTheZonesDay() throws {
        #expect(EventPages.formRefusal(.init(code: .failedPrecondition, message: "closed")))
        #expect(EventPages.formRefusal(.init(code: .alreadyExists, message: "twice")))
        #expect(!EventPages.formRefusal(.init(code: .notFound, message: "gone")))
        #expect(!EventPages.formRefusal(.init(code: .permissionDenied, message: "no")))
        let day = EventPages.zoneToday(Date(timeIntervalSince1970: 1_779_998_400))  // 2026-05-28 20:00 UTC
        #expect(day.year == 2026 && day.month == 5 && day.day == 29, "the zone's day (UTC+8), not UTC's")
    }

    /// One event with a nomad's waitlisted registration, and the nomad's page
    /// with a confirmed one and its ticket, in every language.
    @Test func pagesRenderInEveryLanguage() async throws {
        let portal = try await TestPortal.make()
        let qr = try QRCode(text: "eyJhbGciOiJFZERTQSJ9." + String(repeating: "t", count: 300) + ".sig").svg(label: "ticket <x>")
        for language in PortalLanguage.allCases {
            var context = PortalContext.forTests
            context.language = language
            let catalogue = portal.catalogue(context)
            let format = Formatting(language: language)
            let waitlisted = EventPages.registrationView(
                .with {
                    $0.registrationID = "r1"; $0.status = .waitlisted; $0.waitlistPosition = 3
                }, catalogue, format)
            let event = portal.renderer.html(
                "event", titleKey: "event.page_title", titleValues: ["title": "Tide <b>"], context: context, path: "/events/e1",
                data: [
                    "id": "e1", "title": ["text": "Tide <b>", "lang": "en"], "description": ["text": "d", "lang": "en"],
                    "kind": "k", "start": "s", "end": "e", "place": ["address": "Hall <2>", "area": "Core"], "seats": "1/1",
                    "closes": "c", "yours": waitlisted,
                ])
            #expect(event.contains("dir=\"\(language.direction)\""))
            #expect(event.contains("Tide &lt;b&gt;") && !event.contains("Tide <b>"), "\(language): the title is text")
            #expect(event.contains(catalogue.text("my_events.position", ["n": format.number(3)])), "\(language)")
            #expect(!event.contains("register-submit"), "\(language): registered already, no button")
            // An address in its own script reads right inside an Arabic sentence.
            #expect(event.contains("<bdi>Hall &lt;2&gt;</bdi>" + catalogue.text("list.separator") + "Core"), "\(language)")
            let open = portal.renderer.html(
                "event", titleKey: "event.page_title", titleValues: ["title": "t"], context: context, path: "/events/e1",
                data: ["id": "e1", "canRegister": true, "full": true, "requestID": "q1"])
            #expect(open.contains("action=\"/events/e1/register\"") && open.contains("name=\"_csrf\" value=\"token\""), "\(language)")
            #expect(open.contains("name=\"request_id\" value=\"q1\"") && open.contains("id=\"event-full\""), "\(language)")
            #expect(open.contains(catalogue.text("event.join_waitlist")), "\(language)")

            var confirmed = EventPages.registrationView(
                .with {
                    $0.registrationID = "r2"; $0.status = .confirmed
                }, catalogue, format)
            confirmed["eventID"] = "e1"
            confirmed["title"] = ["text": "Tide", "lang": "en"]
            confirmed["qrSvg"] = qr
            confirmed["canCancel"] = true
            confirmed["requestID"] = "q2"
            let mine = portal.renderer.html(
                "my_events", titleKey: "my_events.title", context: context, path: "/my/events",
                data: ["registrations": [confirmed], "noMeetings": true, "scheduleTitle": "today"])
            #expect(mine.contains("id=\"reg-r2\"") && mine.contains("data-status=\"confirmed\""), "\(language)")
            #expect(mine.contains("<svg") && mine.contains("ticket &lt;x&gt;"), "\(language): the ticket's QR, its label escaped")
            #expect(mine.contains("action=\"/my/events/r2/cancel\"") && mine.contains("value=\"q2\""), "\(language)")
            #expect(mine.contains(catalogue.text("reg_status.confirmed")), "\(language)")
            for html in [event, open, mine] {
                #expect(!html.contains("{{"), "\(language)")
                for prefix in [">my_events.", ">event.", ">events.", ">reg_status.", ">event_status."] {
                    #expect(!html.contains(prefix), "\(language): untranslated \(prefix)")
                }
            }
        }
    }
}
