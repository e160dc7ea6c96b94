import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import Portal
import Testing

/// The enterprise's job pages are for enterprises only, and the publish and
/// close forms refuse what they can before any service is asked (the test
/// portal's services do not listen, so a call would show "unavailable").
/// The whole flow against the real services is Tests/Browser/enterprise.py.
@Suite struct EnterprisePageTests {
    @Test func aDeadlineIsTheLastSecondOfTheDayInTheZone() throws {
        let date = try #require(EnterpriseJobPages.endOfDay("2027-03-01"))
        // 2027-03-01 23:59:59 +08:00 is 15:59:59 UTC.
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = .gmt
        let parts = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        #expect(parts.year == 2027 && parts.month == 3 && parts.day == 1 && parts.hour == 15 && parts.minute == 59 && parts.second == 59)
        for bad in [nil, "", "2027-02-30", "2027-13-01", "tomorrow", "1-1-1", "2027-03", "99999-01-01"] as [String?] {
            #expect(EnterpriseJobPages.endOfDay(bad) == nil, "\(bad ?? "nil")")
        }
    }

    @Test func jobPagesAreForEnterprisesAndRefuseIncompleteFormsBeforeAnyCall() async throws {
        let portal = try await TestPortal.make()
        var sessions: [String: String] = [:]
        for role in ["nomad", "enterprise", "officer", "admin"] { sessions[role] = try TestPortal.session(portal, role: role) }
        let job = UUID().uuidString.lowercased()
        let pages = ["/enterprise/jobs", "/enterprise/jobs/\(job)", "/enterprise/jobs/\(job)/gap/\(UUID().uuidString)"]
        let posts = ["/enterprise/jobs", "/enterprise/jobs/\(job)/close"]
        try await TestPortal.application(portal).test(.router) { [sessions] client in
            let browser = try await TestPortal.Visitor(client, sessions: sessions)
            let signedOut = try await browser.visit(.get, "/enterprise/jobs", as: nil)
            #expect(signedOut.status == .seeOther && signedOut.headers[.location] == "/signin?next=%2Fenterprise%2Fjobs")
            for role in ["nomad", "officer", "admin"] {
                for path in pages {
                    let response = try await browser.visit(.get, path, as: role)
                    #expect(response.status == .forbidden, "\(role) \(path)")
                    #expect(TestPortal.body(response).contains("仅供企业使用"), "\(role) \(path)")
                }
                for path in posts {
                    let response = try await browser.visit(.post, path, as: role, form: "title=x&reason=y")
                    #expect(response.status == .forbidden, "\(role) \(path)")
                }
            }
            // Malformed ids are not found before any call.
            #expect(try await browser.visit(.get, "/enterprise/jobs/not-a-job", as: "enterprise").status == .notFound)
            #expect(try await browser.visit(.get, "/enterprise/jobs/\(job)/gap/nobody", as: "enterprise").status == .notFound)
            // Incomplete forms go back with the fields marked.
            let complete =
                "title=Designer&description=Screens&skill_1=design.ui&level_1=3&mode=remoteOrder&seats=2&budget=5000&deadline=2099-01-31"
            let refused: [(path: String, form: String, back: String, field: String)] = [
                (
                    "/enterprise/jobs", complete.replacingOccurrences(of: "title=Designer", with: "title=%20"), "/enterprise/jobs#publish",
                    "title"
                ),
                (
                    "/enterprise/jobs", complete.replacingOccurrences(of: "skill_1=design.ui", with: "skill_1="),
                    "/enterprise/jobs#publish", "skill_1"
                ),
                (
                    "/enterprise/jobs", complete.replacingOccurrences(of: "level_1=3", with: "level_1=9"), "/enterprise/jobs#publish",
                    "level_1"
                ),
                (
                    "/enterprise/jobs", complete.replacingOccurrences(of: "mode=remoteOrder", with: "mode=openBounty"),
                    "/enterprise/jobs#publish", "mode"
                ),
                ("/enterprise/jobs", complete.replacingOccurrences(of: "seats=2", with: "seats=-2"), "/enterprise/jobs#publish", "seats"),
                (
                    "/enterprise/jobs", complete.replacingOccurrences(of: "budget=5000", with: "budget=lots"), "/enterprise/jobs#publish",
                    "budget"
                ),
                (
                    "/enterprise/jobs", complete.replacingOccurrences(of: "2099-01-31", with: "2099-02-30"), "/enterprise/jobs#publish",
                    "deadline"
                ),
                ("/enterprise/jobs/\(job)/close", "reason=%20", "/enterprise/jobs/\(job)#close", "reason"),
            ]
            for (path, form, back, field) in refused {
                let response = try await browser.visit(.post, path, as: "enterprise", form: form)
                #expect(response.status == .seeOther, "\(field)")
                #expect(response.headers[.location] == back, "\(field)")
                let cookie = try #require(TestPortal.setCookies(response)[CookieName.flash], "\(field)")
                let sealed = String(cookie.dropFirst(CookieName.flash.count + 1).prefix { $0 != ";" })
                let decoded = try #require(portal.sealer.open(Flash.self, from: sealed, purpose: CookieName.flash), "\(field)")
                #expect(decoded.errors[field] != nil, "\(field): \(decoded.errors)")
            }
        }
    }

    /// A nomad's work page and its posts are for nomads; a note too long is
    /// refused next to its field before any call.
    @Test func workPagesAreForNomadsAndRefuseALongNoteBeforeAnyCall() async throws {
        let portal = try await TestPortal.make()
        var sessions: [String: String] = [:]
        for role in ["nomad", "enterprise", "officer", "admin"] { sessions[role] = try TestPortal.session(portal, role: role) }
        let job = UUID().uuidString.lowercased()
        try await TestPortal.application(portal).test(.router) { [sessions] client in
            let browser = try await TestPortal.Visitor(client, sessions: sessions)
            let signedOut = try await browser.visit(.get, "/work", as: nil)
            #expect(signedOut.status == .seeOther && signedOut.headers[.location] == "/signin?next=%2Fwork")
            for role in ["enterprise", "officer", "admin"] {
                for path in ["/work", "/work/jobs/\(job)/gap"] {
                    #expect(try await browser.visit(.get, path, as: role).status == .forbidden, "\(role) \(path)")
                }
                for path in ["/work/jobs/\(job)/claim", "/work/jobs/\(job)/apply"] {
                    #expect(try await browser.visit(.post, path, as: role, form: "note=x").status == .forbidden, "\(role) \(path)")
                }
            }
            #expect(try await browser.visit(.post, "/work/jobs/nope/claim", as: "nomad").status == .notFound)
            #expect(try await browser.visit(.get, "/work/jobs/nope/gap", as: "nomad").status == .notFound)
            let long = String(repeating: "x", count: NomadWorkPages.maxNote + 1)
            let response = try await browser.visit(.post, "/work/jobs/\(job)/apply", as: "nomad", form: "note_\(job)=\(long)")
            #expect(response.status == .seeOther && response.headers[.location] == "/work#job-\(job)")
            let cookie = try #require(TestPortal.setCookies(response)[CookieName.flash])
            let sealed = String(cookie.dropFirst(CookieName.flash.count + 1).prefix { $0 != ";" })
            let flash = try #require(portal.sealer.open(Flash.self, from: sealed, purpose: CookieName.flash))
            #expect(flash.errors["note_\(job)"] != nil, "\(flash.errors)")
        }
    }
}
