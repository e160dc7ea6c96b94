import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NomadKit
import ServiceLifecycle
import Synchronization
import UnixSignals

/// nomad-portal: the HTTP server, the five gRPC clients and the metrics
/// endpoint in one ServiceGroup. SIGTERM stops taking new connections, lets
/// requests in flight finish (up to NOMAD_DRAIN_TIMEOUT_SECONDS), then closes
/// the gRPC clients, which started first and so stop last.
public final class PortalApp: Sendable {
    public let portal: Portal
    let group: ServiceGroup
    let boundPort = BoundPortBox()

    public init(config: PortalConfig, signals: [UnixSignal] = [.sigterm, .sigint]) async throws {
        LogSetup.bootstrap(service: "portal", level: config.logLevel, format: config.logFormat)
        MetricsSetup.bootstrap()
        var logger = Logger(label: "nomad.portal")
        logger.logLevel = Logger.Level(rawValue: config.logLevel) ?? .info
        if config.sessionKeyGenerated {
            logger.notice("NOMAD_PORTAL_SESSION_KEY not set: a key was generated for this run; sessions end with the process")
        }
        let directory = PortalResources.directory(configured: config.resourcesDirectory)
        let renderer = try await Renderer.load(from: directory)
        let backends = try Backends(config: config)
        let portal = Portal(config: config, backends: backends, renderer: renderer, logger: logger)
        self.portal = portal

        let router = PortalRouter.make(portal: portal, staticDirectory: directory.appendingPathComponent("static"))
        let server: HTTPServerBuilder
        if let cert = config.tlsCertificateFile, let key = config.tlsKeyFile {
            var tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            tls.minimumTLSVersion = .tlsv12
            server = try .tls(.http1(), tlsConfiguration: tls)
        } else {
            server = .http1()
        }
        let port = boundPort
        let runningLogger = logger
        let app = Application(
            router: router, server: server,
            configuration: .init(address: .hostname(config.httpHost, port: config.httpPort), serverName: "nomad-portal"),
            onServerRunning: { channel in
                port.set(channel.localAddress?.port ?? config.httpPort)
                runningLogger.info(
                    "portal listening", metadata: ["address": "\(config.httpHost):\(channel.localAddress?.port ?? config.httpPort)"])
            },
            logger: logger)

        // The span exporter (only with an OTLP endpoint) first, so it stops last.
        var services: [any Service] = TraceSetup.takeExporterService(logger: logger).map { [$0] } ?? []
        services += backends.services(logger: logger)
        if config.metricsPort >= 0 {
            services.append(MetricsEndpoint.make(host: config.metricsHost, port: config.metricsPort, logger: logger))
        }
        services.append(app)
        var groupConfig = ServiceGroupConfiguration(services: services, logger: logger)
        groupConfig.gracefulShutdownSignals = signals
        groupConfig.maximumGracefulShutdownDuration = .milliseconds(Int64(config.drainTimeoutSeconds * 1000))
        group = ServiceGroup(configuration: groupConfig)
    }

    public func run() async throws {
        try await group.run()
    }

    public func shutdown() async {
        await group.triggerGracefulShutdown()
    }

    /// The HTTP port once listening (useful with port 0).
    public func httpPort() async throws -> Int {
        for _ in 0..<1000 {
            if let port = boundPort.get() { return port }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw ConfigError.invalid("NOMAD_PORTAL_HTTP_PORT", "the portal did not start listening")
    }
}

final class BoundPortBox: Sendable {
    private let value = Mutex<Int?>(nil)
    func set(_ port: Int) { value.withLock { $0 = port } }
    func get() -> Int? { value.withLock { $0 } }
}
