import Foundation
import GRPCCore
@testable import Identity
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// What the portal's signed-out pages read from identity (the catalogue was
/// already open; the sites are now), and the chassis' per-address limit on
/// anonymous calls, over real HTTP/2 on loopback.
@Suite struct PublicReadTests {
    @Test func anonymousCallersListTheSitesAsSignedInCallersDo() async throws {
        try await withIdentity { env in
            let officer = env.officer("community")
            for (name, area) in [("Xinying Bay Hub", Nomad_Identity_V1_Area.coreXinyingBay), ("Nada Co-working", .linked)] {
                _ = try await env.client.createSite(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.name = .with {
                            $0.zhCn = "社区 \(name)"; $0.en = name
                        }
                        $0.area = area
                        $0.address = "儋州市"
                        $0.capacity = 50
                    }, metadata: callMetadata(token: officer))
            }
            let nomad = try await env.nomad()
            let signedIn = try await env.client.listSites(.init(), metadata: callMetadata(token: nomad.token))
            let anonymous = try await env.client.listSites(.init(), metadata: callMetadata())
            #expect(anonymous.sites.count == 2)
            #expect(anonymous == signedIn)
            let linked = try await env.client.listSites(.with { $0.area = .linked }, metadata: callMetadata())
            #expect(linked.sites.map(\.name.en) == ["Nada Co-working"])
            // A stale token on the open method reads as anonymous, not as an error.
            #expect(try await env.client.listSites(.init(), metadata: callMetadata(token: "not.a.token")) == signedIn)
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.listSites(.with { $0.area = .UNRECOGNIZED(7) }, metadata: callMetadata())
            }
        }
    }

    /// 60 anonymous calls at once from one address with a bucket of 10 that
    /// refills once in ten seconds: about ten pass, the rest are
    /// RESOURCE_EXHAUSTED in the caller's language, every open method draws
    /// from the same bucket, and signed-in callers from that same address
    /// are not limited at all.
    @Test func anonymousCallsAreRateLimitedPerAddressAndSignedInCallsAreNot() async throws {
        try await withTestApp(
            IdentityDefinition.make(settings: IdentityEnv.settings),
            configure: {
                $0.anonymousRate = .init(ratePerSecond: 0.1, burst: 10)
            }
        ) { app in
            let client = IdentityClient(wrapping: app.client)
            let started = ContinuousClock.now
            let outcomes = await concurrentOutcomes(
                (0..<60).map { _ in
                    { @Sendable in _ = try await client.listSites(.init(), metadata: callMetadata()) }
                })
            let elapsed = ContinuousClock.now - started
            let admitted = outcomes.filter { $0 == nil }.count
            let refills = Int(Double(elapsed.components.seconds) * 0.1) + 1
            #expect(admitted >= 10 && admitted <= 10 + refills, "admitted \(admitted) in \(elapsed)")
            #expect(outcomes.filter { $0 == .resourceExhausted }.count == 60 - admitted)

            // The refusal, in both languages; the catalogue (open) shares the bucket.
            let english = await expectRPCError(.resourceExhausted) { _ = try await client.listCatalogue(.init(), metadata: callMetadata()) }
            #expect(english?.contains("Too many requests without signing in") == true)
            let chinese = await expectRPCError(.resourceExhausted) {
                _ = try await client.listSites(.init(), metadata: callMetadata(language: "zh-CN"))
            }
            #expect(chinese?.contains("未登录的请求过于频繁") == true)
            // x-forwarded-for from a peer that is not a trusted forwarder changes nothing.
            var forwarded = callMetadata()
            forwarded.addString("10.1.2.3", forKey: "x-forwarded-for")
            await expectRPCError(.resourceExhausted) { _ = try await client.listSites(.init(), metadata: forwarded) }

            // Signed in, from the same address, at the same time: never limited.
            let token = TestKeys.token(for: Principal(accountID: UUID(), role: .nomad))
            let signedIn = await concurrentOutcomes(
                (0..<60).map { index in
                    { @Sendable in
                        if index % 2 == 0 {
                            _ = try await client.listSites(.init(), metadata: callMetadata(token: token))
                        } else {
                            _ = try await client.listCatalogue(.init(), metadata: callMetadata(token: token))
                        }
                    }
                })
            #expect(signedIn.allSatisfy { $0 == nil }, "\(signedIn.compactMap { $0 })")
            // Health is outside the limit (Kubernetes probes are anonymous).
            let health = Grpc_Health_V1_Health.Client(wrapping: app.client)
            for _ in 0..<20 {
                let status = try await health.check(.with { $0.service = "" }).status
                #expect(status == .serving)
            }
        }
    }

    /// Behind a trusted forwarder (the portal), each forwarded client address
    /// has a bucket of its own; the forwarder's own anonymous calls, without
    /// the header, have another.
    @Test func aTrustedForwardersClientsEachHaveTheirOwnBucket() async throws {
        try await withTestApp(
            IdentityDefinition.make(settings: IdentityEnv.settings),
            configure: {
                $0.anonymousRate = .init(ratePerSecond: 0.1, burst: 3, trustedForwarders: ["127.0.0.1"])
            }
        ) { app in
            let client = IdentityClient(wrapping: app.client)
            func call(from address: String?) async -> RPCError.Code? {
                var metadata = callMetadata()
                // A client's own header first, the forwarder's address last: the last one counts.
                if let address { metadata.addString("203.0.113.9, \(address)", forKey: "x-forwarded-for") }
                do {
                    _ = try await client.listSites(.init(), metadata: metadata)
                    return nil
                } catch let error as RPCError {
                    return error.code
                } catch {
                    return .unknown
                }
            }
            for address in ["198.51.100.1", "198.51.100.2", "2001:db8::7", nil] {
                var outcomes: [RPCError.Code?] = []
                for _ in 0..<4 { outcomes.append(await call(from: address)) }
                #expect(outcomes == [nil, nil, nil, .resourceExhausted], "\(address ?? "the forwarder itself")")
            }
        }
    }
}
