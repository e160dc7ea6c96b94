import Foundation
import GRPCCore
import NomadKit
import NomadProtos

// PLACEHOLDER: replaced by the implementation of this area.
extension JobsService {
    func publishJob(request: Nomad_Jobs_V1_PublishJobRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Job {
        throw RPCError(code: .unimplemented, message: "publishJob")
    }

    func ingestJobs(request: RPCAsyncSequence<Nomad_Jobs_V1_IngestJobsItem, any Error>, context: ServerContext) async throws -> Nomad_Jobs_V1_IngestJobsResponse {
        throw RPCError(code: .unimplemented, message: "ingestJobs")
    }

    func getJob(request: Nomad_Jobs_V1_GetJobRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Job {
        throw RPCError(code: .unimplemented, message: "getJob")
    }

    func listJobs(request: Nomad_Jobs_V1_ListJobsRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_ListJobsResponse {
        throw RPCError(code: .unimplemented, message: "listJobs")
    }

    func summarizeDemand(request: Nomad_Jobs_V1_SummarizeDemandRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_SummarizeDemandResponse {
        throw RPCError(code: .unimplemented, message: "summarizeDemand")
    }

    func closeJob(request: Nomad_Jobs_V1_CloseJobRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Job {
        throw RPCError(code: .unimplemented, message: "closeJob")
    }
}
