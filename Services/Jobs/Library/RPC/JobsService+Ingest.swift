import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

extension JobsService {
    /// Items past this many are not processed; the first of them says so.
    static let maxIngestItems = 10_000

    /// Upserts postings by (enterprise, external_id). Each item commits on its
    /// own, so a bad or failing item neither stops the stream nor undoes the
    /// items before it; replaying a stream finds every item UNCHANGED.
    func ingestJobs(
        request: RPCAsyncSequence<Nomad_Jobs_V1_IngestJobsItem, any Error>, context: ServerContext
    ) async throws -> Nomad_Jobs_V1_IngestJobsResponse {
        let enterpriseID = try caller.accountID
        var response = Nomad_Jobs_V1_IngestJobsResponse()
        var seen = Set<String>()
        var index = 0
        for try await item in request {
            defer { index += 1 }
            if index >= Self.maxIngestItems {
                response.rejected += 1
                if index == Self.maxIngestItems {
                    response.results.append(rejection(index: index, externalID: item.job.externalID, IngestRules.tooMany))
                }
                continue
            }
            let result = await ingestOne(item.job, index: index, enterpriseID: enterpriseID, seen: &seen)
            switch result.outcome {
            case .created: response.created += 1
            case .updated: response.updated += 1
            case .unchanged: response.unchanged += 1
            default: response.rejected += 1
            }
            response.results.append(result)
        }
        return response
    }

    private func ingestOne(
        _ job: Nomad_Jobs_V1_Job, index: Int, enterpriseID: UUID, seen: inout Set<String>
    ) async -> Nomad_Jobs_V1_IngestResult {
        let externalID = job.externalID.trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            let posting = try JobPosting(job, requireExternalID: true)
            guard seen.insert(externalID).inserted else { throw IngestRules.duplicate }
            let (outcome, jobID) = try await database.transaction { tx in
                try await upsert(tx, try await resolveSkills(tx, posting), enterpriseID: enterpriseID)
            }
            return .with {
                $0.index = Int32(index)
                $0.externalID = externalID
                $0.outcome = outcome
                $0.jobID = jobID.text
            }
        } catch let error as NomadError {
            return rejection(index: index, externalID: externalID, error)
        } catch {
            logger.error("ingest item failed", metadata: ["index": "\(index)", "error": "\(String(reflecting: error))"])
            return rejection(index: index, externalID: externalID, .internalError)
        }
    }

    private func upsert(
        _ tx: Tx, _ posting: JobPosting, enterpriseID: UUID
    ) async throws -> (Nomad_Jobs_V1_IngestOutcome, UUID) {
        let externalID = posting.externalID ?? ""
        var existing = try await JobStore.findExternal(tx, enterpriseID: enterpriseID, externalID: externalID)
        if existing == nil {
            do {
                return (.created, try await createJob(tx, posting, enterpriseID: enterpriseID).id)
            } catch let error as NomadError where error.code == .alreadyExists {
                // Another stream created it meanwhile; ours becomes an update.
                existing = try await JobStore.findExternal(tx, enterpriseID: enterpriseID, externalID: externalID)
            }
        }
        guard let current = existing else { throw NomadError.internalError }
        let hash = posting.contentHash
        if current.contentHash == hash { return (.unchanged, current.id) }
        try IngestRules.checkUpdate(of: current, to: posting)
        try await JobStore.update(tx, id: current.id, posting: posting, hash: hash)
        try await Outbox.append(
            tx,
            JobsEvents.PostingUpdated(
                subjects: .init(jobID: current.id.text, enterpriseID: enterpriseID.text),
                payload: .init(posting)))
        return (.updated, current.id)
    }

    private func rejection(index: Int, externalID: String, _ error: NomadError) -> Nomad_Jobs_V1_IngestResult {
        .with {
            $0.index = Int32(index)
            $0.externalID = externalID
            $0.outcome = .rejected
            $0.errorCode = error.code.statusName
            $0.errorMessage = error.message.text(language)
        }
    }
}

/// What an ingested update may change. A job nobody has taken a seat in may
/// change freely. Once seats are taken, orders rest on the mode (it decides
/// the contract kind), so the mode stays, and seats may not drop below those
/// taken. A closed job stays closed: its content is no longer updated.
enum IngestRules {
    static func checkUpdate(of job: JobRecord, to posting: JobPosting) throws {
        guard job.status != JobRecord.closed else {
            throw NomadError.wrongState("岗位已关闭，不再更新", "the job is closed and no longer updated")
        }
        guard job.seatsTaken > 0 else { return }
        guard posting.mode == job.posting.mode else {
            throw NomadError.wrongState("已有人接单，不能更改用工方式", "seats are taken, so the mode cannot change")
        }
        guard posting.seats >= job.seatsTaken else {
            throw NomadError.wrongState(
                "名额不能少于已被占用的 \(job.seatsTaken) 个", "seats cannot drop below the \(job.seatsTaken) already taken")
        }
    }

    static let duplicate = NomadError.invalid(
        "external_id", zh: "同一数据流中外部编号重复", en: "duplicate external id in this stream")

    static let tooMany = NomadError(
        .resourceExhausted, zh: "数据流超过 \(JobsService.maxIngestItems) 条，此条及之后的条目均未处理",
        en: "The stream exceeded \(JobsService.maxIngestItems) items; this item and every later one were not processed")
}
