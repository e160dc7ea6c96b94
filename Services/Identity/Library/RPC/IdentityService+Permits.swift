import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

extension IdentityService {
    typealias Permit = Nomad_Identity_V1_Permit

    func applyPermit(request: Nomad_Identity_V1_ApplyPermitRequest, context: ServerContext) async throws -> Permit {
        let nomad = try caller
        let today = ZoneDay.today()
        let months = try PermitRules.months(request.months)
        let activities = try PermitRules.activities(request.activities)
        let renews = request.renewsPermitID.isEmpty ? nil : try Validate.uuid(request.renewsPermitID, "renews_permit_id")
        let asked = request.hasStartDate ? request.startDate : nil
        let askedStart = renews == nil ? try PermitRules.startDate(asked, today: today) : nil
        let documentIDs = try DocumentRules.ids(request.documentIds, "document_ids")
        return try await mutation(request) { tx in
            // The account's row lock: one applicant's applications are judged
            // one after another, so two at once cannot both pass the overlap rule.
            guard let account = try await AccountStore.find(tx, id: nomad.accountID, forUpdate: true),
                account.role == .nomad
            else { throw NomadError.notFound("account \(nomad.accountID.text)") }
            guard let nationality = account.nationality, nationality != "CN" else { throw IdentityErrors.notForeign }
            let documents = try await citableDocuments(
                tx, documentIDs, owner: nomad.accountID, purpose: .permit, field: "document_ids")
            // Read from the account, not the token: certified a minute ago counts.
            guard [.certified, .settled].contains(account.principal.standing) else {
                throw IdentityErrors.permitNeedsCertification
            }
            let start: ZoneDay
            if let renews {
                start = try PermitRules.renewalStart(
                    of: try await PermitStore.find(tx, id: renews), applicant: nomad.accountID,
                    asked: asked, today: today)
            } else if let askedStart {
                start = askedStart
            } else {
                throw NomadError.required("start_date")
            }
            let period = PermitRules.validity(start: start, months: months)
            let standing = try await PermitStore.standing(tx, applicant: nomad.accountID)
            if let clash = PermitRules.overlap(period, with: standing.filter { $0.status(on: today) != .expired }) {
                throw IdentityErrors.permitOverlaps(clash.id)
            }
            let record = PermitRecord(
                id: UUID(), applicantID: nomad.accountID, months: months, activities: activities, storedStatus: .pending,
                decisionReason: "", startDate: start, validFrom: nil, validUntil: nil, createdAt: Date(), decidedAt: nil,
                renews: renews)
            try await PermitStore.insert(tx, record)
            try await DocumentCitationStore.cite(
                tx, documents: documents.map(\.id), kind: .permit, caseID: record.id,
                department: Departments.permits)
            try await Outbox.append(
                tx,
                IdentityEvents.PermitApplied(
                    subjects: .init(accountID: nomad.accountID.text, permitID: record.id.text),
                    payload: .init(
                        nationality: nationality,
                        months: "\(months)",
                        activities: activities.map(PermitRules.activityCode).joined(separator: ","),
                        startDate: start.iso,
                        renewsPermitID: renews?.text ?? "")))
            return try await PermitStore.find(tx, id: record.id)!.message(today: today)
        }
    }

    func getPermit(request: Nomad_Identity_V1_GetPermitRequest, context: ServerContext) async throws -> Permit {
        let principal = try caller
        // An officer of another department is refused whatever the id.
        if principal.role == .officer, !principal.isOfficer(of: Departments.permits) { throw NomadError.permissionDenied }
        let id = try Validate.uuid(request.id, "id")
        let record = try await database.read({ try await PermitStore.find($0, id: id) }).orNotFound("permit \(id.text)")
        guard record.applicantID == principal.accountID || principal.isOfficer(of: Departments.permits) else {
            throw NomadError.permissionDenied
        }
        return record.message(today: .today())
    }

    func listPermits(
        request: Nomad_Identity_V1_ListPermitsRequest, context: ServerContext
    ) async throws -> Nomad_Identity_V1_ListPermitsResponse {
        let principal = try caller
        let applicant: UUID?
        switch principal.role {
        case .nomad: applicant = principal.accountID
        case .officer where principal.isOfficer(of: Departments.permits): applicant = nil
        default: throw NomadError.permissionDenied
        }
        let page = try Page(request.page)
        let today = ZoneDay.today()
        guard
            let filter = try PermitRules.filter(
                applicant: applicant, status: request.status, expiringWithinDays: request.expiringWithinDays, today: today)
        else {
            // The filters contradict each other: nothing can match.
            return .listing(\.permits, [], page)
        }
        let records = try await database.read { tx in
            try await PermitStore.list(tx, filter: filter, page: page)
        }
        return .listing(\.permits, records.map { $0.message(today: today) }, page)
    }

    func decidePermit(request: Nomad_Identity_V1_DecidePermitRequest, context: ServerContext) async throws -> Permit {
        let officer = try caller
        let id = try Validate.uuid(request.id, "id")
        let reason = try Validate.text(request.reason, "reason", max: 500, required: !request.approve)
        let today = ZoneDay.today()
        return try await mutation(request) { tx in
            let record = try await PermitStore.find(tx, id: id, lock: .update).orNotFound("permit \(id.text)")
            guard record.storedStatus == .pending else {
                throw NomadError.wrongState("许可申请不在待审批状态", "the permit application is not pending a decision")
            }
            if request.approve {
                // Under the applicant's row lock, as ApplyPermit: another permit
                // may have been approved since this one was asked for.
                _ = try await AccountStore.find(tx, id: record.applicantID, forUpdate: true)
                let approved = try await PermitStore.standing(tx, applicant: record.applicantID)
                    .filter { $0.status(on: today) == .approved }
                if let clash = PermitRules.overlap(record.period, with: approved, except: id) {
                    throw IdentityErrors.permitOverlaps(clash.id)
                }
            }
            let before = try record.message(today: today).jsonString()
            let validity = request.approve ? PermitRules.validity(start: record.startDate, months: record.months) : nil
            try await PermitStore.decide(
                tx, id: id, status: request.approve ? .approved : .rejected, reason: reason,
                validFrom: validity?.from, validUntil: validity?.until)
            let updated = try await PermitStore.find(tx, id: id)!.message(today: today)
            try await DecisionAudit.append(
                tx, actor: officer, action: request.approve ? "permit.approve" : "permit.reject",
                subject: "permit/\(id.text)", reason: reason, before: before, after: try updated.jsonString())
            try await Outbox.append(
                tx,
                IdentityEvents.PermitDecided(
                    subjects: .init(accountID: record.applicantID.text, permitID: id.text),
                    payload: .init(
                        approved: request.approve ? "true" : "false", months: "\(record.months)",
                        validFrom: validity?.from.iso, validUntil: validity?.until.iso)))
            return updated
        }
    }

    func revokePermit(request: Nomad_Identity_V1_RevokePermitRequest, context: ServerContext) async throws -> Permit {
        let officer = try caller
        let id = try Validate.uuid(request.id, "id")
        let reason = try Validate.text(request.reason, "reason", max: 500)
        let today = ZoneDay.today()
        return try await mutation(request) { tx in
            let record = try await PermitStore.find(tx, id: id, lock: .update).orNotFound("permit \(id.text)")
            guard record.status(on: today) == .approved else {
                throw NomadError.wrongState("只能撤销已批准且未到期的许可", "only an approved permit that has not ended can be revoked")
            }
            let before = try record.message(today: today).jsonString()
            try await PermitStore.revoke(tx, id: id, reason: reason)
            let revoked = try await PermitStore.find(tx, id: id)!.message(today: today)
            try await DecisionAudit.append(
                tx, actor: officer, action: "permit.revoke", subject: "permit/\(id.text)", reason: reason,
                before: before, after: try revoked.jsonString())
            try await Outbox.append(
                tx,
                IdentityEvents.PermitRevoked(
                    subjects: .init(accountID: record.applicantID.text, permitID: id.text),
                    payload: .init(validUntil: record.validUntil?.iso ?? "", revokedOn: today.iso)))
            return revoked
        }
    }
}
