import Foundation
import GRPCCore
import Hummingbird
import NomadProtos
import SwiftProtobuf

/// The one-card: number, status, validity, and the QR a desk scans, drawn on
/// the server as SVG from identity's signed payload. The page reloads itself
/// (meta refresh) 30 seconds before the code expires, so the code on a phone
/// held up to a scanner is always valid without touching it; a plain link
/// does the same by hand, for browsers that ignore meta refresh.
enum CardPages {
    static func register(on router: RouterGroup<PortalContext>, portal: Portal) {
        router.get("/card") { request, context in try await card(request, context, portal) }
    }

    static func card(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try portal.requireNomad(context, request)
        let call = portal.call(context)
        let catalogue = portal.catalogue(context)
        let format = Formatting(language: context.language)
        let card: Nomad_Identity_V1_Card
        do {
            card = try await portal.backends.identity.getCard(.init(), metadata: call.metadata, options: call.options)
        } catch let error as RPCError where error.code == .notFound || error.code == .failedPrecondition {
            return portal.renderer.page("card", titleKey: "card.title", context: context, path: request.uri.path, data: ["noCard": true])
        }
        var data: [String: Any] = [
            "number": grouped(card.number),
            "holder": card.holderDisplayName,
            "status": View.label("card_status", String(describing: card.status), catalogue),
            "active": card.status == .active,
            "issued": format.date(card.issuedAt.date),
            "expires": format.date(card.expiresAt.date),
        ]
        if card.status == .active {
            let qr = try await portal.backends.identity.issueCardQr(.init(), metadata: call.metadata, options: call.options)
            let code = try QRCode(text: qr.payload)
            data["qrSvg"] = code.svg(label: catalogue.text("card.qr_label", ["number": grouped(card.number)]))
            data["qrExpires"] = format.dateTime(qr.expiresAt.date)
            data["refreshSeconds"] = max(15, Int(qr.expiresAt.date.timeIntervalSinceNow) - 30)
        }
        return portal.renderer.page("card", titleKey: "card.title", context: context, path: request.uri.path, data: data)
    }

    /// "4604123456789012" -> "4604 1234 5678 9012".
    static func grouped(_ number: String) -> String {
        var result = ""
        for (index, character) in number.enumerated() {
            if index > 0, index % 4 == 0 { result.append(" ") }
            result.append(character)
        }
        return result
    }
}
