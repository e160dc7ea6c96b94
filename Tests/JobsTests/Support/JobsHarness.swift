import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
@testable import Jobs
import NomadKit
import NomadProtos
import NomadTesting
import Testing

typealias JobsClient = Nomad_Jobs_V1_JobsService.Client<HTTP2ClientTransport.Posix>

/// A running jobs service and the callers tests need. Accounts live in
/// identity; here a caller is only a token identity would have signed.
struct JobsEnv {
    let app: TestApp
    let client: JobsClient

    struct Caller {
        let id: String
        let token: String
        var metadata: Metadata { callMetadata(token: token) }
        func metadata(language: String) -> Metadata { callMetadata(token: token, language: language) }
    }

    static func caller(_ role: Role, department: String? = nil, standing: NomadStanding? = nil) -> Caller {
        let id = UUID()
        return Caller(id: id.text, token: TestKeys.token(for: Principal(
            accountID: id, role: role, department: department, standing: standing)))
    }

    func nomad(standing: NomadStanding = .certified) -> Caller { Self.caller(.nomad, standing: standing) }
    func enterprise() -> Caller { Self.caller(.enterprise) }
    func officer(_ department: String = "talent") -> Caller { Self.caller(.officer, department: department) }
    func admin() -> Caller { Self.caller(.admin) }
}

func withJobs(_ body: (JobsEnv) async throws -> Void) async throws {
    try await withTestApp(JobsDefinition.make()) { app in
        try await body(JobsEnv(app: app, client: JobsClient(wrapping: app.client)))
    }
}
