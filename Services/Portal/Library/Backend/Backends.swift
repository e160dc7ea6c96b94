import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import NomadKit
import NomadProtos
import ServiceLifecycle

public typealias Transport = HTTP2ClientTransport.Posix

/// The five services' gRPC clients. One HTTP/2 client per service, shared by
/// every request; each call carries the signed-in person's token (or none,
/// for public reads) and the page's language in its metadata.
public final class Backends: Sendable {
    public let identity: Nomad_Identity_V1_IdentityService.Client<Transport>
    public let jobs: Nomad_Jobs_V1_JobsService.Client<Transport>
    public let assets: Nomad_Assets_V1_AssetsService.Client<Transport>
    public let events: Nomad_Events_V1_EventsService.Client<Transport>
    public let analytics: Nomad_Analytics_V1_AnalyticsService.Client<Transport>
    /// Service name -> its grpc.health.v1 client, for /healthz.
    public let health: [(name: String, client: Grpc_Health_V1_Health.Client<Transport>)]
    let clients: [GRPCClient<Transport>]
    public let callTimeout: Duration

    public init(config: PortalConfig) throws {
        let security: Transport.TransportSecurity
        if let ca = config.servicesCAFile {
            security = .tls { $0.trustRoots = .certificates([.file(path: ca, format: .pem)]) }
        } else {
            security = .plaintext
        }
        // The trace context of the page being served goes on every call.
        let interceptors: [any ClientInterceptor] = [ClientMetricsInterceptor(), TraceContextClientInterceptor()]
        func client(_ address: ServiceAddress) throws -> GRPCClient<Transport> {
            let target: any ResolvableTarget
            if address.endpoints.allSatisfy({ Self.isIPv4($0.host) }) {
                target = ResolvableTargets.IPv4.ipv4(pairs: address.endpoints.map { ($0.host, $0.port) })
            } else if address.endpoints.count == 1 {
                target = ResolvableTargets.DNS.dns(host: address.endpoints[0].host, port: address.endpoints[0].port)
            } else {
                // Several named replicas: the first name; DNS round robin is the
                // resolver's business (a headless Service in Kubernetes).
                target = ResolvableTargets.DNS.dns(host: address.endpoints[0].host, port: address.endpoints[0].port)
            }
            let transport = try HTTP2ClientTransport.Posix(
                target: target, transportSecurity: security,
                serviceConfig: ServiceConfig(loadBalancingConfig: [.roundRobin]))
            return GRPCClient(transport: transport, interceptors: interceptors)
        }
        let identityClient = try client(config.identity)
        let jobsClient = try client(config.jobs)
        let assetsClient = try client(config.assets)
        let eventsClient = try client(config.events)
        let analyticsClient = try client(config.analytics)
        clients = [identityClient, jobsClient, assetsClient, eventsClient, analyticsClient]
        identity = .init(wrapping: identityClient)
        jobs = .init(wrapping: jobsClient)
        assets = .init(wrapping: assetsClient)
        events = .init(wrapping: eventsClient)
        analytics = .init(wrapping: analyticsClient)
        health = zip(["identity", "jobs", "assets", "events", "analytics"], clients).map { ($0, .init(wrapping: $1)) }
        callTimeout = .milliseconds(Int64(config.callTimeoutSeconds * 1000))
    }

    static func isIPv4(_ host: String) -> Bool {
        let parts = host.split(separator: ".")
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }

    /// One swift-service-lifecycle service per client: runs its connections,
    /// and on shutdown lets calls in flight finish, for a bounded time.
    public func services(logger: Logger) -> [any Service] {
        clients.map { ClientConnections.bounded($0, name: "portal client", logger: logger) }
    }

    /// Metadata and options for one call: the bearer token when someone is
    /// signed in, the language, a deadline.
    /// `visitor`, the browser's address, goes to the services in
    /// x-forwarded-for: they believe it only from a trusted forwarder
    /// (NOMAD_TRUSTED_FORWARDERS), and use it to limit anonymous reads per visitor.
    public func call(_ session: Session?, _ language: PortalLanguage, visitor: String? = nil) -> Call {
        var metadata: Metadata = [:]
        if let session { metadata.addString("Bearer \(session.accessToken)", forKey: "authorization") }
        metadata.addString(language.acceptLanguageHeader, forKey: "accept-language")
        if let visitor, visitor != "unknown" { metadata.addString(visitor, forKey: "x-forwarded-for") }
        var options = CallOptions.defaults
        options.timeout = callTimeout
        return Call(metadata: metadata, options: options)
    }

    /// Asks every service's grpc.health.v1 about the whole server ("").
    public func healthReport(timeout: Duration = .seconds(2)) async -> [(name: String, status: String)] {
        await withTaskGroup(of: (Int, String).self) { group in
            for (index, entry) in health.enumerated() {
                group.addTask {
                    var options = CallOptions.defaults
                    options.timeout = timeout
                    do {
                        let response = try await entry.client.check(.init(), options: options)
                        switch response.status {
                        case .serving: return (index, "SERVING")
                        case .notServing: return (index, "NOT_SERVING")
                        case .serviceUnknown: return (index, "SERVICE_UNKNOWN")
                        default: return (index, "UNKNOWN")
                        }
                    } catch {
                        return (index, "UNREACHABLE")
                    }
                }
            }
            var results = Array(repeating: (name: "", status: ""), count: health.count)
            for await (index, status) in group { results[index] = (health[index].name, status) }
            return results
        }
    }
}

/// What one gRPC call carries.
public struct Call: Sendable {
    public let metadata: Metadata
    public let options: CallOptions
}
