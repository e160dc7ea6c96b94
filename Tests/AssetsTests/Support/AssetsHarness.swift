import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
@testable import Assets
import NomadKit
import NomadProtos
import NomadTesting
import Testing

typealias AssetsClient = Nomad_Assets_V1_AssetsService.Client<HTTP2ClientTransport.Posix>

/// A running assets service and the callers tests need.
struct AssetsEnv: TestCallers {
    /// Most assets decisions are the data bureau's (AssetsDecisionOwners).
    static let officerDepartment = "data"
    let app: TestApp
    let client: AssetsClient

    /// Tokens, the QFLP whitelist and bubble alerts.
    func financeOfficer() -> Caller { officer("finance") }
    /// The exchange rate and merchants.
    func tourismOfficer() -> Caller { officer("culture_tourism") }
}

func withAssets(_ body: (AssetsEnv) async throws -> Void) async throws {
    try await withTestApp(AssetsDefinition.make()) { app in
        try await body(AssetsEnv(app: app, client: AssetsClient(wrapping: app.client)))
    }
}
