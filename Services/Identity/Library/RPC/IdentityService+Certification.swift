import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

extension IdentityService {
    typealias Certification = Nomad_Identity_V1_CertificationApplication

    func applyCertification(request: Nomad_Identity_V1_ApplyCertificationRequest, context: ServerContext) async throws -> Certification {
        let nomad = try caller
        let declared = try CertificationRules.validate(request.evidence)
        let language = self.language
        return try await mutation(request) { tx in
            let account = try await AccountStore.find(tx, id: nomad.accountID, forUpdate: true).orNotFound("account")
            if (account.nomadStatus ?? 1) >= Int16(Nomad_Identity_V1_NomadStatus.certified.rawValue) {
                throw IdentityErrors.alreadyCertified
            }
            let (evidence, documents) = try await withDocuments(tx, declared, owner: nomad.accountID)
            let outcomes = CertificationCriteria.evaluate(CertificationRules.input(evidence))
            let record = CertificationRecord(
                id: UUID(), applicantID: nomad.accountID, status: .pending, evidence: evidence, criteria: outcomes,
                criteriaMet: CertificationCriteria.allMet(outcomes), decisionReason: "", documentsDeadline: nil, createdAt: Date())
            try await CertificationStore.insert(tx, record)
            try await DocumentCitationStore.cite(
                tx, documents: documents, kind: .certification, caseID: record.id,
                department: Departments.certification)
            try await Outbox.append(
                tx,
                IdentityEvents.CertificationApplied(
                    subjects: .init(accountID: nomad.accountID.text, certificationID: record.id.text),
                    payload: .init(criteriaMet: record.criteriaMet ? "true" : "false")))
            return try await CertificationStore.find(tx, id: record.id)!.message(language)
        }
    }

    func getCertification(request: Nomad_Identity_V1_GetCertificationRequest, context: ServerContext) async throws -> Certification {
        let principal = try caller
        let id = try Validate.uuid(request.id, "id")
        let record = try await database.read({ try await CertificationStore.find($0, id: id) }).orNotFound("certification \(id.text)")
        try authorizeCertification(principal, applicant: record.applicantID)
        return record.message(language)
    }

    func listCertifications(
        request: Nomad_Identity_V1_ListCertificationsRequest, context: ServerContext
    ) async throws -> Nomad_Identity_V1_ListCertificationsResponse {
        let principal = try caller
        let applicant: UUID?
        switch principal.role {
        case .nomad: applicant = principal.accountID
        case .officer where principal.isOfficer(of: Departments.certification): applicant = nil
        default: throw NomadError.permissionDenied
        }
        let page = try Page(request.page)
        let status = try CertificationRules.statusFilter(request.status)
        let records = try await database.read { tx in
            try await CertificationStore.list(tx, applicant: applicant, status: status, page: page)
        }
        let language = self.language
        return .listing(\.applications, records.map { $0.message(language) }, page)
    }

    func decideCertification(request: Nomad_Identity_V1_DecideCertificationRequest, context: ServerContext) async throws -> Certification {
        let officer = try caller
        let id = try Validate.uuid(request.id, "id")
        let reason = try Validate.text(request.reason, "reason", max: 500, required: request.decision != .approve)
        var deadline: Date?
        switch request.decision {
        case .approve, .reject:
            break
        case .requestDocuments:
            guard request.hasDocumentsDeadline else { throw NomadError.required("documents_deadline") }
            let date = request.documentsDeadline.date
            guard date > Date(), date < Date().addingTimeInterval(180 * 86400) else {
                throw NomadError.invalid("documents_deadline", zh: "须在今后 180 天以内", en: "must be in the future, within 180 days")
            }
            deadline = date
        default:
            throw NomadError.unknownEnum("decision")
        }
        let language = self.language
        let validity = settings.cardValidity
        return try await mutation(request) { tx in
            var record = try await CertificationStore.find(tx, id: id, lock: .update).orNotFound("certification \(id.text)")
            guard record.status == .pending else {
                throw NomadError.wrongState("申请不在待审核状态", "the application is not pending a decision")
            }
            let before = try record.message(.en).jsonString()
            let action: String
            switch request.decision {
            case .approve:
                record.status = .approved
                action = "certification.approve"
                try await AccountStore.setNomadStatus(
                    tx, id: record.applicantID, status: Int16(Nomad_Identity_V1_NomadStatus.certified.rawValue))
                _ = try await CardStore.issue(
                    tx, holder: record.applicantID, validity: validity, protection: protection)
                // No card number: events leave the service (analytics keeps them),
                // and the account id is all a consumer needs.
                try await Outbox.append(
                    tx,
                    IdentityEvents.NomadCertified(
                        subjects: .init(accountID: record.applicantID.text, certificationID: record.id.text),
                        payload: .init(criteriaMet: record.criteriaMet ? "true" : "false")))
            case .reject:
                record.status = .rejected
                action = "certification.reject"
            default:
                record.status = .awaitingDocuments
                record.documentsDeadline = deadline
                action = "certification.request_documents"
            }
            record.decisionReason = reason
            try await CertificationStore.update(tx, record, actor: officer.accountID)
            let updated = try await CertificationStore.find(tx, id: id)!
            try await DecisionAudit.append(
                tx, actor: officer, action: action, subject: "certification/\(id.text)", reason: reason,
                before: before, after: try updated.message(.en).jsonString())
            return updated.message(language)
        }
    }

    func supplementCertification(
        request: Nomad_Identity_V1_SupplementCertificationRequest, context: ServerContext
    ) async throws -> Certification {
        let nomad = try caller
        let id = try Validate.uuid(request.id, "id")
        let language = self.language
        return try await mutation(request) { tx in
            var record = try await CertificationStore.find(tx, id: id, lock: .update).orNotFound("certification \(id.text)")
            guard record.applicantID == nomad.accountID else { throw NomadError.permissionDenied }
            let declared = try CertificationRules.validate(request.evidence)
            guard record.status == .awaitingDocuments else {
                throw NomadError.wrongState("未要求补充材料", "no documents were requested")
            }
            if let deadline = record.documentsDeadline, deadline <= Date() {
                throw IdentityErrors.deadlinePassed
            }
            let (evidence, documents) = try await withDocuments(tx, declared, owner: nomad.accountID)
            let outcomes = CertificationCriteria.evaluate(CertificationRules.input(evidence))
            try await DocumentCitationStore.cite(
                tx, documents: documents, kind: .certification, caseID: id,
                department: Departments.certification)
            record.status = .pending
            record.evidence = evidence
            record.criteria = outcomes
            record.criteriaMet = CertificationCriteria.allMet(outcomes)
            record.documentsDeadline = nil
            record.decisionReason = ""
            try await CertificationStore.update(tx, record, actor: nomad.accountID)
            return try await CertificationStore.find(tx, id: id)!.message(language)
        }
    }

    func recognizeMigrant(request: Nomad_Identity_V1_RecognizeMigrantRequest, context: ServerContext) async throws -> Account {
        let officer = try caller
        let id = try Validate.uuid(request.accountID, "account_id")
        let reason = try Validate.text(request.reason, "reason", max: 500)
        return try await mutation(request) { tx in
            guard var account = try await AccountStore.find(tx, id: id, forUpdate: true),
                account.role == .nomad
            else { throw NomadError.notFound("nomad \(id.text)") }
            switch Nomad_Identity_V1_NomadStatus(rawValue: Int(account.nomadStatus ?? 1)) {
            case .certified?: break
            case .settledMigrant?: throw IdentityErrors.alreadyMigrant
            default: throw IdentityErrors.notCertified
            }
            let before = try account.message.jsonString()
            let status = Int16(Nomad_Identity_V1_NomadStatus.settledMigrant.rawValue)
            try await AccountStore.setNomadStatus(tx, id: id, status: status)
            account.nomadStatus = status
            try await DecisionAudit.append(
                tx, actor: officer, action: "nomad.recognize_migrant", subject: "account/\(id.text)", reason: reason,
                before: before, after: try account.message.jsonString())
            try await Outbox.append(
                tx, IdentityEvents.NomadSettled(subjects: .init(accountID: id.text), payload: .init(reason: reason)))
            return account.message
        }
    }

    /// The evidence with the digests of its uploaded documents added to its
    /// hashes (so they count towards the evidence criterion), and the ids of
    /// those documents, which must be the nomad's own, uploaded for certification.
    func withDocuments(
        _ tx: Tx, _ evidence: Nomad_Identity_V1_CertificationEvidence, owner: UUID
    ) async throws -> (Nomad_Identity_V1_CertificationEvidence, [UUID]) {
        let ids = try DocumentRules.ids(evidence.documentIds, "evidence.document_ids")
        let documents = try await citableDocuments(
            tx, ids, owner: owner, purpose: .certification, field: "evidence.document_ids")
        var merged = evidence
        merged.documentIds = ids.map(\.text)
        merged.documentHashes = DocumentRules.mergedHashes(evidence.documentHashes, documents: documents.map(\.sha256))
        return (merged, ids)
    }

    /// The applicant, or an officer of the certifying department.
    func authorizeCertification(_ principal: Principal, applicant: UUID) throws {
        guard principal.accountID == applicant || principal.isOfficer(of: Departments.certification) else {
            throw NomadError.permissionDenied
        }
    }
}

/// Input rules for certification evidence.
enum CertificationRules {
    static func validate(_ evidence: Nomad_Identity_V1_CertificationEvidence) throws -> Nomad_Identity_V1_CertificationEvidence {
        var clean = evidence
        let income = evidence.monthlyRemoteIncome
        guard income.minorUnits >= 0 else {
            throw NomadError.invalid("evidence.monthly_remote_income", zh: "不能为负数", en: "must not be negative")
        }
        _ = try Validate.currencyCode(income.currencyCode, "evidence.monthly_remote_income.currency_code")
        clean.remoteClients = try Validate.list(evidence.remoteClients, "evidence.remote_clients", maxCount: 20, maxLength: 100)
        guard (0...3650).contains(evidence.intendedStayDays) else {
            throw NomadError.invalid("evidence.intended_stay_days", zh: "须在 0 到 3650 之间", en: "between 0 and 3650")
        }
        clean.skills = try Validate.list(evidence.skills, "evidence.skills", maxCount: 30, maxLength: 64)
        guard evidence.documentHashes.count <= 20, evidence.documentHashes.allSatisfy(CertificationCriteria.validateDocumentHash) else {
            throw NomadError.invalid("evidence.document_hashes", zh: "须为至多 20 个 SHA-256 十六进制摘要", en: "at most 20 SHA-256 hex digests")
        }
        clean.documentIds = try DocumentRules.ids(evidence.documentIds, "evidence.document_ids").map(\.text)
        return clean
    }

    static func input(_ evidence: Nomad_Identity_V1_CertificationEvidence) -> CertificationEvidenceInput {
        CertificationEvidenceInput(
            monthlyRemoteIncomeMinor: evidence.monthlyRemoteIncome.minorUnits,
            currency: evidence.monthlyRemoteIncome.currencyCode,
            remoteClients: evidence.remoteClients,
            intendedStayDays: Int(evidence.intendedStayDays),
            skills: evidence.skills,
            documentHashes: evidence.documentHashes)
    }

    static func statusFilter(_ status: Nomad_Identity_V1_CertificationStatus) throws -> Nomad_Identity_V1_CertificationStatus? {
        switch status {
        case .unspecified: return nil
        case .pending, .awaitingDocuments, .approved, .rejected, .lapsed: return status
        case .UNRECOGNIZED: throw NomadError.unknownEnum("status")
        }
    }
}
