import Foundation
import GRPCCore
import Hummingbird
import NomadProtos
import SwiftProtobuf

/// Foreign nomads' work and residence permits: apply with documents, follow,
/// see validity and permitted activities.
enum PermitPages {
    static func register(on router: RouterGroup<PortalContext>, portal: Portal) {
        router.get("/permits") { request, context in try await list(request, context, portal) }
        router.post("/permits/apply") { request, context in try await apply(request, context, portal) }
    }

    static let activities: [(Nomad_Identity_V1_PermitActivity, String)] = [
        (.remoteSoftwareDevelopment, "remote_software_development"),
        (.digitalContentCreation, "digital_content_creation"),
        (.crossBorderEcommerce, "cross_border_ecommerce"),
    ]

    static func list(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        let session = try portal.requireNomad(context, request)
        let catalogue = portal.catalogue(context)
        let format = Formatting(language: context.language)
        guard session.foreign else {
            return portal.renderer.page(
                "permits", titleKey: "permit.title", context: context, path: request.uri.path, data: ["domestic": true])
        }
        let call = portal.call(context)
        let permits = try await portal.backends.identity.listPermits(
            .with { $0.page.pageSize = 20 }, metadata: call.metadata, options: call.options
        ).permits
        let values = context.flash?.values ?? [:]
        let chosen = Set((values["activities"] ?? "").split(separator: ",").map(String.init))
        let views: [[String: Any]] = permits.map { permit in
            [
                "id": permit.id,
                "status": View.label("permit_status", String(describing: permit.status), catalogue),
                "months": catalogue.text("permit.months_value", ["n": format.number(Int(permit.months))]),
                "activities": permit.activities.map { activity in
                    catalogue.text("permit.activity." + (activities.first { $0.0 == activity }?.1 ?? "unknown"))
                },
                "validFrom": permit.hasValidFrom ? format.day(permit.validFrom) : "",
                "validUntil": permit.hasValidUntil ? format.day(permit.validUntil) : "",
                "reason": permit.decisionReason,
                "created": format.timestamp(permit.createdAt),
            ]
        }
        let today = Calendar(identifier: .gregorian).dateComponents(in: Formatting.zoneTimeZone, from: Date())
        return portal.renderer.page(
            "permits", titleKey: "permit.title", context: context, path: request.uri.path,
            data: [
                "permits": views, "none": views.isEmpty,
                "monthsOptions": (6...12).map { ["value": $0, "selected": String($0) == (values["months"] ?? "6")] },
                "activityOptions": activities.map { _, code in
                    [
                        "code": code, "id": "activity_\(code)", "label": catalogue.text("permit.activity.\(code)"),
                        "checked": chosen.contains(code),
                    ]
                },
                "today": String(format: "%04d-%02d-%02d", today.year ?? 2026, today.month ?? 1, today.day ?? 1),
                "documents": await DocumentSupport.documentChoices(portal, context, purpose: .permit),
                "requestID": UUID().uuidString,
                "maxSize": format.bytes(Int64(portal.config.maxDocumentBytes)),
            ])
    }

    static func apply(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        let session = try portal.requireNomad(context, request)
        guard session.foreign else { throw PageError.forbidden }
        let outcome = try await DocumentSupport.read(request, context: context, portal: portal, purpose: .permit)
        let catalogue = portal.catalogue(context)
        var keep = Portal.keepable(outcome.plainFields)
        let chosen = (outcome.fields["activities"] ?? []).filter { code in activities.contains { $0.1 == code } }
        keep["activities"] = chosen.joined(separator: ",")
        if let error = outcome.serviceError {
            throw portal.backToForm("/permits", context: context, error: error, operation: "upload", keep: keep)
        }
        var errors = DocumentSupport.errors(outcome, catalogue: catalogue)
        let months = Int32(outcome.value("months")) ?? 0
        if !(6...12).contains(months) { errors["months"] = catalogue.text("permit.months_range") }
        if chosen.isEmpty { errors["activities"] = catalogue.text("permit.choose_activity") }
        let dateParts = outcome.value("start_date").split(separator: "-").compactMap { Int32($0) }
        if dateParts.count != 3 { errors["start_date"] = catalogue.text("form.not_a_date") }
        if !errors.isEmpty {
            throw PageRedirect("/permits", flash: Flash(errors: errors, values: keep, notice: "form.has_errors", noticeIsError: true))
        }
        let kept = (outcome.fields["keep_documents"] ?? []).filter { UUID(uuidString: $0) != nil }
        do {
            let call = portal.call(context)
            _ = try await portal.backends.identity.applyPermit(
                .with {
                    $0.requestID = AccountPages.requestID(outcome.plainFields)
                    $0.months = months
                    $0.activities = chosen.compactMap { code in activities.first { $0.1 == code }?.0 }
                    $0.startDate = .with {
                        $0.year = dateParts[0]; $0.month = dateParts[1]; $0.day = dateParts[2]
                    }
                    $0.documentIds = Array(Set(kept + outcome.documentIDs)).sorted()
                }, metadata: call.metadata, options: call.options)
        } catch let error as RPCError where error.code != .unavailable && error.code != .unauthenticated && error.code != .deadlineExceeded
        {
            throw portal.backToForm("/permits", context: context, error: error, operation: "permit", keep: keep)
        }
        throw portal.done("/permits", notice: "permit.submitted")
    }
}
