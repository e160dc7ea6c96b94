import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2

/// Another service this one calls, as a NOMAD_<X>_ADDRESS variable names it
/// ("host:port"), and how to reach it: the outbox relay (analytics) and the
/// revocation poller (identity) dial the same way.
public struct ServiceAddress: Sendable, Equatable {
    public let host: String
    public let port: Int

    /// `variable` names the setting in the error a bad value gets.
    public init(_ address: String, variable: String) throws {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
            (1...65535).contains(port), colon != address.startIndex
        else { throw ConfigError.invalid(variable, "expected host:port") }
        self.host = String(address[..<colon])
        self.port = port
    }

    /// An address given as an IP is dialled as one: TLS must not send an IP
    /// as the server name (SNI), while the certificate may still name it.
    public var target: any ResolvableTarget {
        if host.split(separator: ".").count == 4, host.allSatisfy({ $0.isNumber || $0 == "." }) {
            .ipv4(address: host, port: port)
        } else if host.contains(":") {
            .ipv6(address: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port: port)
        } else {
            .dns(host: host, port: port)
        }
    }

    /// TLS when the callee's CA is given, with this service's own certificate
    /// as the client's (mutual TLS) when it has one; plaintext otherwise.
    static func security(ca: String?, _ config: NomadConfig) -> HTTP2ClientTransport.Posix.TransportSecurity {
        guard let ca else { return .plaintext }
        let trust: [TLSConfig.CertificateSource] = [.file(path: ca, format: .pem)]
        if let cert = config.tlsCertificateFile, let key = config.tlsKeyFile {
            return .mTLS(certificateChain: [.file(path: cert, format: .pem)], privateKey: .file(path: key, format: .pem)) {
                $0.trustRoots = .certificates(trust)
            }
        }
        return .tls { $0.trustRoots = .certificates(trust) }
    }
}
