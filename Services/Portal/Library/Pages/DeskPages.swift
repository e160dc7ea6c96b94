import Foundation
import GRPCCore
import Hummingbird
import NomadProtos
import SwiftProtobuf

/// Desk mode, for a tablet and a USB QR scanner that types what it reads
/// into the focused field and presses Enter: a community site's desk scans a
/// one-card QR (identity's `VerifyCard` with the site, which records the
/// visit), an event's gate scans a ticket or a one-card QR (events'
/// `CheckIn`). The post answers with the result page itself rather than a
/// redirect: the result is for this scan only, should not outlive it in a
/// cookie, and the page carries the focused scan field again, so the next
/// person is one scan away. A reload re-posts the same `request_id`, which
/// the services answer with the first result and record nothing new.
enum DeskPages {
    static func register(on router: RouterGroup<PortalContext>, portal: Portal) {
        router.get("/desk") { request, context in try await index(request, context, portal) }
        router.get("/desk/sites/:id") { request, context in try await site(request, context, portal, scan: false) }
        router.post("/desk/sites/:id") { request, context in try await site(request, context, portal, scan: true) }
        router.post("/desk/sites/:id/username") { request, context in try await siteByUsername(request, context, portal) }
        router.get("/desk/events/:id") { request, context in try await gate(request, context, portal, scan: false) }
        router.post("/desk/events/:id") { request, context in try await gate(request, context, portal, scan: true) }
    }

    // MARK: - choosing a desk

    static func index(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        let session = try portal.requireDesk(context, request)
        let call = portal.call(context)
        let format = Formatting(language: context.language)
        var data: [String: Any] = [:]
        if Portal.siteDeskRoles.contains(session.role) {
            let sites = try await siteList(portal, context)
            data["sites"] = sites.map { site in
                ["id": site.id, "name": View.text(site.name, context.language), "address": site.address, "path": "/desk/sites/\(site.id)"]
            }
        }
        if Portal.gateDeskRoles.contains(session.role) {
            // Gates open from the day before an event starts; an organizer
            // sees their own events only, as CheckIn would allow no other.
            let events = try await portal.backends.events.listEvents(
                .with {
                    $0.startsAfter = .init(date: Date().addingTimeInterval(-86400))
                    $0.organizedByMe = session.role == "enterprise"
                    $0.page.pageSize = 50
                }, metadata: call.metadata, options: call.options
            ).events
            data["events"] = events.sorted { $0.startTime.seconds < $1.startTime.seconds }.map { event in
                [
                    "id": event.eventID, "title": View.text(event.title, context.language),
                    "start": format.timestamp(event.startTime), "path": "/desk/events/\(event.eventID)",
                ] as [String: Any]
            }
        }
        data["showSites"] = Portal.siteDeskRoles.contains(session.role)
        data["showEvents"] = Portal.gateDeskRoles.contains(session.role)
        return portal.renderer.page("desk", titleKey: "desk.title", context: context, path: request.uri.path, data: data)
    }

    static func siteList(_ portal: Portal, _ context: PortalContext) async throws -> [Nomad_Identity_V1_Site] {
        try await PublicPages.read("sites", portal, context) { call in
            try await portal.backends.identity.listSites(.with { $0.page.pageSize = 100 }, metadata: call.metadata, options: call.options)
                .sites
        }
    }

    // MARK: - a community site's desk

    /// The site desk's page for the site in the path, after the desk check.
    static func sitePage(
        _ request: Request, _ context: PortalContext, _ portal: Portal
    ) async throws -> (page: ScanPage, id: String, name: [String: String]) {
        _ = try portal.requireSiteDesk(context, request)
        let id = context.parameters.get("id") ?? ""
        guard UUID(uuidString: id) != nil, let site = try await siteList(portal, context).first(where: { $0.id == id }) else {
            throw PageError.notFound
        }
        let name = View.text(site.name, context.language)
        var page = ScanPage(
            kind: "site", action: "/desk/sites/\(id)", place: name, scanLabel: portal.catalogue(context).text("desk.scan_card_label"))
        page.usernameAction = "/desk/sites/\(id)/username"
        return (page, id, name)
    }

    static func site(_ request: Request, _ context: PortalContext, _ portal: Portal, scan: Bool) async throws -> Response {
        let desk = try await sitePage(request, context, portal)
        var page = desk.page
        let (id, name) = (desk.id, desk.name)
        let catalogue = portal.catalogue(context)
        guard scan else { return page.render(portal, context, request) }
        let payload: String
        switch DeskScan.check(context.form["scan"]) {
        case .failure(let problem): return page.refuse(problem, portal, context, request)
        case .success(let text): payload = text
        }
        let call = portal.call(context)
        let answer: Nomad_Identity_V1_VerifyCardResponse
        do {
            answer = try await portal.backends.identity.verifyCard(
                .with {
                    $0.requestID = AccountPages.requestID(context.form)
                    $0.qrPayload = payload
                    $0.siteID = id
                }, metadata: call.metadata, options: call.options)
        } catch let error as RPCError where error.code == .invalidArgument {
            page.result = .refused(reason: ServiceErrorText(error, operation: "desk_verify", catalogue: catalogue).message)
            return page.render(portal, context, request)
        }
        let holder = answer.hasCard ? Holder(name: answer.card.holderDisplayName, number: DeskMask.cardNumber(answer.card.number)) : nil
        if answer.valid {
            let recorded = catalogue.text(answer.visitRecorded ? "desk.visit_recorded" : "desk.visit_already", ["site": name["text"] ?? ""])
            page.result = .admitted(holder: holder, recorded: recorded, fresh: answer.visitRecorded)
        } else {
            page.result = .refused(reason: refusalText(answer.refusal, catalogue), holder: holder)
        }
        return page.render(portal, context, request)
    }

    /// A registered nomad without a one-card yet: the desk types their
    /// username (identity's `RecordSiteVisit`), so their visit counts too.
    static func siteByUsername(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        let desk = try await sitePage(request, context, portal)
        var page = desk.page
        let (id, name) = (desk.id, desk.name)
        let catalogue = portal.catalogue(context)
        let username = (context.form["username"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !username.isEmpty, username.count <= 64 else {
            page.usernameError = catalogue.text("desk.username_empty")
            return page.render(portal, context, request, status: .badRequest)
        }
        let call = portal.call(context)
        do {
            let answer = try await portal.backends.identity.recordSiteVisit(
                .with {
                    $0.requestID = AccountPages.requestID(context.form)
                    $0.siteID = id
                    $0.username = username
                }, metadata: call.metadata, options: call.options)
            let recorded = catalogue.text(answer.visitRecorded ? "desk.visit_recorded" : "desk.visit_already", ["site": name["text"] ?? ""])
            page.admittedVerdictKey = "desk.verdict.registered"
            page.result = .admitted(holder: Holder(name: answer.displayName, number: ""), recorded: recorded, fresh: answer.visitRecorded)
        } catch let error as RPCError where [.invalidArgument, .notFound].contains(error.code) {
            page.result = .refused(reason: ServiceErrorText(error, operation: "desk_visit_username", catalogue: catalogue).message)
        }
        return page.render(portal, context, request)
    }

    /// The portal's own sentence for each refusal, in all four languages
    /// (identity writes zh-CN and en only).
    static func refusalText(_ refusal: Nomad_Identity_V1_CardRefusal, _ catalogue: Catalogue) -> String {
        let key = "desk.refusal.\(String(describing: refusal))"
        return catalogue.has(key) ? catalogue.text(key) : catalogue.text("desk.refusal.unspecified")
    }

    // MARK: - an event's gate

    static func gate(_ request: Request, _ context: PortalContext, _ portal: Portal, scan: Bool) async throws -> Response {
        let session = try portal.requireGateDesk(context, request)
        let id = context.parameters.get("id") ?? ""
        guard UUID(uuidString: id) != nil else { throw PageError.notFound }
        let call = portal.call(context)
        let event = try await portal.backends.events.getEvent(.with { $0.eventID = id }, metadata: call.metadata, options: call.options)
        // CheckIn lets an enterprise run its own events' gates only.
        if session.role == "enterprise", event.organizerID != session.accountID { throw PageError(.forbidden, "error.page.gate_desk_only") }
        let catalogue = portal.catalogue(context)
        let title = View.text(event.title, context.language)
        var page = ScanPage(kind: "gate", action: "/desk/events/\(id)", place: title, scanLabel: catalogue.text("desk.scan_ticket_label"))
        guard scan else { return page.render(portal, context, request) }
        let token: String
        switch DeskScan.check(context.form["scan"]) {
        case .failure(let problem): return page.refuse(problem, portal, context, request)
        case .success(let text): token = text
        }
        let record: Nomad_Events_V1_CheckInRecord
        do {
            record = try await portal.backends.events.checkIn(
                .with {
                    $0.requestID = AccountPages.requestID(context.form)
                    $0.eventID = id
                    if DeskScan.declaredType(token) == "card-qr" {
                        $0.credential.cardQr = token
                    } else {
                        $0.credential.ticketToken = token
                    }
                }, metadata: call.metadata, options: call.options)
        } catch let error as RPCError where [.invalidArgument, .failedPrecondition, .alreadyExists, .notFound].contains(error.code) {
            page.result = .refused(reason: ServiceErrorText(error, operation: "desk_checkin", catalogue: catalogue).message)
            return page.render(portal, context, request)
        }
        let format = Formatting(language: context.language)
        let holder = await attendee(record.attendeeID, session: session, portal: portal, context: context)
        page.result = .admitted(
            holder: holder, recorded: catalogue.text("desk.checkin_recorded", ["time": format.timestamp(record.time)]), fresh: true)
        return page.render(portal, context, request)
    }

    /// Who came through the gate: the one-card's holder name and masked
    /// number, which identity's `GetCard` gives officers. Organizers and
    /// admins may not read cards, so their gate says the ticket is good
    /// without a name; an attendee without a card is shown the same way.
    static func attendee(_ id: String, session: Session, portal: Portal, context: PortalContext) async -> Holder? {
        guard session.role == "officer", !id.isEmpty else { return nil }
        let call = portal.call(context)
        guard
            let card = try? await portal.backends.identity.getCard(
                .with { $0.holderID = id }, metadata: call.metadata, options: call.options)
        else { return nil }
        return Holder(name: card.holderDisplayName, number: DeskMask.cardNumber(card.number))
    }
}

/// The person a desk shows: a name and a masked card number, nothing else.
struct Holder {
    let name: String
    let number: String
}

/// The scan page of either desk, with the last scan's result above the
/// field when there is one.
struct ScanPage {
    enum Outcome {
        case admitted(holder: Holder?, recorded: String, fresh: Bool)
        case refused(reason: String, holder: Holder? = nil)
    }

    let kind: String
    let action: String
    let place: [String: String]
    let scanLabel: String
    var result: Outcome?
    var fieldError: String?
    /// A site desk's second form: a visit by username, for nomads without a card.
    var usernameAction: String?
    var usernameError: String?
    /// What an admitted result says, when not the desk's usual verdict (a
    /// visit by username checked no card).
    var admittedVerdictKey: String?

    mutating func refuse(_ problem: DeskScanProblem, _ portal: Portal, _ context: PortalContext, _ request: Request) -> Response {
        fieldError = portal.catalogue(context).text(problem.problem.rawValue)
        return render(portal, context, request, status: .badRequest)
    }

    var titleKey: String { kind == "gate" ? "desk.gate_title" : "desk.site_title" }

    func render(_ portal: Portal, _ context: PortalContext, _ request: Request, status: HTTPResponse.Status = .ok) -> Response {
        portal.renderer.page(
            "desk_scan", titleKey: titleKey, titleValues: ["place": place["text"] ?? ""], context: context,
            path: request.uri.path, data: data(portal.catalogue(context)), status: status)
    }

    /// What the template shows; the scanned text itself never comes back.
    func data(_ catalogue: Catalogue) -> [String: Any] {
        var data: [String: Any] = [
            "kind": kind, "action": action, "place": place, "scanLabel": scanLabel,
            // A new id per drawing: each scan is its own request.
            "requestID": UUID().uuidString,
            "isGate": kind == "gate",
        ]
        var errors: [String: String] = [:]
        if let fieldError { errors["scan"] = fieldError }
        if let usernameError { errors["username"] = usernameError }
        if !errors.isEmpty { data["errors"] = errors }
        if let usernameAction { data["usernameAction"] = usernameAction }
        switch result {
        case .admitted(let holder, let recorded, let fresh)?:
            data["result"] =
                [
                    "valid": true, "outcome": "valid",
                    "verdict": catalogue.text(admittedVerdictKey ?? (kind == "gate" ? "desk.verdict.admitted" : "desk.verdict.valid")),
                    "holder": holder.map { ["name": $0.name, "number": $0.number] } ?? [:],
                    "hasHolder": holder != nil,
                    "noHolder": holder == nil ? catalogue.text("desk.no_name") : "",
                    "recorded": recorded, "fresh": fresh,
                ] as [String: Any]
        case .refused(let reason, let holder)?:
            data["result"] =
                [
                    "valid": false, "outcome": "refused",
                    "verdict": catalogue.text(kind == "gate" ? "desk.verdict.not_admitted" : "desk.verdict.refused"),
                    "reason": reason,
                    "holder": holder.map { ["name": $0.name, "number": $0.number] } ?? [:],
                    "hasHolder": holder != nil,
                ] as [String: Any]
        case nil:
            break
        }
        return data
    }
}
