import Analytics
import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import NomadTesting
import Testing

/// On a government cloud the relay crosses a network: analytics serves mutual
/// TLS, and the relay trusts analytics' CA and presents its service's own
/// certificate. Without that certificate nothing is delivered.
@Suite struct RelayTLSTests {
    func analytics(_ certs: TestCertificates, _ body: (AnalyticsEnv) async throws -> Void) async throws {
        try await withTestApp(
            AnalyticsDefinition.make(),
            configure: {
                $0.serviceTokenKey = AnalyticsEnv.serviceKey
                $0.tlsCertificateFile = certs.serverCert
                $0.tlsKeyFile = certs.serverKey
                $0.tlsClientCAFile = certs.ca
            }
        ) { app in
            try await body(AnalyticsEnv(app: app, client: AnalyticsClient(wrapping: app.client)))
        }
    }

    func producer(
        _ analyticsPort: Int, _ certs: TestCertificates, clientCertificate: Bool,
        _ body: (ProducerEnv) async throws -> Void
    ) async throws {
        try await withTestApp(
            ProducerService.definition,
            configure: {
                $0.analyticsAddress = "127.0.0.1:\(analyticsPort)"
                $0.analyticsCAFile = certs.ca
                if clientCertificate {
                    // The producer's own serving certificate doubles as its client one.
                    $0.tlsCertificateFile = certs.clientCert
                    $0.tlsKeyFile = certs.clientKey
                }
                $0.serviceTokenKey = AnalyticsEnv.serviceKey
                $0.relay.pollInterval = .milliseconds(50)
                $0.relay.initialBackoff = .milliseconds(50)
                $0.relay.maxBackoff = .milliseconds(500)
            }
        ) { app in
            try await body(ProducerEnv(app: app, client: .init(wrapping: app.client)))
        }
    }

    /// Events written straight into the outbox, as a mutation would: with a
    /// certificate the producer serves TLS itself, and the relay is what is tested.
    func append(_ producer: ProducerEnv, _ count: Int) async throws {
        try await producer.app.withSchemaConnection { tx in
            for i in 0..<count {
                try await Outbox.append(
                    tx, ProducerService.Note(subjects: .init(noteID: UUID().text), payload: .init(text: "note \(i)")))
            }
        }
    }

    @Test func theRelayDeliversOverMutualTLSAndNotWithoutACertificate() async throws {
        let certs = try TestCertificates.make()
        defer { certs.remove() }
        try await analytics(certs) { analytics in
            try await producer(analytics.app.port, certs, clientCertificate: false) { producer in
                try await append(producer, 5)
                // The handshake fails every time: after many attempts nothing has moved.
                try await Task.sleep(for: .seconds(2))
                #expect(try await producer.outbox().undelivered == 5)
                #expect(try await analytics.storedCount().rows == 0)
            }
            try await producer(analytics.app.port, certs, clientCertificate: true) { producer in
                try await append(producer, 12)
                let delivered = try await eventually { try await producer.outbox().undelivered == 0 }
                #expect(delivered)
                #expect(try await analytics.storedCount().rows == 12)
            }
        }
    }
}
