import GRPCCore
import Logging

/// Verifies the bearer token of every call against the keys this process
/// holds (no call back to identity) and enforces the service's AccessPolicy.
/// Runs inside ObservabilityInterceptor, which maps its refusals.
public struct AuthInterceptor: ServerInterceptor {
    let tokens: AccessTokens
    let policy: AccessPolicy
    let logger: Logger

    public init(tokens: AccessTokens, policy: AccessPolicy, logger: Logger) {
        self.tokens = tokens
        self.policy = policy
        self.logger = logger
    }

    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        guard let rule = policy.rule(for: context.descriptor) else {
            logger.error("no access rule for method", metadata: ["method": "\(context.descriptor.fullyQualifiedMethod)"])
            throw NomadError.permissionDenied
        }
        let principal = try authenticate(request.metadata, rule: rule)
        if case .roles(let roles) = rule {
            guard let principal, roles.contains(principal.role) else { throw NomadError.permissionDenied }
        }
        var callContext = RequestContext.current
        callContext.principal = principal
        let requestContext = callContext
        var response = try await RequestContext.$current.withValue(requestContext) {
            try await next(request, context)
        }
        // Streaming handlers run in the producer, after `next` returned: carry
        // the caller into it too.
        if case .success(var contents) = response.accepted {
            let producer = contents.producer
            contents.producer = { writer in
                try await RequestContext.$current.withValue(requestContext) { try await producer(writer) }
            }
            response.accepted = .success(contents)
        }
        return response
    }

    private func authenticate(_ metadata: Metadata, rule: AccessPolicy.Rule) throws -> Principal? {
        guard let header = metadata[stringValues: "authorization"].first(where: { _ in true }) else {
            if rule == .open { return nil }
            throw NomadError.unauthenticated
        }
        guard header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            if rule == .open { return nil }
            throw NomadError.unauthenticated
        }
        do {
            return try tokens.verify(header.dropFirst(7))
        } catch {
            logger.info("token refused", metadata: ["reason": "\(error)"])
            // A stale token on a public method (say, Login) is ignored, not fatal.
            if rule == .open { return nil }
            throw NomadError.unauthenticated
        }
    }
}
