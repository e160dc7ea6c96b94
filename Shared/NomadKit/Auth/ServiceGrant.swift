/// What a service token is good for: one gRPC service (its audience) and the
/// methods of it the bearer may call. The token names a grant; the methods
/// come from this list in the verifier's own code, never from the token, so a
/// token cannot widen what it was issued for. Adding a service-to-service
/// call is one grant here and `.service` in the callee's access rule.
public struct ServiceGrant: Sendable, Equatable {
    /// The token's `scope` claim.
    public let name: String
    /// The token's `aud`: the fully qualified gRPC service that accepts it.
    public let audience: String
    /// Method names (as in the descriptor, "IngestEvents") it allows there.
    public let methods: Set<String>

    /// The outbox relays feeding analytics.
    public static let ingestEvents = ServiceGrant(
        name: "analytics.ingest", audience: "nomad.analytics.v1.AnalyticsService", methods: ["IngestEvents"])
    /// The revocation pollers reading identity's list of disabled accounts.
    public static let readRevocations = ServiceGrant(
        name: "identity.revocations", audience: "nomad.identity.v1.IdentityService", methods: ["ListRevokedAccounts"])

    public static let all: [ServiceGrant] = [ingestEvents, readRevocations]

    static func named(_ name: String) -> ServiceGrant? {
        all.first { $0.name == name }
    }

    /// Whether the grant covers `method` of `service`.
    public func allows(service: String, method: String) -> Bool {
        service == audience && methods.contains(method)
    }
}
