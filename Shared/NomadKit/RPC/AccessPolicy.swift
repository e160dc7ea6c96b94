import GRPCCore

/// Who may call each RPC of a service. Every method of a service must appear:
/// the auth interceptor refuses methods without a rule, so forgetting one
/// fails closed. Ownership ("only their own records") is checked by handlers.
public struct AccessPolicy: Sendable {
    public enum Rule: Sendable, Equatable {
        /// No token needed; a valid token still identifies the caller.
        case open
        /// A valid token with one of these roles.
        case roles(Set<Role>)
    }

    public let rules: [MethodDescriptor: Rule]
    /// The department whose officers alone may make each decision (the
    /// service's `DecisionOwners` table). Admins keep their role's power.
    public let owners: DecisionOwners

    public init(_ rules: [MethodDescriptor: Rule], owners: DecisionOwners = DecisionOwners([:])) {
        self.rules = rules
        self.owners = owners
    }

    public func rule(for method: MethodDescriptor) -> Rule? {
        rules[method]
    }
}
