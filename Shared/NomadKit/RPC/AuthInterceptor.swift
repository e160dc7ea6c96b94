import Foundation
import GRPCCore
import Synchronization
import Logging

/// Verifies the bearer token of every call against the keys this process
/// holds (no call back to identity), refuses tokens of accounts identity has
/// disabled (`revocations`), and enforces the service's AccessPolicy (roles,
/// then which department owns a decision).
/// Runs inside ObservabilityInterceptor, which maps its refusals.
public struct AuthInterceptor: ServerInterceptor {
    let tokens: AccessTokens
    let policy: AccessPolicy
    let logger: Logger
    /// Set when this process holds the service-token key: service tokens are
    /// then accepted too, with the service role, on their grant's methods only.
    let serviceTokens: ServiceTokens?
    /// Nil only where nothing tells this process about disabled accounts
    /// (no NOMAD_IDENTITY_ADDRESS); NomadApp warns at start.
    let revocations: (any RevocationCheck)?
    /// Limits calls without a valid token (open methods only) per address.
    let anonymousLimiter: AnonymousRateLimiter?
    let verified = VerifiedTokens()

    public init(
        tokens: AccessTokens, policy: AccessPolicy, logger: Logger, serviceTokens: ServiceTokens? = nil,
        revocations: (any RevocationCheck)? = nil,
        anonymousLimiter: AnonymousRateLimiter? = nil
    ) {
        self.tokens = tokens
        self.policy = policy
        self.logger = logger
        self.serviceTokens = serviceTokens
        self.revocations = revocations
        self.anonymousLimiter = anonymousLimiter
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
        let principal = try await authenticate(request.metadata, method: context.descriptor, rule: rule)
        if case .roles(let roles) = rule {
            guard let principal, roles.contains(principal.role) else { throw NomadError.permissionDenied }
        }
        if let principal, let refusal = policy.owners.refusal(principal, calling: context.descriptor) { throw refusal }
        // An anonymous call (an open method without a valid token) draws from
        // its address's bucket; a signed-in caller never does.
        if principal == nil, let limiter = anonymousLimiter, limiter.isEnabled,
            !limiter.admit(limiter.key(remotePeer: context.remotePeer, metadata: request.metadata))
        {
            throw AnonymousRateLimiter.refusal
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

    private func authenticate(_ metadata: Metadata, method: MethodDescriptor, rule: AccessPolicy.Rule) async throws -> Principal? {
        guard let header = metadata[stringValues: "authorization"].first(where: { _ in true }) else {
            if rule == .open { return nil }
            throw NomadError.unauthenticated
        }
        guard header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            if rule == .open { return nil }
            throw NomadError.unauthenticated
        }
        let token = header.dropFirst(7)
        let now = Date()
        let checked: VerifiedToken
        if let cached = verified.lookup(token, now: now) {
            checked = cached
        } else {
            do {
                checked =
                    if let serviceTokens, ServiceTokens.headerType(token) == ServiceTokens.type {
                        try serviceTokens.verify(token, now: now)
                    } else {
                        try tokens.verifyToken(token, now: now)
                    }
                verified.store(token, checked)
            } catch {
                logger.info("token refused", metadata: ["reason": "\(error)"])
                // A stale token on a public method (say, Login) is ignored, not fatal.
                if rule == .open { return nil }
                throw NomadError.unauthenticated
            }
        }
        if let grant = checked.grant {
            // A service token for another service is not a credential here at
            // all; one for this service but another method is a caller
            // without the right (the same codes an access token would get).
            guard grant.audience == method.service.fullyQualifiedService else {
                logger.info("service token for another service refused", metadata: ["grant": "\(grant.name)"])
                if rule == .open { return nil }
                throw NomadError.unauthenticated
            }
            guard grant.methods.contains(method.method) else {
                if rule == .open { return nil }
                throw NomadError.permissionDenied
            }
        } else if let revocations,
            try await revocations.isRevoked(checked.principal.accountID, issuedAt: checked.issuedAt)
        {
            logger.info("token of a disabled account refused", metadata: ["account": "\(checked.principal.accountID)"])
            if rule == .open { return nil }
            throw NomadError.accountDisabled
        }
        return checked.principal
    }
}

/// Tokens this process has already verified, until they expire: a client
/// sends the same token on every call, and the signature check was a quarter
/// of a cheap read's cost. Keyed by the whole token, so only the very bytes
/// that were verified are ever accepted from here.
final class VerifiedTokens: Sendable {
    private let entries = Mutex<[Substring: VerifiedToken]>([:])
    private let capacity = 50_000

    func lookup(_ token: Substring, now: Date) -> VerifiedToken? {
        entries.withLock { entries in
            guard let entry = entries[token] else { return nil }
            if entry.until <= now {
                entries[token] = nil
                return nil
            }
            return entry
        }
    }

    /// Only what the signature established is kept: whether the account is
    /// still enabled is asked again on every call.
    func store(_ token: Substring, _ verified: VerifiedToken) {
        entries.withLock { entries in
            if entries.count >= capacity {
                // Rare, and simpler than LRU: forget everything, verify again.
                entries.removeAll(keepingCapacity: true)
            }
            entries[token] = verified
        }
    }
}
