import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NomadProtos
@testable import Portal
import Testing

/// The officers' workbench refuses, before any service is asked (the test
/// portal's services do not listen), everyone but officers, and an officer
/// of another department on a decision their department does not own.
@Suite struct WorkbenchPageTests {
    @Test func eachKindIsOfferedOnlyToTheDepartmentThatDecidesIt() {
        #expect(StaffQueue.kinds(of: "talent") == [.certification, .application])
        #expect(StaffQueue.kinds(of: "data") == [.application, .contribution, .poolAccess])
        #expect(StaffQueue.kinds(of: "investment_promotion") == [.application, .eventReward])
        #expect(StaffQueue.kinds(of: "exit_entry") == [.application, .permit])
        #expect(StaffQueue.kinds(of: "housing") == [.application])
    }

    /// Every kind and decision the workbench can show has its words (the
    /// catalogues all hold the same keys: I18nTests).
    @Test func everyKindAndDecisionHasALabel() async throws {
        let catalogue = try await TestPortal.renderer().catalogues[.en]
        for kind in StaffQueue.Kind.allCases { #expect(catalogue.has("queue.kind.\(kind.rawValue)"), "\(kind)") }
        for decision in ["approve", "accept", "grant", "reject", "request_documents"] {
            #expect(catalogue.has("queue.decision.\(decision)"), "\(decision)")
        }
        for kind in Nomad_Assets_V1_ContributionKind.allCases {
            #expect(catalogue.has("contribution_kind.\(String(describing: kind))"), "\(kind)")
        }
    }

    /// Templates read the catalogue as a tree ("queue.kind.permit" is
    /// `{{t.queue.kind.permit}}`), so a key that is also the start of another
    /// ("queue.decision" beside "queue.decision.approve") would show as a
    /// dictionary, not its text: no key may be both.
    @Test func noCatalogueKeyIsAlsoABranch() async throws {
        let keys = Set(try await TestPortal.renderer().catalogues[.en].messages.keys)
        let both = keys.filter { key in keys.contains { $0.hasPrefix(key + ".") } }
        #expect(both.isEmpty, "\(both.sorted())")
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
        let sessions = [
            "nomad": try TestPortal.session(portal, role: "nomad"), "enterprise": try TestPortal.session(portal, role: "enterprise"),
            "admin": try TestPortal.session(portal, role: "admin"),
            "housing": try TestPortal.session(portal, role: "officer", department: "housing"),
            "talent": try TestPortal.session(portal, role: "officer", department: "talent"),
        ]
        let certification = "/staff/certifications/\(UUID().uuidString)"
        let contribution = "/staff/decide/contribution/\(UUID().uuidString)"
        let permit = "/staff/decide/permit/\(UUID().uuidString)"
        let reward = "/staff/decide/event_reward/\(UUID().uuidString)"
        try await TestPortal.application(portal).test(.router) { client in
            let browser = try await TestPortal.Visitor(client, sessions: sessions)
            let signedOut = try await browser.visit(.get, "/staff/queue", as: nil)
            #expect(signedOut.status == .seeOther && signedOut.headers[.location]?.hasPrefix("/signin?next=") == true)
            // Not officers: the workbench and every decision are refused.
            for who in ["nomad", "enterprise", "admin"] {
                for (method, path) in [
                    (HTTPRequest.Method.get, "/staff/queue"), (.get, certification), (.post, certification + "/decide"),
                    (.post, contribution),
                    (.post, "/staff/decide/application/\(UUID().uuidString)"), (.get, "/staff/documents/\(UUID().uuidString)"),
                    (.post, permit),
                ] {
                    let response = try await browser.visit(method, path, as: who, form: "decision=approve")
                    #expect(response.status == .forbidden, "\(who) \(method) \(path)")
                    #expect(TestPortal.body(response).contains("仅供工作人员"), "\(who) \(path)")
                }
            }
            // An officer of another department: not the certifications, not the contributions.
            for (method, path) in [
                (HTTPRequest.Method.get, certification), (.post, certification + "/decide"), (.post, contribution), (.post, permit),
                (.post, reward),
            ] {
                let response = try await browser.visit(method, path, as: "housing", form: "decision=approve")
                #expect(response.status == .forbidden, "\(method) \(path)")
                #expect(TestPortal.body(response).contains("由其他部门审批"), "\(path)")
            }
            // The certifying department's form checks before asking identity.
            for (form, field) in [
                ("decision=", "decision"), ("decision=reject&reason=", "reason"),
                ("decision=request_documents&reason=x&deadline=2001-01-01", "deadline"),
            ] {
                let response = try await browser.visit(.post, certification + "/decide", as: "talent", form: form)
                #expect(response.status == .seeOther && response.headers[.location] == certification, "\(form)")
                #expect(TestPortal.setCookies(response)[CookieName.flash] != nil, "\(field)")
            }
            for (method, path) in [
                (HTTPRequest.Method.get, "/staff/certifications/not-an-id"), (.post, "/staff/decide/application/not-an-id"),
                (.post, "/staff/decide/no_such_kind/\(UUID().uuidString)"), (.post, "/staff/decide/certification/\(UUID().uuidString)"),
            ] {
                #expect(try await browser.visit(method, path, as: "talent", form: "decision=approve").status == .notFound, "\(path)")
            }
            #expect(try await browser.visit(.get, "/staff/audit?service=nowhere", as: "talent").status == .notFound)
            // In place: a decision and, to refuse, a reason, told before any call.
            for form in ["decision=", "decision=maybe", "decision=reject"] {
                let path = "/staff/decide/application/\(UUID().uuidString)"
                let response = try await browser.visit(.post, path, as: "housing", form: form)
                #expect(
                    response.status == .seeOther && response.headers[.location]?.hasPrefix("/staff/queue#application-") == true, "\(form)")
                #expect(TestPortal.setCookies(response)[CookieName.flash] != nil, "\(form)")
            }
        }
    }
}
