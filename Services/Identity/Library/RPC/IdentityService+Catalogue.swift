import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

extension IdentityService {
    typealias ServiceApplication = Nomad_Identity_V1_ServiceApplication

    func listCatalogue(
        request: Nomad_Identity_V1_ListCatalogueRequest, context: ServerContext
    ) async throws -> Nomad_Identity_V1_ListCatalogueResponse {
        let page = try Page(request.page)
        let department = try ApplicationRules.departmentFilter(request.department)
        let entries = try await database.read { tx in
            try await CatalogueStore.list(tx, department: department, page: page)
        }
        return .listing(\.entries, entries, page)
    }

    func getCatalogueEntry(
        request: Nomad_Identity_V1_GetCatalogueEntryRequest, context: ServerContext
    ) async throws -> Nomad_Identity_V1_CatalogueEntry {
        let code = try ApplicationRules.serviceCode(request.code, "code")
        let entry = try await database.read({ try await CatalogueStore.find($0, code: code) }).orNotFound("catalogue entry \(code)")
        return entry
    }

    func submitApplication(request: Nomad_Identity_V1_SubmitApplicationRequest, context: ServerContext) async throws -> ServiceApplication {
        let applicant = try caller
        let code = try ApplicationRules.serviceCode(request.serviceCode, "service_code")
        let form = try ApplicationRules.form(request.form)
        let givenHashes = try ApplicationRules.evidenceHashes(request.evidenceHashes)
        let documentIDs = try DocumentRules.ids(request.documentIds, "document_ids")
        return try await mutation(request) { tx in
            let entry = try await CatalogueStore.find(tx, code: code).orNotFound("catalogue entry \(code)")
            guard ApplicationRules.audience(entry.audience, admits: applicant.role) else { throw ApplicationRules.notForYou }
            let documents = try await citableDocuments(
                tx, documentIDs, owner: applicant.accountID, purpose: .serviceApplication, field: "document_ids")
            // The documents' digests join the evidence the applicant declared.
            let hashes = DocumentRules.mergedHashes(givenHashes, documents: documents.map(\.sha256))
            let id = UUID()
            try await ApplicationStore.insert(
                tx, id: id, serviceCode: code, applicant: applicant.accountID, department: entry.department,
                form: form, evidenceHashes: hashes, processingDays: entry.processingDays)
            try await DocumentCitationStore.cite(
                tx, documents: documents.map(\.id), kind: .application, caseID: id, department: entry.department)
            try await Outbox.append(
                tx,
                IdentityEvents.ApplicationSubmitted(
                    subjects: .init(accountID: applicant.accountID.text, applicationID: id.text),
                    payload: .init(
                        serviceCode: code, department: entry.department, applicantRole: applicant.role.rawValue,
                        processingDays: "\(entry.processingDays)")))
            return try await ApplicationStore.find(tx, id: id)!.message
        }
    }

    func getApplication(request: Nomad_Identity_V1_GetApplicationRequest, context: ServerContext) async throws -> ServiceApplication {
        let principal = try caller
        let id = try Validate.uuid(request.id, "id")
        let record = try await database.read({ try await ApplicationStore.find($0, id: id) }).orNotFound("application \(id.text)")
        guard record.applicantID == principal.accountID || principal.isOfficer(of: record.department) else {
            throw NomadError.permissionDenied
        }
        return record.message
    }

    func listApplications(
        request: Nomad_Identity_V1_ListApplicationsRequest, context: ServerContext
    ) async throws -> Nomad_Identity_V1_ListApplicationsResponse {
        let principal = try caller
        var applicant: UUID?, department: String?
        switch principal.role {
        case .nomad, .enterprise:
            applicant = principal.accountID
        case .officer:
            guard let own = principal.department else { throw NomadError.permissionDenied }
            department = own
        case .admin, .service:
            throw NomadError.permissionDenied
        }
        let page = try Page(request.page)
        var filter = ApplicationFilter(status: try ApplicationRules.statusFilter(request.status), overdueOnly: request.overdueOnly)
        filter.applicant = applicant
        filter.department = department
        let records = try await database.read { tx in
            try await ApplicationStore.list(tx, filter: filter, page: page)
        }
        return .listing(\.applications, records.map(\.message), page)
    }

    func decideApplication(request: Nomad_Identity_V1_DecideApplicationRequest, context: ServerContext) async throws -> ServiceApplication {
        let officer = try caller
        let id = try Validate.uuid(request.id, "id")
        return try await mutation(request) { tx in
            let record = try await ApplicationStore.find(tx, id: id, lock: .update).orNotFound("application \(id.text)")
            // The department first: another department's officer learns
            // nothing about what the decision would need.
            guard officer.isOfficer(of: record.department) else { throw NomadError.decidedByAnotherDepartment(record.department) }
            let reason = try Validate.text(request.reason, "reason", max: 500, required: !request.approve)
            guard record.status == .submitted else {
                throw NomadError.wrongState("申请已办结", "the application has already been decided")
            }
            let before = try record.message.jsonString()
            try await ApplicationStore.decide(
                tx, id: id, status: request.approve ? .approved : .rejected, reason: reason)
            let updated = try await ApplicationStore.find(tx, id: id)!
            try await DecisionAudit.append(
                tx, actor: officer, action: request.approve ? "application.approve" : "application.reject",
                subject: "application/\(id.text)", reason: reason, before: before, after: try updated.message.jsonString())
            try await Outbox.append(
                tx,
                IdentityEvents.ApplicationDecided(
                    subjects: .init(accountID: record.applicantID.text, applicationID: id.text),
                    payload: .init(
                        serviceCode: record.serviceCode, department: record.department,
                        approved: request.approve ? "true" : "false", late: updated.overdue ? "true" : "false")))
            return updated.message
        }
    }

    func rateApplication(request: Nomad_Identity_V1_RateApplicationRequest, context: ServerContext) async throws -> ServiceApplication {
        let applicant = try caller
        let id = try Validate.uuid(request.id, "id")
        return try await mutation(request) { tx in
            let record = try await ApplicationStore.find(tx, id: id, lock: .update).orNotFound("application \(id.text)")
            guard record.applicantID == applicant.accountID else { throw NomadError.permissionDenied }
            guard (1...5).contains(request.stars) else {
                throw NomadError.invalid("stars", zh: "须在 1 到 5 之间", en: "between 1 and 5")
            }
            let comment = try Validate.text(request.comment, "comment", max: 500, required: false)
            guard record.isClosed else {
                throw NomadError.wrongState("申请尚未办结，办结后方可评价", "an application can be rated once it is decided")
            }
            guard record.rating == nil else {
                throw NomadError.wrongState("该申请已评价过", "the application has already been rated")
            }
            try await ApplicationStore.rate(tx, id: id, stars: Int16(request.stars), comment: comment)
            let updated = try await ApplicationStore.find(tx, id: id)!
            try await Outbox.append(
                tx,
                IdentityEvents.ApplicationRated(
                    subjects: .init(accountID: applicant.accountID.text, applicationID: id.text),
                    payload: .init(
                        serviceCode: record.serviceCode, department: record.department, stars: "\(request.stars)",
                        overdue: updated.overdue ? "true" : "false")))
            return updated.message
        }
    }
}

/// Input rules for the catalogue and applications to it.
enum ApplicationRules {
    static let maxFormFields = 50
    static let maxFormKeyLength = 64
    static let maxFormValueLength = 2000
    static let maxEvidenceHashes = 20
    static let maxServiceCodeLength = 64

    static let notForYou = NomadError(
        .permissionDenied, zh: "该服务不面向您的账户类型", en: "This service is not offered to your kind of account")

    static func serviceCode(_ value: String, _ field: String) throws -> String {
        try Validate.text(value, field, max: maxServiceCodeLength)
    }

    /// Empty: every department; otherwise a known department code.
    static func departmentFilter(_ value: String) throws -> String? {
        if value.isEmpty { return nil }
        guard Departments.isKnown(value) else {
            throw NomadError.invalid("department", zh: "未知的部门代码", en: "unknown department code")
        }
        return value
    }

    /// Audience 1 nomad, 2 enterprise, 3 both.
    static func audience(_ audience: Nomad_Identity_V1_Audience, admits role: Role) -> Bool {
        switch (audience, role) {
        case (.nomad, .nomad), (.enterprise, .enterprise), (.both, .nomad), (.both, .enterprise): return true
        default: return false
        }
    }

    /// At most 50 fields; keys 1 to 64 characters without control
    /// characters; values up to 2000 characters, where only tabs and line
    /// breaks are allowed among control characters (free text may span lines).
    static func form(_ form: [String: String]) throws -> [String: String] {
        guard form.count <= maxFormFields else {
            throw NomadError.invalid("form", zh: "最多 \(maxFormFields) 个字段", en: "at most \(maxFormFields) fields")
        }
        for (key, value) in form {
            guard (1...maxFormKeyLength).contains(key.count) else {
                throw NomadError.invalid(
                    "form", zh: "字段名须为 1 到 \(maxFormKeyLength) 个字符", en: "field names are 1 to \(maxFormKeyLength) characters")
            }
            guard !key.unicodeScalars.contains(where: isControl) else {
                throw NomadError.invalid("form", zh: "字段名包含控制字符", en: "a field name contains control characters")
            }
            guard value.count <= maxFormValueLength else {
                throw NomadError.tooLong("form.\(key)", max: maxFormValueLength)
            }
            guard !value.unicodeScalars.contains(where: { isControl($0) && !["\t", "\n", "\r"].contains($0) }) else {
                throw NomadError.invalid("form", zh: "字段值包含控制字符", en: "a field value contains control characters")
            }
        }
        return form
    }

    static func evidenceHashes(_ hashes: [String]) throws -> [String] {
        guard hashes.count <= maxEvidenceHashes, hashes.allSatisfy(CertificationCriteria.validateDocumentHash) else {
            throw NomadError.invalid(
                "evidence_hashes", zh: "须为至多 \(maxEvidenceHashes) 个小写 SHA-256 十六进制摘要",
                en: "at most \(maxEvidenceHashes) lower-case SHA-256 hex digests")
        }
        return hashes
    }

    static func statusFilter(_ status: Nomad_Identity_V1_ApplicationStatus) throws -> Nomad_Identity_V1_ApplicationStatus? {
        switch status {
        case .unspecified: return nil
        case .submitted, .approved, .rejected: return status
        case .UNRECOGNIZED: throw NomadError.unknownEnum("status")
        }
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control
    }
}
