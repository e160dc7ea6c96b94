import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import Testing

/// TLS and mutual TLS by configuration, with certificates made for the test
/// by openssl: a CA, a server certificate for 127.0.0.1, a client certificate.
@Suite struct TransportSecurityTests {
    func call(port: Int, security: HTTP2ClientTransport.Posix.TransportSecurity) async throws -> String {
        let client = GRPCClient(
            transport: try .http2NIOPosix(
                target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: security))
        return try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await client.runConnections() }
            defer { client.beginGracefulShutdown() }
            // Only a guard against a hang: the whole suite runs in parallel on two cores.
            var options = CallOptions.defaults
            options.timeout = .seconds(60)
            return try await echo(
                EchoClient(wrapping: client), "over tls", token: TestKeys.token(for: Principal(accountID: UUID(), role: .nomad)),
                options: options)
        }
    }

    @Test func tlsAndMutualTLSByConfiguration() async throws {
        let certs = try TestCertificates.make()
        defer { certs.remove() }
        let trust: HTTP2ClientTransport.Posix.TransportSecurity = .tls {
            $0.trustRoots = .certificates([.file(path: certs.ca, format: .pem)])
        }
        let clientCert: HTTP2ClientTransport.Posix.TransportSecurity = .mTLS(
            certificateChain: [.file(path: certs.clientCert, format: .pem)],
            privateKey: .file(path: certs.clientKey, format: .pem)
        ) { $0.trustRoots = .certificates([.file(path: certs.ca, format: .pem)]) }

        try await withTestApp(
            EchoTestService.definition,
            configure: {
                $0.tlsCertificateFile = certs.serverCert
                $0.tlsKeyFile = certs.serverKey
            }
        ) { app in
            let answer = try await call(port: app.port, security: trust)
            #expect(answer == "over tls")
            await #expect(throws: (any Error).self) { _ = try await call(port: app.port, security: .plaintext) }
        }
        try await withTestApp(
            EchoTestService.definition,
            configure: {
                $0.tlsCertificateFile = certs.serverCert
                $0.tlsKeyFile = certs.serverKey
                $0.tlsClientCAFile = certs.ca
            }
        ) { app in
            let answer = try await call(port: app.port, security: clientCert)
            #expect(answer == "over tls")
            // Without a client certificate the handshake fails.
            await #expect(throws: (any Error).self) { _ = try await call(port: app.port, security: trust) }
        }
    }
}

@Suite struct IdempotencyRetentionTests {
    @Test func keysOlderThanTheRetentionAreForgotten() async throws {
        try await withTestApp(EchoTestService.definition) { app in
            let client = EchoClient(wrapping: app.client)
            let token = TestKeys.token(for: Principal(accountID: UUID(), role: .nomad))
            let old = UUID().uuidString, recent = UUID().uuidString
            _ = try await echo(client, "old", token: token, requestID: old)
            _ = try await echo(client, "recent", token: token, requestID: recent)
            _ = try await app.app.database.read { tx in
                try await tx.query(
                    "UPDATE idempotency_keys SET created_at = now() - interval '2 days' WHERE request_id = \(old)")
            }
            let deleted = try await app.app.database.transaction { tx in
                try await Idempotency.purge(tx, olderThan: Date().addingTimeInterval(-86400), limit: 100)
            }
            #expect(deleted == 1)
            let keys = try await TestAppHelpers.count(app.app, "SELECT count(*)::int FROM idempotency_keys")
            #expect(keys == 1)
        }
    }
}
