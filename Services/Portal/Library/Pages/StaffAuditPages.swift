import Foundation
import GRPCCore
import Hummingbird
import NomadProtos
import SwiftProtobuf

/// The audit trail of the officer's own department, one service at a time,
/// oldest first, a page of 50 with a link to the next; a subject
/// ("certification/ID") narrows it to one case. Each service scopes the
/// entries to the caller's department itself.
enum StaffAuditPages {
    static let services = ["identity", "jobs", "assets", "events", "analytics"]

    static func register(on router: RouterGroup<PortalContext>, portal: Portal) {
        router.get("/staff/audit") { request, context in try await audit(request, context, portal) }
    }

    static func audit(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        let (_, department) = try await portal.requireOfficer(context, request)
        let query = request.uri.queryParameters
        let service = query.get("service") ?? "identity"
        guard services.contains(service) else { throw PageError.notFound }
        let subject = String((query.get("subject") ?? "").trimmingCharacters(in: .whitespaces).prefix(200))
        let token = String((query.get("page") ?? "").prefix(200))
        let call = portal.call(context)
        let listing = Nomad_Common_V1_ListAuditEntriesRequest.with {
            $0.subject = subject
            $0.page.pageSize = 50
            $0.page.pageToken = token
        }
        let (metadata, options) = (call.metadata, call.options)
        let answer: Nomad_Common_V1_ListAuditEntriesResponse
        do {
            switch service {
            case "jobs": answer = try await portal.backends.jobs.listAuditEntries(listing, metadata: metadata, options: options)
            case "assets": answer = try await portal.backends.assets.listAuditEntries(listing, metadata: metadata, options: options)
            case "events": answer = try await portal.backends.events.listAuditEntries(listing, metadata: metadata, options: options)
            case "analytics": answer = try await portal.backends.analytics.listAuditEntries(listing, metadata: metadata, options: options)
            default: answer = try await portal.backends.identity.listAuditEntries(listing, metadata: metadata, options: options)
            }
        } catch let error as RPCError where error.code == .invalidArgument {
            // A page token or subject the service does not take: the first page.
            throw PageRedirect("/staff/audit?service=\(service)")
        }
        let catalogue = portal.catalogue(context)
        let format = Formatting(language: context.language)
        let names = await StaffQueuePages.applicantNames(Set(answer.entries.map(\.actorID)), portal, context)
        let entries: [[String: Any]] = answer.entries.map { entry in
            [
                "sequence": String(entry.sequence), "at": format.timestamp(entry.at), "actor": names[entry.actorID] ?? entry.actorID,
                "action": entry.action, "subject": entry.subject, "reason": entry.reason,
                "before": entry.beforeJson, "after": entry.afterJson,
                "subjectLink": "/staff/audit?service=\(service)&subject=" + FormBody.encode(entry.subject),
            ]
        }
        var next = ""
        if !answer.page.nextPageToken.isEmpty {
            next = "/staff/audit?service=\(service)&page=" + FormBody.encode(answer.page.nextPageToken)
            if !subject.isEmpty { next += "&subject=" + FormBody.encode(subject) }
        }
        return portal.renderer.page(
            "staff-audit", titleKey: "audit.title", context: context, path: request.uri.path,
            data: [
                "department": View.department(department, catalogue), "service": service, "subject": subject,
                "services": services.map { ["code": $0, "label": catalogue.text("audit.service.\($0)"), "current": $0 == service] },
                "entries": entries, "none": entries.isEmpty, "next": next,
            ])
    }
}
