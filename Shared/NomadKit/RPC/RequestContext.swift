import Foundation
import GRPCCore

/// What one RPC call carries through the handlers: set by the chassis'
/// interceptors for the duration of the call.
public struct RequestContext: Sendable {
    /// Ties the call's log lines together (x-correlation-id from the caller,
    /// else a fresh UUID); not the request_id that makes a mutation idempotent.
    public var correlationID: String
    /// The RPC's method name (`ClaimJob`): a mutation's idempotency key.
    public var method: String
    public var language: Language
    /// Nil for public methods called without a token.
    public var principal: Principal?
    /// When the caller's deadline (grpc-timeout) passes. The transport's
    /// cancellation handle is not used for this: it also flips when a drain
    /// begins, and a drain must let in-flight calls finish.
    public var deadline: ContinuousClock.Instant?

    public init(
        correlationID: String, method: String = "", language: Language, principal: Principal? = nil,
        deadline: ContinuousClock.Instant? = nil
    ) {
        self.correlationID = correlationID
        self.method = method
        self.language = language
        self.principal = principal
        self.deadline = deadline
    }

    /// Throws DEADLINE_EXCEEDED once the caller's deadline has passed: work
    /// not committed by then must not be.
    public func checkNotCancelled() throws {
        if let deadline, ContinuousClock.now >= deadline { throw NomadError.deadlineExceeded }
    }

    @TaskLocal public static var current = RequestContext(correlationID: "-", language: .zhCN)

    /// The caller, or UNAUTHENTICATED. Handlers of methods that need a caller
    /// use this rather than unwrapping.
    public static func caller() throws -> Principal {
        guard let principal = current.principal else { throw NomadError.unauthenticated }
        return principal
    }
}
