import Foundation
import GRPCCore
import Hummingbird
import NIOCore
import NomadProtos
import SwiftProtobuf

/// A certification on the officer's workbench: the applicant, the evidence,
/// each published criterion met or not, the documents (opened in the
/// browser), the history, and the decision form: approve, reject with a
/// reason, or ask for more documents by a deadline with a reason.
enum StaffCertificationPages {
    static func register(on router: RouterGroup<PortalContext>, portal: Portal) {
        router.get("/staff/certifications/:id") { request, context in try await detail(request, context, portal) }
        router.post("/staff/certifications/:id/decide") { request, context in try await decide(request, context, portal) }
        router.get("/staff/documents/:id") { request, context in try await document(request, context, portal) }
    }

    /// The certifying department's officers; anyone else is refused before
    /// identity is asked.
    static func requireCertifier(_ context: PortalContext, _ request: Request, _ portal: Portal) async throws -> String {
        let (_, department) = try await portal.requireOfficer(context, request)
        guard StaffQueue.kinds(of: department).contains(.certification) else {
            throw PageError(.forbidden, "error.page.not_your_department")
        }
        let id = context.parameters.get("id") ?? ""
        guard UUID(uuidString: id) != nil else { throw PageError.notFound }
        return id
    }

    static func detail(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        let id = try await requireCertifier(context, request, portal)
        let call = portal.call(context)
        let application: Nomad_Identity_V1_CertificationApplication
        do {
            application = try await portal.backends.identity.getCertification(
                .with { $0.id = id }, metadata: call.metadata, options: call.options)
        } catch let error as RPCError where error.code == .notFound || error.code == .invalidArgument {
            throw PageError.notFound
        }
        let applicant = try? await portal.backends.identity.getAccount(
            .with { $0.accountID = application.applicantID }, metadata: call.metadata, options: call.options)
        var data = CertificationPages.view(application, context, portal)
        data["applicant"] = applicant.map { "\($0.displayName) (\($0.username))" } ?? application.applicantID
        if case .nomad(let profile)? = applicant?.profile {
            data["nationality"] = profile.nationality
        }
        data["documentLinks"] = application.evidence.documentIds.enumerated().map { index, document in
            ["href": "/staff/documents/\(document)", "n": String(index + 1)]
        }
        data["open"] = application.status == .pending || application.status == .awaitingDocuments
        data["criteriaMet"] = application.criteriaMet
        data["requestID"] = UUID().uuidString
        let week = Calendar(identifier: .gregorian).dateComponents(
            in: TimeZone(identifier: "Asia/Shanghai")!, from: Date().addingTimeInterval(7 * 86400))
        data["defaultDeadline"] =
            context.flash?.values["deadline"] ?? String(format: "%04d-%02d-%02d", week.year ?? 2026, week.month ?? 1, week.day ?? 1)
        data["decisions"] = ["approve", "reject", "request_documents"].map { code in
            [
                "code": code, "label": portal.catalogue(context).text("queue.decision.\(code)"),
                "checked": context.flash?.values["decision"] == code,
            ]
        }
        return portal.renderer.page(
            "staff-certification", titleKey: "queue.cert_title", context: context, path: request.uri.path, data: data)
    }

    static func decide(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        let id = try await requireCertifier(context, request, portal)
        let back = "/staff/certifications/\(id)"
        let reason = (context.form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let decision: Nomad_Identity_V1_CertificationDecision
        switch context.form["decision"] {
        case "approve"?: decision = .approve
        case "reject"?: decision = .reject
        case "request_documents"?: decision = .requestDocuments
        default: throw portal.backToForm(back, context: context, errors: ["decision": "queue.choose_decision"])
        }
        var errors: [String: String] = [:]
        if decision != .approve, reason.isEmpty { errors["reason"] = "queue.reason_required" }
        var deadline: Date?
        if decision == .requestDocuments {
            // The end of the chosen day in the zone (UTC+8), which must be in the future.
            let parts = (context.form["deadline"] ?? "").split(separator: "-").compactMap { Int($0) }
            var components = DateComponents()
            components.timeZone = TimeZone(identifier: "Asia/Shanghai")
            if parts.count == 3 {
                (components.year, components.month, components.day) = (parts[0], parts[1], parts[2])
                (components.hour, components.minute) = (23, 59)
            }
            deadline = parts.count == 3 ? Calendar(identifier: .gregorian).date(from: components) : nil
            if deadline == nil || deadline! <= Date() { errors["deadline"] = "queue.deadline_future" }
        }
        if !errors.isEmpty { throw portal.backToForm(back, context: context, errors: errors) }
        do {
            let call = portal.call(context)
            _ = try await portal.backends.identity.decideCertification(
                .with {
                    $0.requestID = AccountPages.requestID(context.form)
                    $0.id = id
                    $0.decision = decision
                    $0.reason = reason
                    if let deadline { $0.documentsDeadline = .init(date: deadline) }
                }, metadata: call.metadata, options: call.options)
        } catch let error as RPCError where error.code != .unavailable && error.code != .unauthenticated && error.code != .deadlineExceeded
        {
            throw portal.backToForm(back, context: context, error: error, operation: "decide", fieldMap: ["documents_deadline": "deadline"])
        }
        throw portal.done(back, notice: "queue.decided")
    }

    /// A document a case cites, shown in the browser. Identity decides who
    /// may read it (officers of the department deciding a case that cites
    /// it); the portal sends it only as one of the three types identity
    /// accepts, sandboxed, never cached.
    static func document(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try await portal.requireOfficer(context, request)
        let id = context.parameters.get("id") ?? ""
        guard UUID(uuidString: id) != nil else { throw PageError.notFound }
        let call = portal.call(context)
        let (header, bytes): (Nomad_Identity_V1_Document?, Data)
        do {
            (header, bytes) = try await portal.backends.identity.getDocument(
                request: ClientRequest(message: .with { $0.id = id }, metadata: call.metadata), options: call.options
            ) { response in
                var header: Nomad_Identity_V1_Document?
                var data = Data()
                for try await chunk in response.messages {
                    switch chunk.part {
                    case .document(let document)?: header = document
                    case .chunk(let bytes)?: data.append(bytes)
                    case nil: break
                    }
                }
                return (header, data)
            }
        } catch let error as RPCError where error.code == .notFound || error.code == .permissionDenied || error.code == .invalidArgument {
            throw error.code == .permissionDenied ? PageError(.forbidden, "error.page.not_your_department") : PageError.notFound
        }
        let allowed: Set<String> = ["application/pdf", "image/jpeg", "image/png"]
        guard let header, allowed.contains(header.contentType) else { throw PageError.notFound }
        var headers = HTTPFields()
        headers[.contentType] = header.contentType
        headers[.contentDisposition] =
            "inline; filename=\"document-\(id.prefix(8))\(header.contentType == "application/pdf" ? ".pdf" : "")\""
        headers[.cacheControl] = "no-store"
        headers[.xContentTypeOptions] = "nosniff"
        headers[.contentSecurityPolicy] = "sandbox; default-src 'none'; img-src 'self'; object-src 'self'"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
