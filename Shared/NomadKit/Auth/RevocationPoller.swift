import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import Metrics
import NomadProtos
import ServiceLifecycle
import SwiftProtobuf
import Tracing

/// Keeps a RevocationList in step with identity's list of disabled accounts,
/// reading it whole every `interval` with a service token granted only that
/// method. Run by every service but identity (which reads its own table).
///
/// It reads a snapshot rather than changes since a cursor: disabled accounts
/// are few (officers), a snapshot needs no ordering between identity's
/// concurrent commits, and an entry that leaves the list (were an account
/// re-enabled) leaves the copy too. While identity is unreachable the last
/// list stays in force and the failure is logged: refusing every caller
/// because identity is down would turn its outage into everyone's.
public struct RevocationPoller: Service {
    let list: RevocationList
    let address: ServiceAddress
    let tokens: ServiceTokens
    let security: HTTP2ClientTransport.Posix.TransportSecurity
    let interval: Duration
    let logger: Logger
    /// Names this poller in its service tokens (and identity's logs).
    let pollerID = UUID()
    let listed: Gauge

    public init(
        list: RevocationList, address: ServiceAddress, tokens: ServiceTokens,
        security: HTTP2ClientTransport.Posix.TransportSecurity = .plaintext, interval: Duration, service: String,
        logger: Logger
    ) {
        self.list = list
        self.address = address
        self.tokens = tokens
        self.security = security
        self.interval = interval
        self.logger = logger
        listed = Gauge(label: "nomad_revoked_accounts", dimensions: [("service", service)])
    }

    public func run() async throws {
        let client = GRPCClient(
            transport: try .http2NIOPosix(target: address.target, transportSecurity: security),
            interceptors: [TraceContextClientInterceptor()])
        let identity = Nomad_Identity_V1_IdentityService.Client(wrapping: client)
        let connections = ClientConnections.bounded(client, name: "revocation poller", logger: logger)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await connections.run() }
            await cancelWhenGracefulShutdown { await self.loop(identity) }
        }
    }

    func loop(_ identity: Nomad_Identity_V1_IdentityService.Client<HTTP2ClientTransport.Posix>) async {
        var failures = 0
        while !Task.isCancelled {
            do {
                // One trace per poll, shared with identity's log lines for it.
                let entries = try await withSpan("revocations.poll", ofKind: .client) { _ in
                    try await fetch(identity)
                }
                list.replace(with: entries)
                listed.record(entries.count)
                if failures > 0 {
                    logger.info("revocation list read again", metadata: ["after_failures": "\(failures)", "revoked": "\(entries.count)"])
                }
                failures = 0
            } catch {
                failures += 1
                // Once when it starts failing, then now and then, not every few seconds.
                if failures == 1 || failures % 30 == 0 {
                    logger.warning(
                        "revocation list unavailable; keeping the last one",
                        metadata: [
                            "failures": "\(failures)", "loaded": "\(list.isLoaded)", "revoked": "\(list.count)",
                            "error": "\(error)",
                        ])
                }
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// Every page of the list, or an error: a partial list never replaces a whole one.
    func fetch(
        _ identity: Nomad_Identity_V1_IdentityService.Client<HTTP2ClientTransport.Posix>
    ) async throws -> [UUID: Date] {
        var options = CallOptions.defaults
        options.timeout = .seconds(5)
        var metadata = Metadata()
        metadata.addString(
            "Bearer \(try tokens.issue(caller: pollerID, for: .readRevocations, lifetime: 120).token)",
            forKey: "authorization")
        var entries: [UUID: Date] = [:]
        var pageToken = ""
        // Bounded, so a server that kept answering with a next page cannot hold the loop.
        for _ in 0..<10_000 {
            let token = pageToken
            let response = try await identity.listRevokedAccounts(
                .with {
                    $0.page = .with {
                        $0.pageSize = 100
                        $0.pageToken = token
                    }
                }, metadata: metadata, options: options)
            for account in response.accounts {
                guard let id = UUID(uuidString: account.accountID) else { continue }
                entries[id] = account.revokedAt.date
            }
            pageToken = response.page.nextPageToken
            if pageToken.isEmpty { return entries }
        }
        throw RPCError(code: .outOfRange, message: "revocation list did not end")
    }
}
