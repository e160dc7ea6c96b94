import Foundation
import GRPCCore
@testable import Identity
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

/// Sites: an officer's designation of an international community, and
/// RecordSiteVisit, a desk's record of the visit of a registered nomad who has
/// no one-card, by username, into the same visits and event as a card scan.
@Suite struct SiteTests {
    func site(_ env: IdentityEnv, international: Bool = false) async throws -> String {
        try await env.client.createSite(
            .with {
                $0.requestID = UUID().uuidString
                $0.name = .with {
                    $0.zhCn = "白马井社区"; $0.en = "Baimajing Community"
                }
                $0.area = .coreXinyingBay
                $0.address = "儋州市白马井镇"
                $0.capacity = 30
                $0.international = international
            }, metadata: callMetadata(token: env.officer("community"))
        ).id
    }

    @Test func anInternationalCommunityIsDesignatedWhenTheSiteIsCreated() async throws {
        try await withIdentity { env in
            let international = try await site(env, international: true)
            let plain = try await site(env)
            let listed = try await env.client.listSites(.init(), metadata: callMetadata()).sites
            #expect(listed.first { $0.id == international }?.international == true)
            #expect(listed.first { $0.id == plain }?.international == false)
            #expect(try await env.outboxPayload(type: "identity.site.created", subject: international)?["international"] == "true")
            #expect(try await env.outboxPayload(type: "identity.site.created", subject: plain)?["international"] == "false")
        }
    }

    func visits(_ env: IdentityEnv, of account: String) async throws -> Int {
        try await env.app.withSchemaConnection { tx in
            try await tx.query(
                "SELECT count(*) FROM site_visits WHERE holder_id = \(UUID(uuidString: account)!)"
            ).collect().first!.decode(Int.self)
        }
    }

    @Test func aDeskRecordsAnUncertifiedNomadsVisitOncePerDay() async throws {
        try await withIdentity { env in
            let nomad = try await env.registerNomad()
            let site = try await site(env)
            let desk = callMetadata(token: env.officer("community"))
            let request = Nomad_Identity_V1_RecordSiteVisitRequest.with {
                $0.requestID = UUID().uuidString; $0.siteID = site; $0.username = nomad.username
            }
            let first = try await env.client.recordSiteVisit(request, metadata: desk)
            #expect(first.accountID == nomad.id && first.displayName == nomad.displayName && first.visitRecorded)
            // A retry is the same answer; a second scan the same day records nothing new.
            #expect(try await env.client.recordSiteVisit(request, metadata: desk) == first)
            let again = try await env.client.recordSiteVisit(
                .with {
                    $0.requestID = UUID().uuidString; $0.siteID = site; $0.username = nomad.username
                }, metadata: desk)
            #expect(!again.visitRecorded)
            #expect(try await visits(env, of: nomad.id) == 1)
            #expect(try await env.app.outboxCount(type: "identity.site.visited", subject: nomad.id) == 1)
            let payload = try await env.outboxPayload(type: "identity.site.visited", subject: nomad.id)
            #expect(payload?["area"] == "core" && payload?["day"] == ZoneDay.today().iso)
        }
    }

    @Test func onlyADeskRecordsAndOnlyANomadsVisit() async throws {
        try await withIdentity { env in
            let nomad = try await env.nomad()
            let enterprise = try await env.enterprise()
            let site = try await site(env)
            let request = Nomad_Identity_V1_RecordSiteVisitRequest.with {
                $0.requestID = UUID().uuidString; $0.siteID = site; $0.username = nomad.account.username
            }
            // Permission first: the empty request is refused the same way.
            for token in [nomad.token, enterprise.token, env.admin()] {
                for attempt in [request, Nomad_Identity_V1_RecordSiteVisitRequest()] {
                    await expectRPCError(.permissionDenied) {
                        _ = try await env.client.recordSiteVisit(attempt, metadata: callMetadata(token: token))
                    }
                }
            }
            await expectRPCError(.unauthenticated) { _ = try await env.client.recordSiteVisit(request, metadata: callMetadata()) }

            let desk = callMetadata(token: env.officer("community"), language: "zh-CN")
            for username in ["nobody-\(UUID().uuidString.prefix(8))", enterprise.account.username] {
                let message = await expectRPCError(.notFound) {
                    _ = try await env.client.recordSiteVisit(
                        .with {
                            $0.requestID = UUID().uuidString; $0.siteID = site; $0.username = username
                        }, metadata: desk)
                }
                #expect(message?.contains("数字游民") == true)
            }
            await expectRPCError(.notFound) {
                _ = try await env.client.recordSiteVisit(
                    .with {
                        $0.requestID = UUID().uuidString; $0.siteID = UUID().uuidString; $0.username = nomad.account.username
                    }, metadata: desk)
            }
            for bad in [
                Nomad_Identity_V1_RecordSiteVisitRequest.with {
                    $0.requestID = UUID().uuidString; $0.siteID = "x"; $0.username = nomad.account.username
                },
                .with {
                    $0.requestID = UUID().uuidString; $0.siteID = site; $0.username = ""
                },
                .with {
                    $0.requestID = UUID().uuidString; $0.siteID = site; $0.username = String(repeating: "n", count: 10_000)
                },
            ] {
                await expectRPCError(.invalidArgument) { _ = try await env.client.recordSiteVisit(bad, metadata: desk) }
            }
            #expect(try await visits(env, of: nomad.account.id) == 0)
            #expect(try await env.app.outboxCount(type: "identity.site.visited", subject: nomad.account.id) == 0)
        }
    }
}
