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
        var sessions: [String: String] = [:]
        for role in ["nomad", "enterprise", "officer", "admin"] { sessions[role] = try TestPortal.session(portal, role: role) }
        let posts = ["/wallet/exchange", "/wallet/redeem", "/wallet/send", "/wallet/send/confirm"]
        try await TestPortal.application(portal).test(.router) { [sessions] client in
            let browser = try await TestPortal.Visitor(client, sessions: sessions)
            // Signed out: to sign-in; the other roles: refused, a crafted post too.
            let signedOut = try await browser.visit(.get, "/wallet", as: nil)
            #expect(signedOut.status == .seeOther && signedOut.headers[.location] == "/signin?next=%2Fwallet")
            for role in ["enterprise", "officer", "admin"] {
                #expect(try await browser.visit(.get, "/wallet", as: role).status == .forbidden, "\(role)")
                for path in posts {
                    let response = try await browser.visit(.post, path, as: role, form: "pow_units=5&points=5&token=x&recipient=lin")
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
                let response = try await browser.visit(.post, path, as: "nomad", form: form)
                #expect(response.status == .seeOther, "\(path) \(form.prefix(60))")
                #expect(response.headers[.location] == back, "\(path) \(form.prefix(60))")
                #expect(TestPortal.setCookies(response)[CookieName.flash] != nil, "\(path)")
            }
        }
    }
}
