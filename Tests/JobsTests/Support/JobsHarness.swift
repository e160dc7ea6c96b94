import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
@testable import Jobs
import NomadKit
import NomadProtos
import NomadTesting
import Testing

typealias JobsClient = Nomad_Jobs_V1_JobsService.Client<HTTP2ClientTransport.Posix>

/// A running jobs service and the callers tests need.
struct JobsEnv: TestCallers {
    static let officerDepartment = "science_industry"
    let app: TestApp
    let client: JobsClient
}

func withJobs(_ body: (JobsEnv) async throws -> Void) async throws {
    try await withTestApp(JobsDefinition.make()) { app in
        try await body(JobsEnv(app: app, client: JobsClient(wrapping: app.client)))
    }
}
