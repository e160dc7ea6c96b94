import Foundation
import GRPCCore
import Hummingbird
import NomadProtos
import SwiftProtobuf

/// A nomad's orders (with their milestones and due dates), and their wallet:
/// balances with the lots that expire first, the points statement, and what
/// a nomad does with points: exchange POW for them, redeem them at a
/// merchant, send them to a person by card number or username (looked up,
/// shown masked, confirmed, then sent).
enum WalletPages {
    static func register(on router: RouterGroup<PortalContext>, portal: Portal) {
        router.get("/orders") { request, context in try await orders(request, context, portal) }
        router.get("/wallet") { request, context in try await wallet(request, context, portal) }
        router.post("/wallet/exchange") { request, context in try await exchange(request, context, portal) }
        router.post("/wallet/redeem") { request, context in try await redeem(request, context, portal) }
        router.post("/wallet/send") { request, context in try await findRecipient(request, context, portal) }
        router.post("/wallet/send/confirm") { request, context in try await send(request, context, portal) }
    }

    static func orders(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try portal.requireNomad(context, request)
        let call = portal.call(context)
        let orders = try await portal.backends.jobs.listOrders(
            .with { $0.page.pageSize = 50 }, metadata: call.metadata, options: call.options
        ).orders
        // Each order's job by name: its title is what the nomad recognises.
        let titles = await withTaskGroup(of: (String, String)?.self) { group in
            for jobID in Set(orders.map(\.jobID)) {
                group.addTask {
                    let job = try? await portal.backends.jobs.getJob(
                        .with { $0.jobID = jobID }, metadata: call.metadata, options: call.options)
                    return job.map { (jobID, $0.title) }
                }
            }
            var titles: [String: String] = [:]
            for await pair in group { if let (id, title) = pair { titles[id] = title } }
            return titles
        }
        let catalogue = portal.catalogue(context)
        let format = Formatting(language: context.language)
        let views: [[String: Any]] = orders.map { order in
            [
                "id": order.orderID, "job": titles[order.jobID] ?? "",
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
        async let rateCall = portal.backends.assets.getExchangeRate(.init(), metadata: call.metadata, options: call.options)
        async let merchantsCall = portal.backends.assets.listMerchants(
            .with { $0.page.pageSize = 100 }, metadata: call.metadata, options: call.options)
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
        var data: [String: Any] = ["accounts": views, "none": views.isEmpty, "requestID": UUID().uuidString]
        let pow = accounts.first { $0.kind == .pow }
        let points = accounts.first { $0.kind == .points }
        data["hasPow"] = (pow?.balance ?? 0) > 0
        data["hasPoints"] = (points?.spendable ?? 0) > 0
        if let rate = try? await rateCall {
            data["rate"] = catalogue.text(
                "wallet.rate",
                ["points": format.number(rate.pointsPerPow), "days": format.number(Int(rate.pointsValidDays))])
        }
        let merchants = (try? await merchantsCall.merchants) ?? []
        let chosen = context.flash?.values["merchant_id"] ?? ""
        data["merchants"] = merchants.map { merchant in
            [
                "id": merchant.merchantID, "name": View.text(merchant.name, context.language),
                "scene": View.label("scene", merchant.scene, catalogue), "selected": merchant.merchantID == chosen,
            ] as [String: Any]
        }
        data["hasMerchants"] = !merchants.isEmpty
        data["hasLines"] = false
        if let points {
            let statement = try await portal.backends.assets.listStatement(
                .with {
                    $0.accountID = points.accountID
                    $0.page.pageSize = 20
                    $0.newestFirst = true
                }, metadata: call.metadata, options: call.options)
            data["lines"] = statement.lines.map { line -> [String: Any] in
                let kindKey = "ledger_tx.\(line.transactionKind)"
                return [
                    "posted": format.timestamp(line.postedAt),
                    "kind": catalogue.has(kindKey) ? catalogue.text(kindKey) : line.transactionKind,
                    "amount": (line.amount > 0 ? "+" : "") + format.number(line.amount),
                    "credit": line.amount > 0,
                    "balance": format.number(line.runningBalance),
                    // Only what a person wrote: a system entry's memo is the
                    // ledger's own English note, which the kind already says.
                    "memo": Self.personalMemoKinds.contains(line.transactionKind) ? line.memo : "",
                ]
            }
            data["hasLines"] = !statement.lines.isEmpty
        }
        return portal.renderer.page("wallet", titleKey: "wallet.title", context: context, path: request.uri.path, data: data)
    }

    /// The ledger kinds whose memo a nomad typed (a transfer, a payment).
    static let personalMemoKinds: Set<String> = ["points.transferred", "points.redeemed"]

    /// A whole number of units from 1 up, as typed (spaces and group
    /// separators forgiven); nil for anything else.
    static func amount(_ text: String?) -> Int64? {
        let digits = (text ?? "").filter { !$0.isWhitespace && $0 != "," && $0 != "." && $0 != "\u{00A0}" && $0 != "\u{202F}" }
        guard !digits.isEmpty, digits.count <= 13, digits.allSatisfy(\.isASCII), let value = Int64(digits), value > 0 else { return nil }
        return value
    }

    static func exchange(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try portal.requireNomad(context, request)
        guard let pow = amount(context.form["pow_units"]) else {
            throw portal.backToForm("/wallet#exchange", context: context, errors: ["pow_units": "wallet.whole_number"])
        }
        let catalogue = portal.catalogue(context)
        let format = Formatting(language: context.language)
        let exchanged: Nomad_Assets_V1_ExchangePowResponse
        do {
            let call = portal.call(context)
            exchanged = try await portal.backends.assets.exchangePow(
                .with {
                    $0.requestID = AccountPages.requestID(context.form)
                    $0.powUnits = pow
                }, metadata: call.metadata, options: call.options)
        } catch let error as RPCError where error.code != .unavailable && error.code != .unauthenticated && error.code != .deadlineExceeded
        {
            throw portal.backToForm(
                "/wallet#exchange", context: context, error: error, operation: "exchange", fieldMap: ["pow_units": "pow_units"])
        }
        throw portal.done(
            "/wallet",
            notice: catalogue.text(
                "wallet.exchanged",
                ["pow": format.number(pow), "points": format.number(exchanged.points), "until": format.day(exchanged.pointsExpireOn)]))
    }

    static func redeem(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try portal.requireNomad(context, request)
        let merchant = context.form["merchant_id"] ?? ""
        var errors: [String: String] = [:]
        if UUID(uuidString: merchant) == nil { errors["merchant_id"] = "wallet.choose_merchant" }
        let points = amount(context.form["redeem_points"])
        if points == nil { errors["redeem_points"] = "wallet.whole_number" }
        guard errors.isEmpty, let points else { throw portal.backToForm("/wallet#redeem", context: context, errors: errors) }
        do {
            let call = portal.call(context)
            _ = try await portal.backends.assets.redeemPoints(
                .with {
                    $0.requestID = AccountPages.requestID(context.form)
                    $0.merchantID = merchant
                    $0.points = points
                    $0.memo = oneLine(context.form["redeem_memo"])
                }, metadata: call.metadata, options: call.options)
        } catch let error as RPCError where error.code != .unavailable && error.code != .unauthenticated && error.code != .deadlineExceeded
        {
            throw portal.backToForm(
                "/wallet#redeem", context: context, error: error, operation: "redeem",
                fieldMap: ["points": "redeem_points", "merchant_id": "merchant_id", "memo": "redeem_memo"])
        }
        let format = Formatting(language: context.language)
        throw portal.done("/wallet", notice: portal.catalogue(context).text("wallet.redeemed", ["points": format.number(points)]))
    }

    /// Step one of sending: who is it? The answer is a page to confirm on,
    /// with the recipient's masked name and card: money does not move on a
    /// mistyped digit.
    static func findRecipient(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try portal.requireNomad(context, request)
        let recipient = (context.form["recipient"] ?? "").trimmingCharacters(in: .whitespaces)
        var errors: [String: String] = [:]
        if recipient.isEmpty { errors["recipient"] = "form.required" }
        let points = amount(context.form["send_points"])
        if points == nil { errors["send_points"] = "wallet.whole_number" }
        guard errors.isEmpty, let points else { throw portal.backToForm("/wallet#send", context: context, errors: errors) }
        // Digits (in groups, as printed on the card) are a card number;
        // anything else is a username.
        let isCardNumber = recipient.allSatisfy { $0.isASCII && ($0.isNumber || $0 == " " || $0 == "-") }
        let found: Nomad_Identity_V1_PointsRecipient
        do {
            let call = portal.call(context)
            found = try await portal.backends.identity.findPointsRecipient(
                .with {
                    if isCardNumber { $0.cardNumber = recipient } else { $0.username = recipient }
                }, metadata: call.metadata, options: call.options)
        } catch let error as RPCError where error.code != .unavailable && error.code != .unauthenticated && error.code != .deadlineExceeded
        {
            throw portal.backToForm(
                "/wallet#send", context: context, error: error, operation: "send_points",
                fieldMap: ["card_number": "recipient", "username": "recipient"])
        }
        let format = Formatting(language: context.language)
        return portal.renderer.page(
            "wallet-send", titleKey: "wallet.send_confirm_title", context: context, path: request.uri.path,
            data: [
                "name": found.displayName, "card": found.cardNumberMasked, "points": format.number(points), "pointsValue": String(points),
                "memo": oneLine(context.form["send_memo"]), "token": found.token, "requestID": AccountPages.requestID(context.form),
                "expires": format.dateTime(found.expiresAt.date),
            ])
    }

    static func send(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try portal.requireNomad(context, request)
        let token = context.form["token"] ?? ""
        guard let points = amount(context.form["points"]), !token.isEmpty, token.utf8.count <= 4096 else {
            throw portal.backToForm("/wallet#send", context: context, errors: ["recipient": "wallet.send_again"], keep: [:])
        }
        // Isolated, so a right-to-left sentence does not reorder "林*" around it.
        let name = String((context.form["name"] ?? "").prefix(100))
        do {
            let call = portal.call(context)
            _ = try await portal.backends.assets.transferPoints(
                .with {
                    $0.requestID = AccountPages.requestID(context.form)
                    $0.toRecipientToken = token
                    $0.points = points
                    $0.memo = oneLine(context.form["memo"])
                }, metadata: call.metadata, options: call.options)
        } catch let error as RPCError where error.code != .unavailable && error.code != .unauthenticated && error.code != .deadlineExceeded
        {
            throw portal.backToForm(
                "/wallet#send", context: context, error: error, operation: "send_points",
                fieldMap: ["to_recipient_token": "recipient", "points": "send_points", "memo": "send_memo"], keep: [:])
        }
        let format = Formatting(language: context.language)
        throw portal.done(
            "/wallet",
            notice: portal.catalogue(context).text("wallet.sent", ["points": format.number(points), "name": "\u{2068}\(name)\u{2069}"]))
    }

    static func oneLine(_ text: String?) -> String {
        String(
            (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                .replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ").prefix(200))
    }
}
