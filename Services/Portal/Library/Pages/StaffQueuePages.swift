import Foundation
import GRPCCore
import Hummingbird
import NomadProtos
import SwiftProtobuf

/// The officers' workbench: every decision waiting for the officer's own
/// department, overdue and oldest first, with counts by kind. Most kinds are
/// decided in place (one route for all, `StaffQueueSources.decide`);
/// certifications on a page of their own (StaffCertificationPages).
enum StaffQueuePages {
    static func register(on router: RouterGroup<PortalContext>, portal: Portal) {
        router.get("/staff/queue") { request, context in try await queue(request, context, portal) }
        router.post("/staff/decide/:kind/:id") { request, context in try await decide(request, context, portal) }
    }

    static func queue(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        let (_, department) = try await portal.requireOfficer(context, request)
        let catalogue = portal.catalogue(context)
        let format = Formatting(language: context.language)
        let reader = StaffQueueSources.Reader(
            portal: portal, context: context, call: portal.call(context), catalogue: catalogue, format: format)
        let kinds = StaffQueue.kinds(of: department)
        var entries: [StaffQueueSources.Entry] = []
        var unavailable: [String] = []
        for kind in kinds {
            do {
                entries += try await StaffQueueSources.entries(kind, reader)
            } catch let error as RPCError where error.code == .unavailable || error.code == .deadlineExceeded {
                // The others still show; the page says which kind is missing.
                unavailable.append(catalogue.text("queue.kind.\(kind.rawValue)"))
            }
        }
        let names = await applicantNames(Set(entries.map(\.item.applicantID)), portal, context)
        let byID = Dictionary(entries.map { ($0.item.id, $0) }, uniquingKeysWith: { first, _ in first })
        let views: [[String: Any]] = StaffQueue.ordered(entries.map(\.item)).compactMap { item in
            guard let entry = byID[item.id] else { return nil }
            return view(entry, names: names, context: context, catalogue: catalogue, format: format)
        }
        let counts: [[String: Any]] = kinds.map { kind in
            ["label": catalogue.text("queue.kind.\(kind.rawValue)"), "count": format.number(entries.filter { $0.item.kind == kind }.count)]
        }
        return portal.renderer.page(
            "staff-queue", titleKey: "queue.title", context: context, path: request.uri.path,
            data: [
                "items": views, "none": views.isEmpty, "counts": counts,
                "department": View.department(department, catalogue), "unavailable": unavailable.joined(separator: ", "),
            ])
    }

    static func view(
        _ entry: StaffQueueSources.Entry, names: [String: String], context: PortalContext, catalogue: Catalogue, format: Formatting
    ) -> [String: Any] {
        let item = entry.item
        var view: [String: Any] = [
            "kind": item.kind.rawValue, "kindLabel": catalogue.text("queue.kind.\(item.kind.rawValue)"), "id": item.id,
            "title": item.title, "applicant": names[item.applicantID] ?? item.applicantID,
            "submitted": format.dateTime(item.submitted), "due": item.due.map(format.dateTime) ?? "", "overdue": item.overdue,
            "link": item.link, "facts": entry.facts, "hasDocuments": !entry.documents.isEmpty,
            "documents": entry.documents.enumerated().map { index, document in
                ["href": "/staff/documents/\(document)", "n": String(index + 1)]
            },
        ]
        if !entry.choices.isEmpty {
            let flash = context.flash
            view["action"] = "/staff/decide/\(item.kind.rawValue)/\(item.id)"
            view["choices"] = entry.choices.map { code in
                [
                    "code": code, "label": catalogue.text("queue.decision.\(code)"), "id": "decision_\(item.id)_\(code)",
                    "checked": flash?.values["decision"] == code && flash?.errors["reason_\(item.id)"] != nil,
                ] as [String: Any]
            }
            view["decisionError"] = flash?.errors["decision_\(item.id)"] ?? ""
            view["reasonError"] = flash?.errors["reason_\(item.id)"] ?? ""
            view["requestID"] = UUID().uuidString
        }
        return view
    }

    /// Display names for the queue, asked of identity at once; an id stands
    /// in for a name that does not come back.
    static func applicantNames(_ ids: Set<String>, _ portal: Portal, _ context: PortalContext) async -> [String: String] {
        let call = portal.call(context)
        return await withTaskGroup(of: (String, String?).self) { group in
            for id in ids.prefix(200) {
                group.addTask {
                    let account = try? await portal.backends.identity.getAccount(
                        .with { $0.accountID = id }, metadata: call.metadata, options: call.options)
                    return (id, account.map { "\($0.displayName) (\($0.username))" })
                }
            }
            var names: [String: String] = [:]
            for await (id, name) in group { if let name { names[id] = name } }
            return names
        }
    }

    /// One decision in place. The department is checked first, so an officer
    /// of another department is refused before any service is asked (and the
    /// services refuse anyway); refusing needs a reason.
    static func decide(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        let (_, department) = try await portal.requireOfficer(context, request)
        guard let kind = StaffQueue.Kind(rawValue: context.parameters.get("kind") ?? ""), kind != .certification else {
            throw PageError.notFound
        }
        guard StaffQueue.kinds(of: department).contains(kind) else { throw PageError(.forbidden, "error.page.not_your_department") }
        let id = context.parameters.get("id") ?? ""
        guard UUID(uuidString: id) != nil else { throw PageError.notFound }
        let back = "/staff/queue#\(kind.rawValue)-\(id)"
        let decision = context.form["decision"] ?? ""
        let grant = ["approve", "accept", "grant"].contains(decision)
        guard grant || decision == "reject" else {
            throw portal.backToForm(back, context: context, errors: ["decision_\(id)": "queue.choose_decision"])
        }
        let reason = WalletPages.oneLine(context.form["reason_\(id)"])
        if !grant, reason.isEmpty { throw portal.backToForm(back, context: context, errors: ["reason_\(id)": "queue.reason_required"]) }
        do {
            try await StaffQueueSources.decide(
                kind, id: id, grant: grant, reason: reason, requestID: AccountPages.requestID(context.form), portal: portal,
                call: portal.call(context))
        } catch let error as RPCError where error.code != .unavailable && error.code != .unauthenticated && error.code != .deadlineExceeded
        {
            throw portal.backToForm(
                back, context: context, error: error, operation: "decide", fieldMap: ["reason": "reason_\(id)", "note": "reason_\(id)"])
        }
        throw portal.done("/staff/queue", notice: grant ? "queue.granted" : "queue.rejected")
    }
}
