import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NomadKit
import NomadProtos
import NomadTesting

typealias JobsClient = Nomad_Jobs_V1_JobsService.Client<HTTP2ClientTransport.Posix>
typealias AssetsClient = Nomad_Assets_V1_AssetsService.Client<HTTP2ClientTransport.Posix>
typealias EventsClient = Nomad_Events_V1_EventsService.Client<HTTP2ClientTransport.Posix>
typealias AnalyticsClient = Nomad_Analytics_V1_AnalyticsService.Client<HTTP2ClientTransport.Posix>
typealias HealthClient = Grpc_Health_V1_Health.Client<HTTP2ClientTransport.Posix>

/// The five services as real processes, the producers relaying to analytics,
/// as `nomadctl up` runs them.
enum WholeSuite {
    static let services = ["identity", "jobs", "assets", "events", "analytics"]
    /// Signs the relays' calls to analytics in these tests.
    static let serviceKey = SigningKey.generate(keyID: "suite-tests-service-1")

    static func run<Result: Sendable>(
        _ members: [SuiteMember] = services.map { SuiteMember($0) }, databaseURL: String? = nil,
        _ body: (ServiceSuite) async throws -> Result
    ) async throws -> Result {
        try await withServiceSuite(members, serviceTokenKey: serviceKey, databaseURL: databaseURL, body)
    }

    /// Every KPI's value for the zone's current year, by code, as an officer reads them.
    static func kpis(_ analytics: AnalyticsClient) async throws -> [String: Int64] {
        let list = try await analytics.listKpis(.init(), metadata: TestCaller.make(.officer, department: "statistics").metadata)
        return Dictionary(uniqueKeysWithValues: list.kpis.map { ($0.kpi.code, $0.value) })
    }

    /// What `grpc.health.v1` says for the whole server; nil when it does not answer.
    static func health(_ service: SuiteService) async -> Grpc_Health_V1_HealthCheckResponse.ServingStatus? {
        guard let client = try? service.client else { return nil }
        var options = CallOptions.defaults
        options.timeout = .seconds(2)
        return try? await HealthClient(wrapping: client).check(.init(), options: options).status
    }
}

extension WholeSuite {
    /// The suite member serving a gRPC service ("nomad.jobs.v1.JobsService" is "jobs").
    static func service(for fullyQualifiedService: String) -> String {
        fullyQualifiedService.split(separator: ".").dropFirst().first.map(String.init) ?? fullyQualifiedService
    }

    /// A token as an outbox relay signs it for analytics, with the suite's service key.
    static func relayToken() throws -> String {
        try ServiceTokens(key: serviceKey).issue(caller: UUID(), for: .ingestEvents).token
    }

    /// A token as a revocation poller signs it for identity.
    static func pollerToken() throws -> String {
        try ServiceTokens(key: serviceKey).issue(caller: UUID(), for: .readRevocations).token
    }
}

extension WholeSuite {
    /// Identity's bootstrap admin in suites that start `withBootstrapAdmin`.
    static let adminUsername = "suite-admin"
    static let adminPassword = "suite-admin-\(UUID().uuidString.prefix(8))"

    /// The five services, identity creating the bootstrap admin at start.
    static var withBootstrapAdmin: [SuiteMember] {
        services.map { service in
            SuiteMember(
                service,
                environment: service == "identity"
                    ? [
                        "NOMAD_BOOTSTRAP_ADMIN_USERNAME": adminUsername, "NOMAD_BOOTSTRAP_ADMIN_PASSWORD": adminPassword,
                    ] : [:])
        }
    }

    /// The bootstrap admin, signed in through identity's Login.
    static func admin(_ identity: IdentityClient) async throws -> TestCaller {
        try await ScenarioIdentity.login(identity, username: adminUsername, password: adminPassword)
    }
}
