import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import Portal
import Testing

/// The wallet's forms refuse what they can before any service is asked (the
/// test portal's services do not listen, so a call would show "unavailable").
@Suite struct WalletPageTests {
    @Test func amountsAreWholePositiveNumbersAsPeopleTypeThem() {
        #expect(WalletPages.amount("25") == 25)
        #expect(WalletPages.amount(" 1 200 ") == 1200)
        #expect(WalletPages.amount("1,200") == 1200)
        for bad in [nil, "", "0", "-5", "abc", "١٢", "1e3", String(repeating: "9", count: 40)] as [String?] {
            #expect(WalletPages.amount(bad) == nil, "\(bad ?? "nil")")
        }
    }

    @Test func walletFormsAreForNomadsAndRefuseBadAmountsBeforeAnyCall() async throws {
        let portal = try await TestPortal.make()
        var sealed: [String: String] = [:]
        for role in ["nomad", "enterprise", "officer", "admin"] {
            sealed[role] = try portal.sealer.seal(
                Session(
                    accessToken: "t", accessExpires: Date().addingTimeInterval(3600), refreshToken: "r",
                    refreshExpires: Date().addingTimeInterval(7200), accountID: "a", username: "lin", displayName: "Lin",
                    role: role, foreign: false), purpose: CookieName.session)
        }
        let sessions = sealed
        let posts = ["/wallet/exchange", "/wallet/redeem", "/wallet/send", "/wallet/send/confirm"]
        try await TestPortal.application(portal).test(.router) { client in
            let (csrf, token) = try await TestPortal.csrf(client)
            func visit(_ method: HTTPRequest.Method, _ path: String, as role: String?, form: String = "") async throws -> TestResponse {
                var cookie = "\(CookieName.csrf)=\(csrf)"
                if let role { cookie += "; \(CookieName.session)=\(sessions[role] ?? "")" }
                return try await client.executeRequest(
                    uri: path, method: method,
                    headers: [.contentType: "application/x-www-form-urlencoded", .cookie: cookie],
                    body: method == .post ? ByteBuffer(string: form + "&_csrf=" + FormBody.encode(token)) : nil)
            }
            // Signed out: to sign-in; the other roles: refused, a crafted post too.
            let signedOut = try await visit(.get, "/wallet", as: nil)
            #expect(signedOut.status == .seeOther && signedOut.headers[.location] == "/signin?next=%2Fwallet")
            for role in ["enterprise", "officer", "admin"] {
                #expect(try await visit(.get, "/wallet", as: role).status == .forbidden, "\(role)")
                for path in posts {
                    let response = try await visit(.post, path, as: role, form: "pow_units=5&points=5&token=x&recipient=lin")
                    #expect(response.status == .forbidden, "\(role) \(path)")
                    #expect(TestPortal.body(response).contains("仅供数字游民"), "\(role) \(path)")
                }
            }
            // A nomad's bad amounts and empty fields go back to the form.
            let refused: [(path: String, form: String, back: String)] = [
                ("/wallet/exchange", "pow_units=abc", "/wallet#exchange"),
                ("/wallet/exchange", "pow_units=-3", "/wallet#exchange"),
                ("/wallet/redeem", "merchant_id=not-an-id&redeem_points=5", "/wallet#redeem"),
                ("/wallet/redeem", "merchant_id=\(UUID().uuidString)&redeem_points=0", "/wallet#redeem"),
                ("/wallet/send", "recipient=&send_points=5", "/wallet#send"),
                ("/wallet/send", "recipient=lin&send_points=" + String(repeating: "9", count: 5000), "/wallet#send"),
                ("/wallet/send/confirm", "points=5", "/wallet#send"),
                ("/wallet/send/confirm", "points=5&token=" + String(repeating: "x", count: 10_000), "/wallet#send"),
            ]
            for (path, form, back) in refused {
                let response = try await visit(.post, path, as: "nomad", form: form)
                #expect(response.status == .seeOther, "\(path) \(form.prefix(60))")
                #expect(response.headers[.location] == back, "\(path) \(form.prefix(60))")
                #expect(TestPortal.setCookies(response)[CookieName.flash] != nil, "\(path)")
            }
        }
    }
}
