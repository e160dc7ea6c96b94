import Foundation
import GRPCCore
import Hummingbird
import NomadProtos
import SwiftProtobuf

/// Applications to catalogue entries: apply with the entry's form and
/// documents, follow them, rate each once decided.
enum ApplicationPages {
    static func register(on router: RouterGroup<PortalContext>, portal: Portal) {
        router.post("/catalogue/:code/apply") { request, context in try await apply(request, context, portal) }
        router.get("/applications") { request, context in try await list(request, context, portal) }
        router.post("/applications/:id/rate") { request, context in try await rate(request, context, portal) }
    }

    static func list(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try portal.requireSession(context, request)
        let call = portal.call(context)
        async let applicationsCall = portal.backends.identity.listApplications(
            .with { $0.page.pageSize = 50 }, metadata: call.metadata, options: call.options)
        let entries = (try? await PublicPages.catalogueEntries(portal)) ?? []
        let applications = try await applicationsCall.applications
        let catalogue = portal.catalogue(context)
        let format = Formatting(language: context.language)
        let views: [[String: Any]] = applications.map { application in
            let entry = entries.first { $0.code == application.serviceCode }
            let fields = CatalogueForms.spec(for: application.serviceCode)
            return [
                "id": application.id,
                "service": entry.map { View.text($0.name, context.language) } ?? ["text": application.serviceCode, "lang": "en"],
                "department": View.department(application.department, catalogue),
                "status": View.label("app_status", String(describing: application.status), catalogue),
                "submitted": format.timestamp(application.submittedAt),
                "due": format.timestamp(application.dueAt),
                "decided": application.hasDecidedAt ? format.timestamp(application.decidedAt) : "",
                "reason": application.decisionReason,
                "overdue": application.overdue,
                "canRate": application.status != .submitted && application.rating == 0,
                "rating": application.rating > 0 ? catalogue.text("app.rated", ["n": format.number(Int(application.rating))]) : "",
                "ratingComment": application.ratingComment,
                "form": application.form.sorted { $0.key < $1.key }.map { key, value in
                    ["label": fields.contains { $0.name == key } ? catalogue.text("appform.\(key)") : key, "value": value]
                },
                "stars": (1...5).map { ["n": $0, "id": "stars_\(application.id)_\($0)"] },
                "requestID": UUID().uuidString,
            ]
        }
        return portal.renderer.page(
            "applications", titleKey: "app.title", context: context, path: request.uri.path,
            data: ["applications": views, "none": views.isEmpty])
    }

    static func apply(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try portal.requireSession(context, request)
        let code = context.parameters.get("code") ?? ""
        guard code.count <= 64, code.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { throw PageError.notFound }
        let back = "/catalogue/\(code)"
        let outcome = try await DocumentSupport.read(request, context: context, portal: portal, purpose: .serviceApplication)
        let catalogue = portal.catalogue(context)
        let keep = Portal.keepable(outcome.plainFields)
        if let error = outcome.serviceError {
            throw portal.backToForm(back, context: context, error: error, operation: "upload", keep: keep)
        }
        var errors = DocumentSupport.errors(outcome, catalogue: catalogue)
        var form: [String: String] = [:]
        for field in CatalogueForms.spec(for: code) {
            let value = outcome.value(field.name).trimmingCharacters(in: .whitespacesAndNewlines)
                .replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
            if value.isEmpty {
                if field.required { errors["form_\(field.name)"] = catalogue.text("form.required") }
                continue
            }
            if field.type == "number", Int(value) == nil { errors["form_\(field.name)"] = catalogue.text("form.not_a_number") }
            form[field.name] = value
        }
        if !errors.isEmpty {
            throw PageRedirect(back, flash: Flash(errors: errors, values: keep, notice: "form.has_errors", noticeIsError: true))
        }
        let kept = (outcome.fields["keep_documents"] ?? []).filter { UUID(uuidString: $0) != nil }
        do {
            let call = portal.call(context)
            let application = try await portal.backends.identity.submitApplication(
                .with {
                    $0.requestID = AccountPages.requestID(outcome.plainFields)
                    $0.serviceCode = code
                    $0.form = form
                    $0.documentIds = Array(Set(kept + outcome.documentIDs)).sorted()
                }, metadata: call.metadata, options: call.options)
            throw portal.done("/applications#app-\(application.id)", notice: "app.submitted")
        } catch let error as RPCError where error.code != .unavailable && error.code != .unauthenticated && error.code != .deadlineExceeded
        {
            throw portal.backToForm(back, context: context, error: error, operation: "application", keep: keep)
        }
    }

    static func rate(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try portal.requireSession(context, request)
        let id = context.parameters.get("id") ?? ""
        guard UUID(uuidString: id) != nil else { throw PageError.notFound }
        let back = "/applications#app-\(id)"
        guard let stars = Int32(context.form["stars"] ?? ""), (1...5).contains(stars) else {
            throw portal.backToForm(back, context: context, errors: ["stars_\(id)": "app.choose_stars"])
        }
        do {
            let call = portal.call(context)
            _ = try await portal.backends.identity.rateApplication(
                .with {
                    $0.requestID = AccountPages.requestID(context.form)
                    $0.id = id
                    $0.stars = stars
                    $0.comment = (context.form["comment"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                        .replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
                }, metadata: call.metadata, options: call.options)
        } catch let error as RPCError where error.code != .unavailable && error.code != .unauthenticated {
            throw portal.backToForm(back, context: context, error: error, operation: "rating")
        }
        throw portal.done(back, notice: "app.thanks")
    }
}
