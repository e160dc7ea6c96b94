import Foundation
import GRPCCore
import Hummingbird
import NomadProtos
import SwiftProtobuf

/// Nomad certification: apply against the published criteria with evidence
/// documents, follow the status, answer a request for more documents.
enum CertificationPages {
    static func register(on router: RouterGroup<PortalContext>, portal: Portal) {
        router.get("/certification") { request, context in try await list(request, context, portal) }
        router.post("/certification/apply") { request, context in try await apply(request, context, portal) }
        router.get("/certification/:id") { request, context in try await detail(request, context, portal) }
        router.post("/certification/:id/supplement") { request, context in try await supplement(request, context, portal) }
    }

    static let open: Set<Nomad_Identity_V1_CertificationStatus> = [.pending, .awaitingDocuments, .approved]
    static let currencies = ["CNY", "USD", "EUR", "GBP", "HKD", "RUB", "AED", "SAR"]

    static func view(_ application: Nomad_Identity_V1_CertificationApplication, _ context: PortalContext, _ portal: Portal) -> [String: Any]
    {
        let catalogue = portal.catalogue(context)
        let format = Formatting(language: context.language)
        return [
            "id": application.id,
            "status": View.label("cert_status", String(describing: application.status), catalogue),
            "statusCode": String(describing: application.status),
            "created": format.timestamp(application.createdAt),
            "awaiting": application.status == .awaitingDocuments,
            "deadline": application.hasDocumentsDeadline ? format.timestamp(application.documentsDeadline) : "",
            "reason": application.decisionReason,
            "criteria": application.criteria.map { ["met": $0.met, "text": $0.explanation, "code": $0.code] as [String: Any] },
            "income": application.evidence.hasMonthlyRemoteIncome ? format.money(application.evidence.monthlyRemoteIncome) : "",
            "stay": format.number(Int(application.evidence.intendedStayDays)),
            "skills": application.evidence.skills.joined(separator: ", "),
            "clients": application.evidence.remoteClients.joined(separator: ", "),
            "documents": format.number(application.evidence.documentIds.count),
            "history": application.history.map { change in
                [
                    "status": View.label("cert_status", String(describing: change.status), catalogue),
                    "at": format.timestamp(change.at), "reason": change.reason,
                ]
            },
        ]
    }

    static func formData(_ context: PortalContext, _ portal: Portal, values: [String: String]) async -> [String: Any] {
        var criteria: [[String: String]] = []
        if let entry = try? await PublicPages.catalogueEntries(portal).first(where: { $0.code == "nomad-certification" }) {
            criteria = entry.eligibilityCriteria.map { View.text($0, context.language) }
        }
        let chosen = values["currency"] ?? "CNY"
        return [
            "publishedCriteria": criteria,
            "currencies": currencies.map { ["code": $0, "selected": $0 == chosen] },
            "documents": await DocumentSupport.documentChoices(portal, context, purpose: .certification),
            "requestID": UUID().uuidString,
            "maxSize": Formatting(language: context.language).bytes(Int64(portal.config.maxDocumentBytes)),
        ]
    }

    static func list(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try portal.requireNomad(context, request)
        let call = portal.call(context)
        let applications = try await portal.backends.identity.listCertifications(
            .with { $0.page.pageSize = 20 }, metadata: call.metadata, options: call.options
        ).applications
        var data = await formData(context, portal, values: context.flash?.values ?? [:])
        data["applications"] = applications.map { view($0, context, portal) }
        data["canApply"] = !applications.contains { open.contains($0.status) }
        data["none"] = applications.isEmpty
        return portal.renderer.page("certification", titleKey: "cert.title", context: context, path: request.uri.path, data: data)
    }

    static func detail(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try portal.requireNomad(context, request)
        let id = context.parameters.get("id") ?? ""
        guard UUID(uuidString: id) != nil else { throw PageError.notFound }
        let call = portal.call(context)
        let application = try await portal.backends.identity.getCertification(
            .with { $0.id = id }, metadata: call.metadata, options: call.options)
        var values: [String: String] = [
            "income": application.evidence.hasMonthlyRemoteIncome
                ? String(format: "%.2f", Double(application.evidence.monthlyRemoteIncome.minorUnits) / 100) : "",
            "currency": application.evidence.monthlyRemoteIncome.currencyCode,
            "clients": application.evidence.remoteClients.joined(separator: ", "),
            "stay_days": application.evidence.intendedStayDays > 0 ? String(application.evidence.intendedStayDays) : "",
            "skills": application.evidence.skills.joined(separator: ", "),
        ]
        for (key, value) in context.flash?.values ?? [:] { values[key] = value }
        var data = await formData(context, portal, values: values)
        data["application"] = view(application, context, portal)
        data["values"] = values
        let attached = Set(application.evidence.documentIds)
        data["documents"] = (data["documents"] as? [[String: Any]] ?? []).map { document in
            var document = document
            document["checked"] = attached.contains(document["id"] as? String ?? "")
            return document
        }
        return portal.renderer.page(
            "certification-detail", titleKey: "cert.detail_title", context: context, path: request.uri.path, data: data)
    }

    /// The evidence a form describes; a field error key when it does not.
    static func evidence(_ outcome: DocumentSupport.Outcome) -> (Nomad_Identity_V1_CertificationEvidence, [String: String]) {
        var errors: [String: String] = [:]
        var evidence = Nomad_Identity_V1_CertificationEvidence()
        let incomeText = outcome.value("income").replacingOccurrences(of: ",", with: "").trimmingCharacters(in: .whitespaces)
        if incomeText.isEmpty {
            errors["income"] = "form.required"
        } else if let income = Decimal(string: incomeText), income >= 0, income < 1_000_000_000 {
            evidence.monthlyRemoteIncome = .with {
                $0.currencyCode = currencies.contains(outcome.value("currency")) ? outcome.value("currency") : "CNY"
                $0.minorUnits = NSDecimalNumber(decimal: income * 100).int64Value
            }
        } else {
            errors["income"] = "form.not_an_amount"
        }
        if let days = Int32(outcome.value("stay_days").trimmingCharacters(in: .whitespaces)), days > 0, days <= 3650 {
            evidence.intendedStayDays = days
        } else {
            errors["stay_days"] = outcome.value("stay_days").isEmpty ? "form.required" : "form.not_a_number"
        }
        evidence.remoteClients = list(outcome.value("clients"))
        evidence.skills = list(outcome.value("skills"))
        let kept = (outcome.fields["keep_documents"] ?? []).filter { UUID(uuidString: $0) != nil }
        evidence.documentIds = Array(Set(kept + outcome.documentIDs)).sorted()
        return (evidence, errors)
    }

    static func list(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == "、" || $0 == ";" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.prefix(20).map { $0 }
    }

    static func apply(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try portal.requireNomad(context, request)
        let outcome = try await DocumentSupport.read(request, context: context, portal: portal, purpose: .certification)
        return try await submit(outcome, back: "/certification", context: context, portal: portal) { evidence, call in
            let application = try await portal.backends.identity.applyCertification(
                .with {
                    $0.requestID = AccountPages.requestID(outcome.plainFields); $0.evidence = evidence
                },
                metadata: call.metadata, options: call.options)
            return "/certification/\(application.id)"
        }
    }

    static func supplement(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try portal.requireNomad(context, request)
        let id = context.parameters.get("id") ?? ""
        guard UUID(uuidString: id) != nil else { throw PageError.notFound }
        let outcome = try await DocumentSupport.read(request, context: context, portal: portal, purpose: .certification)
        return try await submit(outcome, back: "/certification/\(id)", context: context, portal: portal) { evidence, call in
            _ = try await portal.backends.identity.supplementCertification(
                .with {
                    $0.requestID = AccountPages.requestID(outcome.plainFields); $0.id = id; $0.evidence = evidence
                },
                metadata: call.metadata, options: call.options)
            return "/certification/\(id)"
        }
    }

    static func submit(
        _ outcome: DocumentSupport.Outcome, back: String, context: PortalContext, portal: Portal,
        _ send: (Nomad_Identity_V1_CertificationEvidence, Call) async throws -> String
    ) async throws -> Response {
        let catalogue = portal.catalogue(context)
        let keep = Portal.keepable(outcome.plainFields)
        if let error = outcome.serviceError {
            throw portal.backToForm(
                back, context: context, error: error, operation: "upload", fieldMap: ["chunk": "documents", "header": "documents"],
                keep: keep)
        }
        let (evidence, errors) = evidence(outcome)
        var flashErrors = errors.mapValues { catalogue.text($0) }
        for (field, text) in DocumentSupport.errors(outcome, catalogue: catalogue) { flashErrors[field] = text }
        if !flashErrors.isEmpty {
            throw PageRedirect(back, flash: Flash(errors: flashErrors, values: keep, notice: "form.has_errors", noticeIsError: true))
        }
        do {
            let location = try await send(evidence, portal.call(context))
            throw portal.done(location, notice: "cert.submitted")
        } catch let error as RPCError where error.code != .unavailable && error.code != .unauthenticated && error.code != .deadlineExceeded
        {
            throw portal.backToForm(
                back, context: context, error: error, operation: "certification",
                fieldMap: [
                    "monthly_remote_income": "income", "intended_stay_days": "stay_days", "remote_clients": "clients",
                    "document_ids": "documents",
                ],
                keep: keep)
        }
    }
}
