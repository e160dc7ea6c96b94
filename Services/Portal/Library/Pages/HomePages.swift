import Foundation
import GRPCCore
import Hummingbird
import NomadProtos
import SwiftProtobuf

/// A nomad's home: what waits for them across the five services, each with
/// a link to act. A service that does not answer leaves its items out and
/// the page says so; the rest still shows.
enum HomePages {
    static let soonDays = 30

    static func register(on router: RouterGroup<PortalContext>, portal: Portal) {
        router.get("/home") { request, context in try await home(request, context, portal) }
        router.post("/bounties/applications/:id/claim") { request, context in try await claim(request, context, portal) }
    }

    struct Item {
        let sortKey: Date
        let view: [String: Any]
    }

    static func home(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        let session = try portal.requireSession(context, request)
        guard session.isNomad else {
            return portal.renderer.page("home-other", titleKey: "home.title", context: context, path: request.uri.path)
        }
        let call = portal.call(context)
        let backends = portal.backends
        async let certifications = try? backends.identity.listCertifications(
            .with { $0.page.pageSize = 20 }, metadata: call.metadata, options: call.options)
        async let permits =
            session.foreign
            ? try? backends.identity.listPermits(.with { $0.page.pageSize = 20 }, metadata: call.metadata, options: call.options)
            : Nomad_Identity_V1_ListPermitsResponse()
        async let registrations = try? backends.events.listMyRegistrations(
            .with { $0.page.pageSize = 50 }, metadata: call.metadata, options: call.options)
        async let orders = try? backends.jobs.listOrders(
            .with {
                $0.status = .active; $0.page.pageSize = 50
            }, metadata: call.metadata, options: call.options)
        async let balances = try? backends.assets.getBalances(.init(), metadata: call.metadata, options: call.options)
        async let applications = try? backends.identity.listApplications(
            .with { $0.page.pageSize = 20 }, metadata: call.metadata, options: call.options)
        async let bountyApplications = try? backends.jobs.listMyBountyApplications(
            .with { $0.page.pageSize = 20 }, metadata: call.metadata, options: call.options)

        let catalogue = portal.catalogue(context)
        let format = Formatting(language: context.language)
        let now = Date()
        let soon = now.addingTimeInterval(Double(soonDays) * 86400)
        var items: [Item] = []
        var silent: [String] = []

        if let list = await certifications {
            for application in list.applications where application.status == .awaitingDocuments {
                let deadline = application.documentsDeadline.date
                items.append(
                    Item(
                        sortKey: deadline,
                        view: [
                            "kind": "documents",
                            "text": catalogue.text("home.documents_requested", ["date": format.timestamp(application.documentsDeadline)]),
                            "detail": application.decisionReason,
                            "link": "/certification/\(application.id)", "action": catalogue.text("home.act_documents"),
                            "urgent": deadline < now.addingTimeInterval(3 * 86400),
                        ]))
            }
        } else {
            silent.append(catalogue.text("service.identity"))
        }

        if let list = await permits {
            for permit in list.permits where permit.status == .approved && permit.hasValidUntil {
                guard let until = Formatting.date(of: permit.validUntil), until < soon else { continue }
                items.append(
                    Item(
                        sortKey: until,
                        view: [
                            "kind": "permit",
                            "text": catalogue.text("home.permit_expiring", ["date": format.day(permit.validUntil)]),
                            "link": "/permits#permit-\(permit.id)", "action": catalogue.text("home.act_permit"), "urgent": true,
                        ]))
            }
        } else {
            silent.append(catalogue.text("service.identity"))
        }

        if let list = await registrations {
            for registration in list.registrations
            where registration.status == .confirmed
                && registration.updateTime.seconds > registration.createTime.seconds
            {
                items.append(
                    Item(
                        sortKey: registration.updateTime.date,
                        view: [
                            "kind": "seat",
                            "text": catalogue.text("home.seat_confirmed", ["date": format.timestamp(registration.updateTime)]),
                            "link": "/my/events#reg-\(registration.registrationID)", "action": catalogue.text("home.act_events"),
                            "urgent": false,
                        ]))
            }
        } else {
            silent.append(catalogue.text("service.events"))
        }

        if let list = await orders {
            for order in list.orders {
                let pending = order.milestones.filter { $0.status == .pending }
                guard let next = pending.min(by: { $0.due.seconds < $1.due.seconds }) else { continue }
                items.append(
                    Item(
                        sortKey: next.due.date,
                        view: [
                            "kind": "order",
                            "text": catalogue.text("home.order_due", ["title": next.title, "date": format.timestamp(next.due)]),
                            "link": "/orders#order-\(order.orderID)", "action": catalogue.text("home.act_order"), "urgent": next.overdue,
                        ]))
            }
        } else {
            silent.append(catalogue.text("service.jobs"))
        }

        if let response = await balances {
            for account in response.accounts where account.kind == .points && account.spendable > 0 && account.hasNextExpiry {
                guard let expiry = Formatting.date(of: account.nextExpiry), expiry < soon else { continue }
                items.append(
                    Item(
                        sortKey: expiry,
                        view: [
                            "kind": "points",
                            "text": catalogue.text(
                                "home.points_expiring",
                                ["points": format.number(account.spendable), "date": format.day(account.nextExpiry)]),
                            "link": "/wallet", "action": catalogue.text("home.act_wallet"), "urgent": false,
                        ]))
            }
        } else {
            silent.append(catalogue.text("service.assets"))
        }

        if let list = await applications {
            for application in list.applications where application.status != .submitted && application.rating == 0 {
                items.append(
                    Item(
                        sortKey: application.decidedAt.date,
                        view: [
                            "kind": "rate",
                            "text": catalogue.text("home.rate_application", ["date": format.timestamp(application.decidedAt)]),
                            "link": "/applications#app-\(application.id)", "action": catalogue.text("home.act_rate"), "urgent": false,
                        ]))
            }
        }

        if let list = await bountyApplications {
            items += await bountyDecisions(
                list.applications, since: now.addingTimeInterval(-Double(soonDays) * 86400), portal, call, catalogue, format)
        } else {
            silent.append(catalogue.text("service.jobs"))
        }

        let sorted = items.sorted { $0.sortKey < $1.sortKey }.map(\.view)
        let latest = await certifications?.applications.first
        return portal.renderer.page(
            "home", titleKey: "home.title", context: context, path: request.uri.path,
            data: [
                "items": sorted, "nothing": sorted.isEmpty,
                "silent": Array(Set(silent)).sorted().joined(separator: catalogue.text("list.separator")),
                "someSilent": !silent.isEmpty,
                "certStatus": latest.map { View.label("cert_status", String(describing: $0.status), catalogue) }
                    ?? catalogue.text("home.not_applied"),
                "foreign": session.foreign,
                "requestID": UUID().uuidString,
            ])
    }

    /// A qualified application waits for the nomad to claim it; any other
    /// decision of the last `soonDays` is news with the reviewer's reason.
    static func bountyDecisions(
        _ applications: [Nomad_Jobs_V1_BountyApplication], since: Date,
        _ portal: Portal, _ call: Call, _ catalogue: Catalogue, _ format: Formatting
    ) async -> [Item] {
        let shown = applications.filter { application in
            application.status == .qualified
                || (application.status != .submitted && application.updateTime.date > since)
        }.prefix(5)
        var items: [Item] = []
        for application in shown {
            let bounty = try? await portal.backends.jobs.getBounty(
                .with { $0.bountyID = application.bountyID }, metadata: call.metadata, options: call.options)
            let title = bounty?.title ?? catalogue.text("home.bounty_untitled")
            let status = String(describing: application.status)
            var view: [String: Any] = [
                "kind": "bounty",
                "text": catalogue.text("home.bounty_\(status)", ["title": title, "date": format.timestamp(application.updateTime)]),
                "detail": application.reviewReason,
                "link": "/jobs#bounty-\(application.bountyID)", "action": catalogue.text("home.act_bounty"),
                "urgent": application.status == .qualified,
            ]
            if application.status == .qualified {
                view["claim"] = ["id": application.applicationID]
            }
            items.append(Item(sortKey: application.updateTime.date, view: view))
        }
        return items
    }

    /// Claims (揭榜) a qualified application's place; only as many win as the
    /// bounty has places, so a late claim is refused with the service's reason.
    static func claim(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try portal.requireNomad(context, request)
        let id = context.parameters.get("id") ?? ""
        guard UUID(uuidString: id) != nil else { throw PageError.notFound }
        do {
            let call = portal.call(context)
            _ = try await portal.backends.jobs.claimBounty(
                .with {
                    $0.requestID = AccountPages.requestID(context.form)
                    $0.applicationID = id
                }, metadata: call.metadata, options: call.options)
        } catch let error as RPCError where error.code != .unavailable && error.code != .unauthenticated && error.code != .deadlineExceeded
        {
            throw portal.backToForm("/home", context: context, error: error, operation: "claim")
        }
        throw portal.done("/home", notice: "home.bounty_claimed")
    }
}
