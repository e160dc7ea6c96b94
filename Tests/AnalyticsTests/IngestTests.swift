import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// IngestEvents and ListIngestedEvents called directly, as a relay and an
/// operator would.
@Suite struct IngestTests {
    @Test func storesABatchAndAcknowledgesEveryID() async throws {
        try await withAnalytics { env in
            let events = (0..<5).map { _ in domainEvent() }
            let response = try await env.client.ingestEvents(.with { $0.events = events }, metadata: env.service().metadata)
            #expect(Set(response.storedEventIds) == Set(events.map(\.eventID)))
            let stored = try await env.storedCount()
            #expect(stored.rows == 5)
        }
    }

    @Test func theSameEventTwiceIsStoredOnce() async throws {
        try await withAnalytics { env in
            let event = domainEvent(payload: #"{"first":true}"#)
            _ = try await env.client.ingestEvents(.with { $0.events = [event] }, metadata: env.service().metadata)
            var again = event
            again.payloadJson = #"{"first":false}"#
            // Twice more: once alone, once inside a batch with itself.
            let second = try await env.client.ingestEvents(.with { $0.events = [again] }, metadata: env.service().metadata)
            _ = try await env.client.ingestEvents(.with { $0.events = [again, event] }, metadata: env.service().metadata)
            #expect(second.storedEventIds == [event.eventID])
            let stored = try await env.storedCount()
            #expect(stored.rows == 1)
            // The first delivery wins; a redelivery changes nothing.
            let listed = try await env.client.listIngestedEvents(.with { _ in }, metadata: env.officer().metadata)
            #expect(listed.events.count == 1)
            #expect(listed.events.first?.event.payloadJson.contains("\"first\": true") == true)
        }
    }

    @Test func unknownTypesAreKept() async throws {
        try await withAnalytics { env in
            let event = domainEvent(source: "future", type: "future.never.heard.of", payload: #"{"x":[1,2]}"#)
            _ = try await env.client.ingestEvents(.with { $0.events = [event] }, metadata: env.service().metadata)
            let listed = try await env.client.listIngestedEvents(
                .with { $0.type = "future.never.heard.of" }, metadata: env.admin().metadata)
            #expect(listed.events.map(\.event.eventID) == [event.eventID])
            #expect(listed.events.first?.event.sourceService == "future")
            #expect(listed.events.first?.event.subjectIds == event.subjectIds)
        }
    }

    @Test func listFiltersAndPages() async throws {
        try await withAnalytics { env in
            let a = (0..<3).map { _ in domainEvent(source: "jobs", type: "jobs.job.published") }
            let b = (0..<2).map { _ in domainEvent(source: "assets", type: "assets.pool.created") }
            _ = try await env.client.ingestEvents(.with { $0.events = a + b }, metadata: env.service().metadata)
            let officer = env.officer().metadata
            let jobs = try await env.client.listIngestedEvents(.with { $0.sourceService = "jobs" }, metadata: officer)
            #expect(Set(jobs.events.map(\.event.eventID)) == Set(a.map(\.eventID)))
            var seen: [String] = []
            var token = ""
            repeat {
                let page = try await env.client.listIngestedEvents(
                    .with {
                        $0.page = .with {
                            $0.pageSize = 2; $0.pageToken = token
                        }
                    }, metadata: officer)
                #expect(page.events.count <= 2)
                seen += page.events.map(\.event.eventID)
                token = page.page.nextPageToken
            } while !token.isEmpty
            #expect(seen.count == 5)
            #expect(Set(seen) == Set((a + b).map(\.eventID)))
        }
    }

    @Test func badEventsAreRefusedWholeAndStoreNothing() async throws {
        try await withAnalytics { env in
            var bad = domainEvent()
            bad.payloadJson = "not json"
            let message = await expectRPCError(.invalidArgument) {
                _ = try await env.client.ingestEvents(.with { $0.events = [domainEvent(), bad] }, metadata: env.service().metadata)
            }
            #expect(message?.contains("payload_json") == true)
            var noID = domainEvent()
            noID.eventID = "nope"
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.ingestEvents(.with { $0.events = [noID] }, metadata: env.service().metadata)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.ingestEvents(.with { $0.events = [] }, metadata: env.service().metadata)
            }
            let zh = await expectRPCError(.invalidArgument) {
                _ = try await env.client.ingestEvents(
                    .with { $0.events = [bad] }, metadata: env.service().metadata(language: "zh-CN"))
            }
            #expect(zh?.contains("必须是 JSON") == true)
            let stored = try await env.storedCount()
            #expect(stored.rows == 0)
        }
    }

    @Test func onlyServicesIngestAndOnlyStaffList() async throws {
        try await withAnalytics { env in
            let request = Nomad_Analytics_V1_IngestEventsRequest.with { $0.events = [domainEvent()] }
            for caller in [env.nomad(), env.enterprise(), env.officer(), env.admin()] {
                await expectRPCError(.permissionDenied) {
                    _ = try await env.client.ingestEvents(request, metadata: caller.metadata)
                }
            }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.ingestEvents(request, metadata: callMetadata())
            }
            for caller in [env.nomad(), env.enterprise(), env.service()] {
                await expectRPCError(.permissionDenied) {
                    _ = try await env.client.listIngestedEvents(.with { _ in }, metadata: caller.metadata)
                }
            }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.listIngestedEvents(.with { _ in }, metadata: callMetadata())
            }
            // A service token signed with another key is refused.
            let foreign = ServiceTokens(key: .generate(keyID: "test-service-1"))
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.ingestEvents(
                    request, metadata: callMetadata(token: try foreign.issue(caller: UUID(), for: .ingestEvents).token))
            }
            // The service key cannot mint anything but a service: a token it
            // signs claiming admin is refused, as a service token or an access token.
            let now = Int64(Date().timeIntervalSince1970)
            for type in [ServiceTokens.type, AccessTokens.type] {
                let forged = try JWS.sign(
                    AccessTokenClaims(
                        iss: type == ServiceTokens.type ? ServiceTokens.issuer : "nomad-identity", aud: "nomad-zone",
                        sub: UUID().text, iat: now, exp: now + 300, jti: UUID().text, role: "admin", dept: nil),
                    type: type, with: AnalyticsEnv.serviceKey)
                await expectRPCError(.unauthenticated) {
                    _ = try await env.client.listIngestedEvents(.with { _ in }, metadata: callMetadata(token: forged))
                }
            }
            let stored = try await env.storedCount()
            #expect(stored.rows == 0)
        }
    }
}
