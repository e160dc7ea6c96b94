import GRPCCore

/// Which department decides what: each decision RPC of a service and the
/// department code (the token's `dept` claim) whose officers alone may call
/// it, following the lead units of the city's plan. The auth interceptor
/// applies it before any handler runs, so an officer of another department
/// is refused before their request is even validated. Other roles are left
/// to the role rules and the handlers (an admin keeps what the role allows,
/// an enterprise acting on its own records is not deciding for a department).
public struct DecisionOwners: Sendable {
    public let departments: [MethodDescriptor: String]

    public init(_ departments: [MethodDescriptor: String]) {
        self.departments = departments
    }

    public func owner(of method: MethodDescriptor) -> String? {
        departments[method]
    }

    /// Nil when the caller may go on; the refusal naming the owner otherwise.
    public func refusal(_ principal: Principal, calling method: MethodDescriptor) -> NomadError? {
        guard principal.role == .officer, let owner = departments[method], principal.department != owner else { return nil }
        return .decidedByAnotherDepartment(owner)
    }
}

extension NomadError {
    /// An officer asked to make a decision their department does not own.
    public static func decidedByAnotherDepartment(_ owner: String) -> NomadError {
        NomadError(
            .permissionDenied, zh: "此事项由部门 \(owner) 决定，您所在部门无权办理",
            en: "This decision belongs to the \(owner) department; your department may not make it")
    }
}
