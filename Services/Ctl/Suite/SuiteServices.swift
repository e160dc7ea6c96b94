import NomadKit

/// One service of the suite as `nomadctl up` runs it. Adding a service to
/// local runs is one line in `SuiteService.all`.
struct SuiteService: Sendable {
    /// "identity", "jobs", ...: also the schema it owns and the key of
    /// `NomadConfig.defaultPorts`.
    let name: String
    /// The executable's file name, looked up in the bin directory.
    let executable: String
    /// Variables only this service gets, on top of the ones every service gets
    /// (see `LocalSuite.environment(for:)`).
    let environment: @Sendable (SuiteContext) -> [String: String]
    /// A gRPC service with a schema of its own, or the web portal, which has
    /// neither: it serves HTTP and calls the others.
    let kind: Kind

    enum Kind: Sendable {
        case grpc
        case web
    }

    init(
        _ name: String, executable: String, kind: Kind = .grpc,
        environment: @escaping @Sendable (SuiteContext) -> [String: String] = { _ in [:] }
    ) {
        self.name = name
        self.executable = executable
        self.kind = kind
        self.environment = environment
    }

    /// Its database roles: `nomad_<name>` serves, `nomad_<name>_owner` owns
    /// schema `name` and migrates it.
    var roles: ServiceRoles { ServiceRoles(service: name) }

    var defaultPorts: Ports {
        if kind == .web { return Ports(grpc: 8080, metrics: 9056) }
        let ports = NomadConfig.defaultPorts[name] ?? (50050, 9050)
        return Ports(grpc: ports.grpc, metrics: ports.metrics)
    }

    /// In start order: identity first, since every other service verifies its tokens.
    static let all: [SuiteService] = [
        SuiteService("identity", executable: "nomad-identity") { suite in
            [
                "NOMAD_SIGNING_KEY": suite.signingKey.encoded,
                "NOMAD_BOOTSTRAP_ADMIN_USERNAME": suite.adminUsername,
                "NOMAD_BOOTSTRAP_ADMIN_PASSWORD": suite.adminPassword,
                // Verifies the revocation pollers' service tokens.
                "NOMAD_SERVICE_TOKEN_KEY": suite.serviceTokenKey.encoded,
            ].merging(relay(suite)) { own, _ in own }
        },
        SuiteService("jobs", executable: "nomad-jobs") { suite in relay(suite).merging(revocations(suite)) { own, _ in own } },
        SuiteService("assets", executable: "nomad-assets") { suite in relay(suite).merging(revocations(suite)) { own, _ in own } },
        // Tickets are signed with the events service's own key, kept like identity's.
        SuiteService("events", executable: "nomad-events") { suite in
            ["NOMAD_EVENTS_TICKET_KEY": suite.eventsTicketKey.encoded]
                .merging(relay(suite)) { own, _ in own }.merging(revocations(suite)) { own, _ in own }
        },
        // Verifies the relays' service tokens; relays nothing itself.
        SuiteService("analytics", executable: "nomad-analytics") { suite in
            ["NOMAD_SERVICE_TOKEN_KEY": suite.serviceTokenKey.encoded].merging(revocations(suite)) { own, _ in own }
        },
        // Last: it calls every other service, as the signed-in person. It
        // names visitors to the services in x-forwarded-for, which they
        // trust from loopback (services(_:) sets NOMAD_TRUSTED_FORWARDERS).
        SuiteService("portal", executable: "nomad-portal", kind: .web) { suite in
            var environment = [
                "NOMAD_PORTAL_HTTP_PORT": String(suite.ports["portal"]?.grpc ?? 8080),
                "NOMAD_PORTAL_METRICS_PORT": String(suite.ports["portal"]?.metrics ?? 9056),
            ]
            for service in ["identity", "jobs", "assets", "events", "analytics"] where suite.ports[service] != nil {
                environment["NOMAD_\(service.uppercased())_ADDRESS"] = suite.address(of: service)
            }
            return environment
        },
    ]

    /// What a service needs to poll identity's list of disabled accounts;
    /// nothing when this run has no identity.
    @Sendable static func revocations(_ suite: SuiteContext) -> [String: String] {
        guard suite.ports["identity"] != nil else { return [:] }
        return ["NOMAD_IDENTITY_ADDRESS": suite.address(of: "identity"), "NOMAD_SERVICE_TOKEN_KEY": suite.serviceTokenKey.encoded]
    }

    /// What a service needs to relay its outbox to analytics; nothing when
    /// this run has no analytics (its events then wait in the outbox).
    @Sendable static func relay(_ suite: SuiteContext) -> [String: String] {
        guard suite.ports["analytics"] != nil else { return [:] }
        return ["NOMAD_ANALYTICS_ADDRESS": suite.address(of: "analytics"), "NOMAD_SERVICE_TOKEN_KEY": suite.serviceTokenKey.encoded]
    }

    static func named(_ name: String) -> SuiteService? {
        all.first { $0.name == name }
    }
}

struct Ports: Sendable, Equatable {
    var grpc: Int
    var metrics: Int
}

/// What a service's environment may refer to: the suite's secrets and where
/// every service listens (for services that call each other).
struct SuiteContext: Sendable {
    let signingKey: SigningKey
    let eventsTicketKey: SigningKey
    /// Signs the relays' calls to analytics.
    let serviceTokenKey: SigningKey
    /// NOMAD_DATA_KEYS and NOMAD_DATA_HASH_KEY, the same for every service of the run.
    let dataKeys: String
    let dataHashKey: String
    let adminUsername: String
    let adminPassword: String
    let ports: [String: Ports]

    /// "127.0.0.1:50051" for `service`, for a NOMAD_<X>_ADDRESS variable.
    func address(of service: String) -> String {
        "127.0.0.1:\(ports[service]?.grpc ?? 0)"
    }
}
