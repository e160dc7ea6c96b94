import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
@testable import Assets
import NomadKit
import NomadProtos
import NomadTesting
import Testing

typealias AssetsClient = Nomad_Assets_V1_AssetsService.Client<HTTP2ClientTransport.Posix>

/// A running assets service and the callers tests need. Accounts live in
/// identity; here a caller is only a token identity would have signed.
struct AssetsEnv {
    let app: TestApp
    let client: AssetsClient

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
    func officer(_ department: String = "assets") -> Caller { Self.caller(.officer, department: department) }
    func admin() -> Caller { Self.caller(.admin) }
}

func withAssets(_ body: (AssetsEnv) async throws -> Void) async throws {
    try await withTestApp(AssetsDefinition.make()) { app in
        try await body(AssetsEnv(app: app, client: AssetsClient(wrapping: app.client)))
    }
}
