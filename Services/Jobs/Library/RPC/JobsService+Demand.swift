import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO

extension JobsService {
    func publishJob(request: Nomad_Jobs_V1_PublishJobRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Job {
        let principal = try caller
        let posting = try JobPosting(request.job)
        return try await mutation(request) { tx in
            let resolved = try await resolveSkills(tx, posting)
            return try await createJob(tx, resolved, enterpriseID: principal.accountID).message
        }
    }

    func getJob(request: Nomad_Jobs_V1_GetJobRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Job {
        let id = try Validate.uuid(request.jobID, "job_id")
        let job = try await database.read({ try await JobStore.find($0, id: id) }).orNotFound("job \(id.text)")
        return job.message
    }

    /// Open to anyone. A signed-in caller lists jobs of any status; an
    /// anonymous one only open jobs, without what is not public (see
    /// `Nomad_Jobs_V1_Job.publicView`), and asking for another status is
    /// UNAUTHENTICATED.
    func listJobs(request: Nomad_Jobs_V1_ListJobsRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_ListJobsResponse {
        let anonymous = signedInCaller == nil
        let page = try Page(request.page)
        let status = try DemandRules.status(request.status)
        if anonymous, status != JobRecord.open { throw NomadError.signInForMore }
        var filter = DemandFilter(
            enterpriseID: try DemandRules.enterprise(request.enterpriseID), mode: try DemandRules.mode(request.mode),
            status: status)
        let skill = request.skillCode.isEmpty ? nil : try SkillTerms.code(request.skillCode, "skill_code")
        filter.skillCode = skill
        let jobs = try await database.read { tx in
            if let skill, !(try await SkillStore.exists(tx, code: skill)) {
                throw JobsErrors.unknownSkill(skill)
            }
            return try await JobStore.list(tx, filter: filter, page: page)
        }
        return .listing(\.jobs, jobs.map { anonymous ? $0.message.publicView : $0.message }, page)
    }

    func summarizeDemand(
        request: Nomad_Jobs_V1_SummarizeDemandRequest, context: ServerContext
    ) async throws -> Nomad_Jobs_V1_SummarizeDemandResponse {
        let page = try Page(request.page)
        let filter = DemandFilter(
            enterpriseID: try DemandRules.enterprise(request.enterpriseID), mode: try DemandRules.mode(request.mode))
        let rows = try await database.read { tx in
            try await JobStore.summarize(tx, filter: filter, page: page)
        }
        return .listing(\.skills, rows.map(\.message), page)
    }

    /// The owning enterprise, or staff. Orders already made keep running;
    /// only new applications and claims stop (SeatStore needs status OPEN).
    func closeJob(request: Nomad_Jobs_V1_CloseJobRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Job {
        let principal = try caller
        let id = try Validate.uuid(request.jobID, "job_id")
        return try await mutation(request) { tx in
            let job = try await JobStore.find(tx, id: id, lock: .update).orNotFound("job \(id.text)")
            if principal.role == .enterprise, job.enterpriseID != principal.accountID { throw NomadError.permissionDenied }
            let reason = try Validate.text(request.reason, "reason", max: 500)
            guard job.status != JobRecord.closed else { throw NomadError.wrongState("岗位已关闭", "the job is already closed") }
            try await JobStore.close(tx, id: id, reason: reason)
            try await Outbox.append(
                tx,
                JobsEvents.PostingClosed(
                    subjects: .init(jobID: id.text, enterpriseID: job.enterpriseID.text, actorID: principal.accountID.text),
                    payload: .init(
                        mode: job.posting.mode.rawValue, seats: Int(job.posting.seats), seatsTaken: Int(job.seatsTaken),
                        byRole: principal.role.rawValue, reason: reason)))
            let closed = try await JobStore.find(tx, id: id)!.message
            // Staff closing an enterprise's job decide for it; the enterprise closing its own does not.
            if principal.role != .enterprise {
                try await audit(tx, principal, "job.close", subject: "job/\(id.text)", reason: reason, before: job.message, after: closed)
            }
            return closed
        }
    }

    /// The posting with its skill terms mapped to codes.
    func resolveSkills(_ tx: Tx, _ posting: JobPosting) async throws -> JobPosting {
        try posting.resolved(try await SkillStore.resolve(tx, terms: posting.skillTerms))
    }

    /// Inserts a resolved posting as a new open job, with its event.
    func createJob(_ tx: Tx, _ posting: JobPosting, enterpriseID: UUID) async throws -> JobRecord {
        let record = JobRecord(id: UUID(), enterpriseID: enterpriseID, posting: posting, contentHash: posting.contentHash)
        try await JobStore.insert(tx, record)
        try await Outbox.append(
            tx,
            JobsEvents.PostingPublished(
                subjects: .init(jobID: record.id.text, enterpriseID: enterpriseID.text),
                payload: .init(posting)))
        return try await JobStore.find(tx, id: record.id)!
    }
}

/// Filters of the demand list, read from requests.
enum DemandRules {
    static func enterprise(_ value: String) throws -> UUID? {
        value.isEmpty ? nil : try Validate.uuid(value, "enterprise_id")
    }

    /// Unspecified: every mode. Bounties are listed too (PublishBounty posts them).
    static func mode(_ mode: Nomad_Jobs_V1_JobMode) throws -> Int16? {
        switch mode {
        case .unspecified: return nil
        case .remoteOrder, .longContract, .flexible, .openBounty: return Int16(mode.rawValue)
        default: throw NomadError.unknownEnum("mode")
        }
    }

    static func status(_ status: Nomad_Jobs_V1_JobStatus) throws -> Int16 {
        switch status {
        case .unspecified: return JobRecord.open
        case .open, .filled, .closed: return Int16(status.rawValue)
        default: throw NomadError.unknownEnum("status")
        }
    }
}
