import Foundation
import NomadKit

/// Where a backend service listens: one address, or several replicas
/// ("127.0.0.1:50052,127.0.0.1:50062") that calls are balanced across.
public struct ServiceAddress: Sendable, Equatable, CustomStringConvertible {
    public struct Endpoint: Sendable, Equatable {
        public let host: String
        public let port: Int
    }

    public let endpoints: [Endpoint]

    public init(parsing text: String, variable: String) throws {
        var endpoints: [Endpoint] = []
        for part in text.split(separator: ",") {
            let item = part.trimmingCharacters(in: .whitespaces)
            guard let colon = item.lastIndex(of: ":"), colon != item.startIndex,
                let port = Int(item[item.index(after: colon)...]), (1...65535).contains(port)
            else { throw ConfigError.invalid(variable, "expected HOST:PORT[,HOST:PORT...], got \(text)") }
            endpoints.append(Endpoint(host: String(item[..<colon]), port: port))
        }
        guard !endpoints.isEmpty else { throw ConfigError.invalid(variable, "empty") }
        self.endpoints = endpoints
    }

    public var description: String { endpoints.map { "\($0.host):\($0.port)" }.joined(separator: ",") }
}

/// Everything nomad-portal reads at start, from NOMAD_PORTAL_* and the five
/// services' NOMAD_<SERVICE>_ADDRESS. Defaults make `nomadctl up` work with
/// no configuration (the services' default ports from the README).
public struct PortalConfig: Sendable {
    public var httpHost = "127.0.0.1"
    public var httpPort = 8080
    /// -1 disables the metrics endpoint; 0 picks a free port (tests).
    public var metricsHost = "127.0.0.1"
    public var metricsPort = 9056
    public var identity: ServiceAddress
    public var jobs: ServiceAddress
    public var assets: ServiceAddress
    public var events: ServiceAddress
    public var analytics: ServiceAddress
    /// 32 bytes that seal the session, flash and CSRF cookies (AES-GCM, HMAC).
    /// Generated per run when NOMAD_PORTAL_SESSION_KEY is absent: sessions then
    /// end with the process, which is the safe failure.
    public var sessionKey: Data
    public var sessionKeyGenerated: Bool
    /// PEM files: with both, the portal serves HTTPS and marks cookies Secure.
    public var tlsCertificateFile: String?
    public var tlsKeyFile: String?
    /// Cookies marked Secure even without TLS here (TLS ends at a proxy in front).
    public var secureCookies = false
    /// PEM CA of the services' certificates: set, the portal calls them over TLS.
    public var servicesCAFile: String?
    public var resourcesDirectory: String?
    public var logLevel = "info"
    public var logFormat = "json"
    /// How long public pages' gRPC answers are reused.
    public var publicCacheSeconds: Double = 5
    /// Deadline of each gRPC call the portal makes.
    public var callTimeoutSeconds: Double = 10
    /// Largest evidence document accepted, per file.
    public var maxDocumentBytes = 10 << 20
    /// How long SIGTERM waits for requests in flight.
    public var drainTimeoutSeconds: Double = 20

    public var servesTLS: Bool { tlsCertificateFile != nil }
    public var cookiesSecure: Bool { servesTLS || secureCookies }

    public static let defaultAddresses: [String: String] = [
        "identity": "127.0.0.1:50051", "jobs": "127.0.0.1:50052", "assets": "127.0.0.1:50053",
        "events": "127.0.0.1:50054", "analytics": "127.0.0.1:50055",
    ]

    public init(
        identity: ServiceAddress, jobs: ServiceAddress, assets: ServiceAddress, events: ServiceAddress,
        analytics: ServiceAddress, sessionKey: Data, sessionKeyGenerated: Bool = false
    ) {
        self.identity = identity
        self.jobs = jobs
        self.assets = assets
        self.events = events
        self.analytics = analytics
        self.sessionKey = sessionKey
        self.sessionKeyGenerated = sessionKeyGenerated
    }

    public static func fromEnvironment(_ env: Environment = Environment()) throws -> PortalConfig {
        func address(_ service: String) throws -> ServiceAddress {
            let name = "NOMAD_\(service.uppercased())_ADDRESS"
            return try ServiceAddress(parsing: env.string(name, default: defaultAddresses[service]!), variable: name)
        }
        var generated = false
        let key: Data
        if let text = try env.secret("NOMAD_PORTAL_SESSION_KEY") {
            key = try decodeKey(text)
        } else {
            key = Data((0..<32).map { _ in UInt8.random(in: 0...255) })
            generated = true
        }
        var config = PortalConfig(
            identity: try address("identity"), jobs: try address("jobs"), assets: try address("assets"),
            events: try address("events"), analytics: try address("analytics"),
            sessionKey: key, sessionKeyGenerated: generated)
        config.httpHost = env.string("NOMAD_PORTAL_HTTP_HOST", default: "127.0.0.1")
        config.httpPort = try env.int("NOMAD_PORTAL_HTTP_PORT", default: 8080)
        config.metricsHost = env.string("NOMAD_PORTAL_METRICS_HOST", default: "127.0.0.1")
        config.metricsPort = try env.int("NOMAD_PORTAL_METRICS_PORT", default: 9056)
        config.tlsCertificateFile = env.optionalString("NOMAD_PORTAL_TLS_CERT_FILE")
        config.tlsKeyFile = env.optionalString("NOMAD_PORTAL_TLS_KEY_FILE")
        config.secureCookies = env.string("NOMAD_PORTAL_SECURE_COOKIES", default: "false") == "true"
        config.servicesCAFile = env.optionalString("NOMAD_PORTAL_SERVICES_CA_FILE")
        config.resourcesDirectory = env.optionalString("NOMAD_PORTAL_RESOURCES")
        config.logLevel = env.string("NOMAD_LOG_LEVEL", default: "info")
        config.logFormat = env.string("NOMAD_LOG_FORMAT", default: "json")
        config.publicCacheSeconds = try env.seconds("NOMAD_PORTAL_PUBLIC_CACHE_SECONDS", default: 5)
        config.callTimeoutSeconds = try env.seconds("NOMAD_PORTAL_CALL_TIMEOUT_SECONDS", default: 10)
        config.maxDocumentBytes = try env.int("NOMAD_PORTAL_MAX_DOCUMENT_BYTES", default: 10 << 20)
        config.drainTimeoutSeconds = try env.seconds("NOMAD_DRAIN_TIMEOUT_SECONDS", default: 20)
        guard (0...65535).contains(config.httpPort) else {
            throw ConfigError.invalid("NOMAD_PORTAL_HTTP_PORT", "not a port: \(config.httpPort)")
        }
        guard config.logFormat == "json" || config.logFormat == "text" else {
            throw ConfigError.invalid("NOMAD_LOG_FORMAT", "json or text")
        }
        if (config.tlsCertificateFile == nil) != (config.tlsKeyFile == nil) {
            throw ConfigError.invalid("NOMAD_PORTAL_TLS_CERT_FILE", "NOMAD_PORTAL_TLS_CERT_FILE and NOMAD_PORTAL_TLS_KEY_FILE go together")
        }
        guard config.maxDocumentBytes > 0 else {
            throw ConfigError.invalid("NOMAD_PORTAL_MAX_DOCUMENT_BYTES", "must be positive")
        }
        return config
    }

    /// 32 bytes as 64 hex digits or base64 / base64url.
    static func decodeKey(_ text: String) throws -> Data {
        if text.count == 64, let data = Data(hexString: text) { return data }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        if let data = Data(base64Encoded: base64), data.count == 32 { return data }
        throw ConfigError.invalid("NOMAD_PORTAL_SESSION_KEY", "expected 32 bytes as 64 hex digits or base64")
    }
}

extension Data {
    init?(hexString: String) {
        var bytes: [UInt8] = []
        var iterator = hexString.makeIterator()
        while let high = iterator.next() {
            guard let low = iterator.next(), let h = high.hexDigitValue, let l = low.hexDigitValue else { return nil }
            bytes.append(UInt8(h << 4 | l))
        }
        self.init(bytes)
    }
}
