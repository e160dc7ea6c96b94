import Foundation
import GRPCCore

/// The roles the suite knows. Raw values are what access tokens carry.
public enum Role: String, Sendable, CaseIterable, Codable {
    case nomad
    case enterprise
    case officer
    case admin
    case service
}

/// A nomad's standing with identity, carried in their access token so other
/// services know it without calling identity back. It is as fresh as the
/// token: a nomad certified a minute ago shows it after their next refresh.
public enum NomadStanding: String, Sendable, Codable, CaseIterable {
    case registered
    case certified
    case settled
}

/// Who is calling: taken from a verified access token.
public struct Principal: Sendable, Equatable {
    public let accountID: UUID
    public let role: Role
    /// Officers are bound to one department.
    public let department: String?
    /// Nomads only.
    public let standing: NomadStanding?

    public init(accountID: UUID, role: Role, department: String? = nil, standing: NomadStanding? = nil) {
        self.accountID = accountID
        self.role = role
        self.department = department
        self.standing = role == .nomad ? standing : nil
    }

    public var isAdmin: Bool { role == .admin }

    public func isOfficer(of department: String) -> Bool {
        role == .officer && self.department == department
    }
}

/// What one RPC call carries through the handlers: set by the chassis'
/// interceptors for the duration of the call.
public struct RequestContext: Sendable {
    public var requestID: String
    public var language: Language
    /// Nil for public methods called without a token.
    public var principal: Principal?
    /// When the caller's deadline (grpc-timeout) passes. The transport's
    /// cancellation handle is not used for this: it also flips when a drain
    /// begins, and a drain must let in-flight calls finish.
    public var deadline: ContinuousClock.Instant?

    public init(
        requestID: String, language: Language, principal: Principal? = nil,
        deadline: ContinuousClock.Instant? = nil
    ) {
        self.requestID = requestID
        self.language = language
        self.principal = principal
        self.deadline = deadline
    }

    /// Throws DEADLINE_EXCEEDED once the caller's deadline has passed: work
    /// not committed by then must not be.
    public func checkNotCancelled() throws {
        if let deadline, ContinuousClock.now >= deadline { throw NomadError.deadlineExceeded }
    }

    @TaskLocal public static var current = RequestContext(requestID: "-", language: .zhCN)

    /// The caller, or UNAUTHENTICATED. Handlers of methods that need a caller
    /// use this rather than unwrapping.
    public static func caller() throws -> Principal {
        guard let principal = current.principal else { throw NomadError.unauthenticated }
        return principal
    }
}
