import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO

extension IdentityService {
    typealias Permit = Nomad_Identity_V1_Permit

    func applyPermit(request: Nomad_Identity_V1_ApplyPermitRequest, context: ServerContext) async throws -> Permit {
        let nomad = try caller
        let today = ZoneDay.today()
        let months = try PermitRules.months(request.months)
        let activities = try PermitRules.activities(request.activities)
        let start = try PermitRules.startDate(request.hasStartDate ? request.startDate : nil, today: today)
        let documentIDs = try DocumentRules.ids(request.documentIds, "document_ids")
        return try await mutation("ApplyPermit", requestID: request.requestID, request: request) { connection in
            guard let account = try await AccountStore.find(connection, id: nomad.accountID, logger: logger),
                  account.role == .nomad
            else { throw NomadError.notFound("account \(nomad.accountID.text)") }
            guard let nationality = account.nationality, nationality != "CN" else { throw IdentityErrors.notForeign }
            let documents = try await citableDocuments(
                connection, documentIDs, owner: nomad.accountID, purpose: .permit, field: "document_ids")
            let record = PermitRecord(
                id: UUID(), applicantID: nomad.accountID, months: months, activities: activities, storedStatus: .pending,
                decisionReason: "", startDate: start, validFrom: nil, validUntil: nil, createdAt: Date(), decidedAt: nil)
            try await PermitStore.insert(connection, record, logger: logger)
            try await DocumentCitationStore.cite(
                connection, documents: documents.map(\.id), kind: .permit, caseID: record.id,
                department: Departments.permits, logger: logger)
            try await Outbox.append(
                connection, type: "identity.permit.applied",
                subjectIDs: ["account_id": nomad.accountID.text, "permit_id": record.id.text],
                payload: [
                    "nationality": nationality,
                    "months": "\(months)",
                    "activities": activities.map(PermitRules.activityCode).joined(separator: ","),
                    "start_date": start.iso,
                ], logger: logger)
            return try await PermitStore.find(connection, id: record.id, logger: logger)!.message(today: today)
        }
    }

    func getPermit(request: Nomad_Identity_V1_GetPermitRequest, context: ServerContext) async throws -> Permit {
        let principal = try caller
        // An officer of another department is refused whatever the id.
        if principal.role == .officer, !principal.isOfficer(of: Departments.permits) { throw NomadError.permissionDenied }
        let id = try Validate.uuid(request.id, "id")
        guard let record = try await database.read({ try await PermitStore.find($0, id: id, logger: logger) }) else {
            throw NomadError.notFound("permit \(id.text)")
        }
        guard record.applicantID == principal.accountID || principal.isOfficer(of: Departments.permits) else {
            throw NomadError.permissionDenied
        }
        return record.message(today: .today())
    }

    func listPermits(request: Nomad_Identity_V1_ListPermitsRequest, context: ServerContext) async throws -> Nomad_Identity_V1_ListPermitsResponse {
        let principal = try caller
        let applicant: UUID?
        switch principal.role {
        case .nomad: applicant = principal.accountID
        case .officer where principal.isOfficer(of: Departments.permits): applicant = nil
        default: throw NomadError.permissionDenied
        }
        let page = try Page(request.page)
        let today = ZoneDay.today()
        guard let filter = try PermitRules.filter(
            applicant: applicant, status: request.status, expiringWithinDays: request.expiringWithinDays, today: today)
        else {
            // The filters contradict each other: nothing can match.
            return .with { $0.page = page.response(fetched: 0) }
        }
        let records = try await database.read { connection in
            try await PermitStore.list(connection, filter: filter, page: page, logger: logger)
        }
        return .with {
            $0.permits = records.prefix(page.limit).map { $0.message(today: today) }
            $0.page = page.response(fetched: records.count)
        }
    }

    func decidePermit(request: Nomad_Identity_V1_DecidePermitRequest, context: ServerContext) async throws -> Permit {
        let officer = try caller
        let id = try Validate.uuid(request.id, "id")
        let reason = try Validate.text(request.reason, "reason", max: 500, required: !request.approve)
        let today = ZoneDay.today()
        return try await mutation("DecidePermit", requestID: request.requestID, request: request) { connection in
            guard let record = try await PermitStore.find(connection, id: id, forUpdate: true, logger: logger) else {
                throw NomadError.notFound("permit \(id.text)")
            }
            guard record.storedStatus == .pending else {
                throw NomadError.wrongState("许可申请不在待审批状态", "the permit application is not pending a decision")
            }
            let before = try record.message(today: today).jsonString()
            let validity = request.approve ? PermitRules.validity(start: record.startDate, months: record.months) : nil
            try await PermitStore.decide(
                connection, id: id, status: request.approve ? .approved : .rejected, reason: reason,
                validFrom: validity?.from, validUntil: validity?.until, logger: logger)
            let updated = try await PermitStore.find(connection, id: id, logger: logger)!.message(today: today)
            try await AuditStore.append(
                connection, actor: officer, action: request.approve ? "permit.approve" : "permit.reject",
                subject: "permit/\(id.text)", reason: reason, before: before, after: try updated.jsonString(), logger: logger)
            var payload = ["approved": request.approve ? "true" : "false", "months": "\(record.months)"]
            if let validity {
                payload["valid_from"] = validity.from.iso
                payload["valid_until"] = validity.until.iso
            }
            try await Outbox.append(
                connection, type: "identity.permit.decided",
                subjectIDs: ["account_id": record.applicantID.text, "permit_id": id.text], payload: payload, logger: logger)
            return updated
        }
    }
}

/// Input and validity rules for foreign nomads' work and residence permits.
enum PermitRules {
    static let months = 6...12
    /// How far ahead a permit may be asked to start.
    static let maxMonthsAhead = 12
    /// Upper bound for `expiring_within_days`: ten years covers every permit.
    static let maxExpiringWithinDays = 3660

    static func months(_ value: Int32) throws -> Int {
        guard months.contains(Int(value)) else {
            throw NomadError.invalid("months", zh: "须在 6 到 12 之间", en: "between 6 and 12")
        }
        return Int(value)
    }

    /// At least one known activity, each at most once.
    static func activities(_ values: [Nomad_Identity_V1_PermitActivity]) throws -> [Nomad_Identity_V1_PermitActivity] {
        if values.isEmpty { throw NomadError.required("activities") }
        for value in values {
            switch value {
            case .remoteSoftwareDevelopment, .digitalContentCreation, .crossBorderEcommerce: continue
            case .unspecified, .UNRECOGNIZED: throw NomadError.unknownEnum("activities")
            }
        }
        guard Set(values.map(\.rawValue)).count == values.count else {
            throw NomadError.invalid("activities", zh: "不能重复", en: "must not repeat")
        }
        return values
    }

    /// A real calendar day, from today (zone time) to one year ahead.
    static func startDate(_ value: Nomad_Common_V1_Date?, today: ZoneDay) throws -> ZoneDay {
        guard let value else { throw NomadError.required("start_date") }
        guard let day = ZoneDay(value) else {
            throw NomadError.invalid("start_date", zh: "不是有效的日期", en: "not a valid calendar date")
        }
        guard day >= today else {
            throw NomadError.invalid("start_date", zh: "不能早于今天（北京时间）", en: "must be today or later (zone time)")
        }
        guard day <= today.adding(months: maxMonthsAhead) else {
            throw NomadError.invalid("start_date", zh: "最多可提前一年", en: "at most one year ahead")
        }
        return day
    }

    /// Valid from the start day through the day before the same date
    /// `months` later (a day-31 start ends on the month's last day minus one
    /// when the later month is shorter, as calendar month addition clamps).
    static func validity(start: ZoneDay, months: Int) -> (from: ZoneDay, until: ZoneDay) {
        (start, start.adding(months: months).adding(days: -1))
    }

    /// The stored-column filter for a list request, or nil when the request's
    /// filters exclude each other (e.g. status PENDING and expiring soon).
    static func filter(
        applicant: UUID?, status: Nomad_Identity_V1_PermitStatus, expiringWithinDays: Int32, today: ZoneDay
    ) throws -> PermitFilter? {
        var filter = PermitFilter(applicant: applicant)
        switch status {
        case .unspecified: break
        case .pending, .rejected: filter.storedStatus = status
        case .approved:
            filter.storedStatus = .approved
            filter.validUntilFrom = today
        case .expired:
            filter.storedStatus = .approved
            filter.validUntilTo = today.adding(days: -1)
        case .UNRECOGNIZED: throw NomadError.unknownEnum("status")
        }
        guard (0...maxExpiringWithinDays).contains(Int(expiringWithinDays)) else {
            throw NomadError.invalid(
                "expiring_within_days", zh: "须在 0 到 \(maxExpiringWithinDays) 之间", en: "between 0 and \(maxExpiringWithinDays)")
        }
        if expiringWithinDays > 0 {
            if let stored = filter.storedStatus, stored != .approved { return nil }
            filter.storedStatus = .approved
            filter.validUntilFrom = max(filter.validUntilFrom ?? today, today)
            let end = today.adding(days: Int(expiringWithinDays))
            filter.validUntilTo = min(filter.validUntilTo ?? end, end)
            filter.orderByValidUntil = true
        }
        if let from = filter.validUntilFrom, let to = filter.validUntilTo, from > to { return nil }
        return filter
    }

    /// The activity's name for events: stable, readable, independent of enum numbering.
    static func activityCode(_ activity: Nomad_Identity_V1_PermitActivity) -> String {
        switch activity {
        case .remoteSoftwareDevelopment: return "remote_software_development"
        case .digitalContentCreation: return "digital_content_creation"
        case .crossBorderEcommerce: return "cross_border_ecommerce"
        case .unspecified, .UNRECOGNIZED: return "unspecified"
        }
    }
}
