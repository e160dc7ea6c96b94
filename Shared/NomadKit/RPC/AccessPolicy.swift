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

    /// Methods that more than one area names. Whichever rule won would be an
    /// accident of merge order, so `NomadApp` refuses to start with any.
    public let duplicates: [MethodDescriptor]

    public init(_ rules: [MethodDescriptor: Rule], owners: DecisionOwners = DecisionOwners([:])) {
        self.init(areas: [rules], owners: owners)
    }

    /// The policy of a service whose areas keep their rules in files of their own.
    public init(areas: [[MethodDescriptor: Rule]], owners: DecisionOwners = DecisionOwners([:])) {
        var rules: [MethodDescriptor: Rule] = [:]
        var duplicates: [MethodDescriptor] = []
        for area in areas {
            for (method, rule) in area {
                if rules.updateValue(rule, forKey: method) != nil { duplicates.append(method) }
            }
        }
        self.rules = rules
        self.owners = owners
        self.duplicates = duplicates.sorted { $0.fullyQualifiedMethod < $1.fullyQualifiedMethod }
    }

    public func rule(for method: MethodDescriptor) -> Rule? {
        rules[method]
    }
}
