import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// Credentials that must stop working, checked against the five real
/// processes as `nomadctl up` runs them (each polling identity's revocation
/// list, all holding the same service-token key).
@Suite struct CredentialTests {
    /// Methods that need no token: a token on them is ignored, not refused.
    static let openMethods: Set<String> = [
        "nomad.identity.v1.IdentityService/RegisterNomad", "nomad.identity.v1.IdentityService/RegisterEnterprise",
        "nomad.identity.v1.IdentityService/Login", "nomad.identity.v1.IdentityService/RefreshToken",
        "nomad.identity.v1.IdentityService/Logout", "nomad.identity.v1.IdentityService/GetPublicKeys",
        "nomad.identity.v1.IdentityService/ListCatalogue", "nomad.identity.v1.IdentityService/GetCatalogueEntry",
        "nomad.events.v1.EventsService/GetTicketKeys",
        // Public reads of the portal's signed-out pages (a token that is no
        // credential here is ignored, as on every open method).
        "nomad.identity.v1.IdentityService/ListSites", "nomad.jobs.v1.JobsService/ListJobs",
        "nomad.jobs.v1.JobsService/ListBounties", "nomad.events.v1.EventsService/ListEvents",
        "nomad.analytics.v1.AnalyticsService/ListKpis", "nomad.analytics.v1.AnalyticsService/GetKpiSeries",
    ]

    /// Every method each service serves, by member name.
    static let methods: [String: [MethodDescriptor]] = [
        "identity": Nomad_Identity_V1_IdentityService.Method.descriptors,
        "jobs": Nomad_Jobs_V1_JobsService.Method.descriptors,
        "assets": Nomad_Assets_V1_AssetsService.Method.descriptors,
        "events": Nomad_Events_V1_EventsService.Method.descriptors,
        "analytics": Nomad_Analytics_V1_AnalyticsService.Method.descriptors,
    ]

    @Test func aDisabledOfficerIsRefusedByEveryServiceWithinSeconds() async throws {
        try await WholeSuite.run { suite in
            let identity = IdentityClient(wrapping: try suite["identity"].client)
            let admin = TestCaller.make(.admin)
            let username = "officer-\(UUID().uuidString.prefix(8).lowercased())"
            let officer = try await identity.createOfficer(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.username = username
                    $0.password = "correct horse battery"
                    $0.displayName = "Data Officer"
                    $0.department = "data"
                }, metadata: admin.metadata)
            let token = try await identity.login(
                .with {
                    $0.username = username
                    $0.password = "correct horse battery"
                }
            ).accessToken
            let calls = try Self.officerCalls(suite)
            for (_, call) in calls { try await call(callMetadata(token: token)) }

            _ = try await identity.disableOfficer(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.accountID = officer.id
                    $0.reason = "left the department"
                }, metadata: admin.metadata)

            // Identity refuses at once, from its own table.
            await expectRPCError(.unauthenticated) {
                _ = try await identity.getAccount(.init(), metadata: callMetadata(token: token))
            }
            // The others within a few poll intervals (0.5 s here); the cap
            // (30 s) only ends a test that would otherwise hang.
            for (service, call) in calls {
                let refused = try await eventually {
                    do {
                        try await call(callMetadata(token: token))
                        return false
                    } catch let error as RPCError {
                        return error.code == .unauthenticated
                    }
                }
                #expect(refused, "\(service) still accepts the disabled officer's token")
            }
            // In the caller's language.
            let (_, listJobs) = calls[0]
            let message = await expectRPCError(.unauthenticated) {
                try await listJobs(callMetadata(token: token, language: "zh-CN"))
            }
            #expect(message == "该账户已停用，其访问令牌不再有效")
            // Other people are unaffected.
            for (_, call) in calls { try await call(TestCaller.make(.officer, department: "data").metadata) }

            // With identity away, the services keep the last list: the
            // disabled officer stays out and nobody else is locked out.
            await suite["identity"].stop()
            try await Task.sleep(for: .seconds(2))
            for (service, call) in calls {
                await expectRPCError(.unauthenticated) { try await call(callMetadata(token: token)) }
                do { try await call(TestCaller.make(.officer, department: "data").metadata) } catch {
                    Issue.record("\(service) refused an enabled officer while identity was away: \(error)")
                }
            }
        }
    }

    @Test func aServiceTokenWorksOnlyOnItsGrantsService() async throws {
        try await WholeSuite.run { suite in
            let tokens = ServiceTokens(key: WholeSuite.serviceKey)
            let relay = callMetadata(token: try tokens.issue(caller: UUID(), for: .ingestEvents).token)
            let poller = callMetadata(token: try tokens.issue(caller: UUID(), for: .readRevocations).token)
            // The relays' token, on every method of every service but analytics:
            // no credential anywhere (VerifyCard included).
            for service in ["identity", "jobs", "assets", "events"] {
                let client = try suite[service].client
                for method in Self.methods[service]! where !Self.openMethods.contains(method.fullyQualifiedMethod) {
                    let code = await Self.rawCall(client, method, metadata: relay)
                    #expect(code == .unauthenticated, "\(method.fullyQualifiedMethod) answered \(code) to the relays' token")
                }
            }
            // The pollers' token: identity's list only, nothing else anywhere.
            for service in ["jobs", "assets", "events", "analytics"] {
                let client = try suite[service].client
                for method in Self.methods[service]! where !Self.openMethods.contains(method.fullyQualifiedMethod) {
                    let code = await Self.rawCall(client, method, metadata: poller)
                    #expect(code == .unauthenticated, "\(method.fullyQualifiedMethod) answered \(code) to the pollers' token")
                }
            }
            let identity = try suite["identity"].client
            for method in Self.methods["identity"]! where !Self.openMethods.contains(method.fullyQualifiedMethod) {
                let code = await Self.rawCall(identity, method, metadata: poller)
                let expected: RPCError.Code? = method.method == "ListRevokedAccounts" ? nil : .permissionDenied
                #expect(code == expected, "\(method.fullyQualifiedMethod) answered \(code) to the pollers' token")
            }
            // Analytics takes the relays' token on IngestEvents alone.
            let analytics = try suite["analytics"].client
            for method in Self.methods["analytics"]! where !Self.openMethods.contains(method.fullyQualifiedMethod) {
                let code = await Self.rawCall(analytics, method, metadata: relay)
                // An empty batch is invalid, which shows the token was accepted.
                let expected: RPCError.Code = method.method == "IngestEvents" ? .invalidArgument : .permissionDenied
                #expect(code == expected, "\(method.fullyQualifiedMethod) answered \(code) to the relays' token")
            }
        }
    }

    /// A call each non-identity service lets any officer make, by service.
    static func officerCalls(_ suite: ServiceSuite) throws -> [(String, @Sendable (Metadata) async throws -> Void)] {
        let jobs = JobsClient(wrapping: try suite["jobs"].client)
        let assets = AssetsClient(wrapping: try suite["assets"].client)
        let events = EventsClient(wrapping: try suite["events"].client)
        let analytics = AnalyticsClient(wrapping: try suite["analytics"].client)
        return [
            // Reads that need a token (the public ones ignore a refused token).
            ("jobs", { _ = try await jobs.summarizeDemand(.init(), metadata: $0) }),
            ("assets", { _ = try await assets.listPools(.init(), metadata: $0) }),
            ("events", { _ = try await events.listCompetitions(.init(), metadata: $0) }),
            ("analytics", { _ = try await analytics.getServicePerformance(.init(), metadata: $0) }),
        ]
    }

    /// Calls `method` with an empty message and returns the status (nil: OK).
    /// The chassis authorizes before a handler reads the message, so this
    /// reaches every method, streaming ones included, with no typed client.
    static func rawCall(
        _ client: GRPCClient<HTTP2ClientTransport.Posix>, _ method: MethodDescriptor, metadata: Metadata
    ) async -> RPCError.Code? {
        var options = CallOptions.defaults
        options.timeout = .seconds(10)
        do {
            try await client.unary(
                request: ClientRequest(message: [UInt8](), metadata: metadata), descriptor: method,
                serializer: RawBytes(), deserializer: RawBytes(), options: options
            ) { response in _ = try response.message }
            return nil
        } catch let error as RPCError {
            return error.code
        } catch {
            return .unknown
        }
    }
}

/// Messages as the bytes on the wire.
struct RawBytes: MessageSerializer, MessageDeserializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}
