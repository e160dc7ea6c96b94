import Foundation
import GRPCCore
import Hummingbird
import NomadProtos
import SwiftProtobuf

/// Read-only pages the home page links to: a nomad's orders (with their
/// milestones and due dates) and their ledger balances (with expiry).
enum WalletPages {
    static func register(on router: RouterGroup<PortalContext>, portal: Portal) {
        router.get("/orders") { request, context in try await orders(request, context, portal) }
        router.get("/wallet") { request, context in try await wallet(request, context, portal) }
    }

    static func orders(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try portal.requireNomad(context, request)
        let call = portal.call(context)
        let orders = try await portal.backends.jobs.listOrders(
            .with { $0.page.pageSize = 50 }, metadata: call.metadata, options: call.options
        ).orders
        let catalogue = portal.catalogue(context)
        let format = Formatting(language: context.language)
        let views: [[String: Any]] = orders.map { order in
            [
                "id": order.orderID,
                "status": View.label("order_status", String(describing: order.status), catalogue),
                "created": format.timestamp(order.createTime),
                "milestones": order.milestones.map { milestone in
                    [
                        "title": milestone.title, "due": format.timestamp(milestone.due),
                        "amount": format.money(milestone.amount), "overdue": milestone.overdue,
                        "status": View.label("milestone_status", String(describing: milestone.status), catalogue),
                    ] as [String: Any]
                },
            ]
        }
        return portal.renderer.page(
            "orders", titleKey: "orders.title", context: context, path: request.uri.path, data: ["orders": views, "none": views.isEmpty])
    }

    static func wallet(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try portal.requireNomad(context, request)
        let call = portal.call(context)
        let accounts = try await portal.backends.assets.getBalances(.init(), metadata: call.metadata, options: call.options).accounts
        let catalogue = portal.catalogue(context)
        let format = Formatting(language: context.language)
        let views: [[String: Any]] = accounts.map { account in
            [
                "kind": View.label("ledger_kind", String(describing: account.kind), catalogue),
                "balance": format.number(account.balance),
                "spendable": format.number(account.spendable),
                "nextExpiry": account.hasNextExpiry ? format.day(account.nextExpiry) : "",
            ]
        }
        return portal.renderer.page(
            "wallet", titleKey: "wallet.title", context: context, path: request.uri.path, data: ["accounts": views, "none": views.isEmpty])
    }
}
