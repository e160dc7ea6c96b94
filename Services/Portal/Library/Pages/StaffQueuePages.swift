import Foundation
import GRPCCore
import Hummingbird
import NomadProtos
import SwiftProtobuf

/// The officers' workbench: every decision waiting for the officer's own
/// department, overdue and oldest first, with counts by kind; contributions
/// and one-card service applications are decided in place, certifications
/// on a page of their own (StaffCertificationPages).
enum StaffQueuePages {
    static func register(on router: RouterGroup<PortalContext>, portal: Portal) {
        router.get("/staff/queue") { request, context in try await queue(request, context, portal) }
        router.post("/staff/contributions/:id/review") { request, context in try await reviewContribution(request, context, portal) }
        router.post("/staff/applications/:id/decide") { request, context in try await decideApplication(request, context, portal) }
    }

    static func queue(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        let (_, department) = try await portal.requireOfficer(context, request)
        let call = portal.call(context)
        let kinds = StaffQueue.kinds(of: department)
        let catalogue = portal.catalogue(context)
        var items: [StaffQueue.Item] = []
        var contributions: [String: Nomad_Assets_V1_Contribution] = [:]
        var applications: [String: Nomad_Identity_V1_ServiceApplication] = [:]
        var unavailable: [String] = []
        if kinds.contains(.certification) {
            do {
                for status in [Nomad_Identity_V1_CertificationStatus.pending, .awaitingDocuments] {
                    let listed = try await portal.backends.identity.listCertifications(
                        .with {
                            $0.status = status
                            $0.page.pageSize = 100
                        }, metadata: call.metadata, options: call.options
                    ).applications
                    items += listed.map { application in
                        let awaiting = application.status == .awaitingDocuments
                        return StaffQueue.Item(
                            kind: .certification, id: application.id, applicantID: application.applicantID,
                            title: [
                                "text": catalogue.text(awaiting ? "queue.cert_awaiting" : "queue.cert_pending"),
                                "lang": context.language.tag,
                            ],
                            submitted: application.createdAt.date,
                            due: application.hasDocumentsDeadline ? application.documentsDeadline.date : nil,
                            overdue: false, link: "/staff/certifications/\(application.id)")
                    }
                }
            } catch let error as RPCError where error.code == .unavailable || error.code == .deadlineExceeded {
                unavailable.append(catalogue.text("queue.kind.certification"))
            }
        }
        if kinds.contains(.application) {
            do {
                let entries = (try? await PublicPages.catalogueEntries(portal)) ?? []
                let listed = try await portal.backends.identity.listApplications(
                    .with {
                        $0.status = .submitted
                        $0.page.pageSize = 100
                    }, metadata: call.metadata, options: call.options
                ).applications
                for application in listed {
                    applications[application.id] = application
                    let name = entries.first { $0.code == application.serviceCode }.map { View.text($0.name, context.language) }
                    items.append(
                        StaffQueue.Item(
                            kind: .application, id: application.id, applicantID: application.applicantID,
                            title: name ?? ["text": application.serviceCode, "lang": "en"], submitted: application.submittedAt.date,
                            due: application.dueAt.date, overdue: application.overdue, link: "#application-\(application.id)"))
                }
            } catch let error as RPCError where error.code == .unavailable || error.code == .deadlineExceeded {
                unavailable.append(catalogue.text("queue.kind.application"))
            }
        }
        if kinds.contains(.contribution) {
            do {
                let listed = try await portal.backends.assets.listContributions(
                    .with {
                        $0.status = .pending
                        $0.page.pageSize = 100
                    }, metadata: call.metadata, options: call.options
                ).contributions
                for contribution in listed {
                    contributions[contribution.contributionID] = contribution
                    items.append(
                        StaffQueue.Item(
                            kind: .contribution, id: contribution.contributionID, applicantID: contribution.contributorID,
                            title: [
                                "text": View.label("contribution_kind", String(describing: contribution.kind), catalogue) + " · "
                                    + contribution.poolCode, "lang": context.language.tag,
                            ], submitted: contribution.createdAt.date, due: nil, overdue: false,
                            link: "#contribution-\(contribution.contributionID)"))
                }
            } catch let error as RPCError where error.code == .unavailable || error.code == .deadlineExceeded {
                unavailable.append(catalogue.text("queue.kind.contribution"))
            }
        }
        let names = await applicantNames(Set(items.map(\.applicantID)), portal, context)
        let format = Formatting(language: context.language)
        let ordered = StaffQueue.ordered(items)
        let views: [[String: Any]] = ordered.map { item in
            var view: [String: Any] = [
                "kind": item.kind.rawValue, "kindLabel": catalogue.text("queue.kind.\(item.kind.rawValue)"), "id": item.id,
                "title": item.title, "applicant": names[item.applicantID] ?? item.applicantID,
                "submitted": format.dateTime(item.submitted), "due": item.due.map(format.dateTime) ?? "", "overdue": item.overdue,
                "link": item.link,
            ]
            var facts: [[String: String]] = []
            var choices: [String] = []
            if let contribution = contributions[item.id] {
                facts = contributionFacts(contribution, format).map {
                    ["label": catalogue.text($0["label"] ?? ""), "value": $0["value"] ?? ""]
                }
                choices = ["accept", "reject"]
                view["action"] = "/staff/contributions/\(item.id)/review"
            }
            if let application = applications[item.id] {
                facts = application.form.sorted { $0.key < $1.key }.map { key, value in
                    ["label": catalogue.has("appform.\(key)") ? catalogue.text("appform.\(key)") : key, "value": value]
                }
                facts.append(["label": catalogue.text("queue.documents"), "value": format.number(application.documentIds.count)])
                choices = ["approve", "reject"]
                view["action"] = "/staff/applications/\(item.id)/decide"
            }
            view["facts"] = facts
            if !choices.isEmpty {
                let chosen = context.flash?.values["decision"]
                view["choices"] = choices.map { code in
                    [
                        "code": code, "label": catalogue.text("queue.decision.\(code)"), "id": "decision_\(item.id)_\(code)",
                        "checked": chosen == code && context.flash?.errors["reason_\(item.id)"] != nil,
                    ] as [String: Any]
                }
                view["decisionError"] = context.flash?.errors["decision_\(item.id)"] ?? ""
                view["reasonError"] = context.flash?.errors["reason_\(item.id)"] ?? ""
                view["requestID"] = UUID().uuidString
            }
            return view
        }
        let counts: [[String: Any]] = kinds.map { kind in
            ["label": catalogue.text("queue.kind.\(kind.rawValue)"), "count": format.number(items.filter { $0.kind == kind }.count)]
        }
        return portal.renderer.page(
            "staff-queue", titleKey: "queue.title", context: context, path: request.uri.path,
            data: [
                "items": views, "none": views.isEmpty, "counts": counts,
                "department": View.department(department, catalogue), "unavailable": unavailable.joined(separator: ", "),
            ])
    }

    static func contributionFacts(_ contribution: Nomad_Assets_V1_Contribution, _ format: Formatting) -> [[String: String]] {
        var facts: [[String: String]] = []
        if contribution.kind == .data {
            facts.append(["label": "queue.records", "value": format.number(contribution.recordCount)])
            facts.append(["label": "queue.bytes", "value": format.bytes(contribution.bytes)])
        } else {
            facts.append(["label": "queue.work", "value": "\(format.number(contribution.workUnits)) \(contribution.workUnitLabel)"])
        }
        facts.append(["label": "queue.quality", "value": format.number(Int(contribution.qualityScore))])
        return facts
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

    static func reviewContribution(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        let (_, department) = try await portal.requireOfficer(context, request)
        guard StaffQueue.kinds(of: department).contains(.contribution) else {
            throw PageError(.forbidden, "error.page.not_your_department")
        }
        let id = context.parameters.get("id") ?? ""
        guard UUID(uuidString: id) != nil else { throw PageError.notFound }
        let back = "/staff/queue#contribution-\(id)"
        let accept = context.form["decision"] == "accept"
        let note = WalletPages.oneLine(context.form["reason_\(id)"])
        guard accept || context.form["decision"] == "reject" else {
            throw portal.backToForm(back, context: context, errors: ["decision_\(id)": "queue.choose_decision"])
        }
        if !accept, note.isEmpty { throw portal.backToForm(back, context: context, errors: ["reason_\(id)": "queue.reason_required"]) }
        do {
            let call = portal.call(context)
            _ = try await portal.backends.assets.reviewContribution(
                .with {
                    $0.requestID = AccountPages.requestID(context.form)
                    $0.contributionID = id
                    $0.accept = accept
                    $0.note = note
                }, metadata: call.metadata, options: call.options)
        } catch let error as RPCError where error.code != .unavailable && error.code != .unauthenticated && error.code != .deadlineExceeded
        {
            throw portal.backToForm(back, context: context, error: error, operation: "review", fieldMap: ["note": "reason_\(id)"])
        }
        throw portal.done("/staff/queue", notice: accept ? "queue.accepted" : "queue.rejected")
    }

    static func decideApplication(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try await portal.requireOfficer(context, request)
        let id = context.parameters.get("id") ?? ""
        guard UUID(uuidString: id) != nil else { throw PageError.notFound }
        let back = "/staff/queue#application-\(id)"
        let approve = context.form["decision"] == "approve"
        let reason = WalletPages.oneLine(context.form["reason_\(id)"])
        guard approve || context.form["decision"] == "reject" else {
            throw portal.backToForm(back, context: context, errors: ["decision_\(id)": "queue.choose_decision"])
        }
        if !approve, reason.isEmpty { throw portal.backToForm(back, context: context, errors: ["reason_\(id)": "queue.reason_required"]) }
        do {
            let call = portal.call(context)
            // Identity refuses another department's application (PERMISSION_DENIED).
            _ = try await portal.backends.identity.decideApplication(
                .with {
                    $0.requestID = AccountPages.requestID(context.form)
                    $0.id = id
                    $0.approve = approve
                    $0.reason = reason
                }, metadata: call.metadata, options: call.options)
        } catch let error as RPCError where error.code != .unavailable && error.code != .unauthenticated && error.code != .deadlineExceeded
        {
            throw portal.backToForm(back, context: context, error: error, operation: "decide", fieldMap: ["reason": "reason_\(id)"])
        }
        throw portal.done("/staff/queue", notice: approve ? "queue.approved" : "queue.rejected")
    }
}
