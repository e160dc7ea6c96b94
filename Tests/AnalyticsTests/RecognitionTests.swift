import Foundation
import GRPCCore
@testable import Analytics
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// RecordRecognition and ListRecognitions.
@Suite struct RecognitionTests {
    @Test func anOfficerRecordsOnePerEnterpriseWithItsEvent() async throws {
        try await withAnalytics { env in
            let enterprise = UUID().text
            let officer = env.recognitionOfficer()
            let recognition = try await env.recordRecognition(enterprise, on: "2025-02-14", by: officer)
            #expect(recognition.enterpriseID == enterprise)
            #expect(recognition.recognizedOn == day("2025-02-14"))
            #expect(recognition.recordedBy == officer.id)
            #expect(recognition.evidenceHashes == [evidenceHash("c")])
            let message = await expectRPCError(.alreadyExists) { try await env.recordRecognition(enterprise, on: "2025-03-01") }
            #expect(message?.contains("already") == true)

            let events = try await env.client.listIngestedEvents(
                .with { $0.type = "analytics.enterprise.recognized" }, metadata: officer.metadata)
            let event = try #require(events.events.first?.event)
            #expect(events.events.count == 1)
            #expect(event.subjectIds["enterprise_id"] == enterprise)
            #expect(event.subjectIds["recognition_id"] == recognition.recognitionID)
            #expect(event.payloadJson.contains("\"recognized_on\": \"2025-02-14\""))
        }
    }

    @Test func retryAndBadInput() async throws {
        try await withAnalytics { env in
            let officer = env.recognitionOfficer()
            let enterprise = UUID().text
            let first = try await env.recordRecognition(enterprise, on: "2025-01-10", requestID: "rec-1", by: officer)
            let retry = try await env.recordRecognition(enterprise, on: "2025-01-10", requestID: "rec-1", by: officer)
            #expect(retry == first)

            func refused(_ change: (inout Nomad_Analytics_V1_RecordRecognitionRequest) -> Void) async {
                var request = Nomad_Analytics_V1_RecordRecognitionRequest.with {
                    $0.requestID = UUID().uuidString
                    $0.enterpriseID = UUID().text
                    $0.recognizedOn = day("2025-01-10")
                    $0.reference = "ref"
                    $0.evidenceHashes = [evidenceHash("r")]
                }
                change(&request)
                _ = await expectRPCError(.invalidArgument) {
                    _ = try await env.client.recordRecognition(request, metadata: officer.metadata)
                }
            }
            await refused { $0.enterpriseID = "not-a-uuid" }
            await refused { $0.clearRecognizedOn() }
            await refused {
                $0.recognizedOn = .with {
                    $0.year = 2025; $0.month = 13; $0.day = 1
                }
            }
            await refused { $0.recognizedOn = day("2099-01-01") }
            await refused { $0.reference = "" }
            await refused { $0.evidenceHashes = [] }
            await refused { $0.evidenceHashes = ["zz"] }
            #expect(try await env.count("recognitions") == 1)
            #expect(try await env.storedCount("type = 'analytics.enterprise.recognized'").rows == 1)
        }
    }

    @Test func staffListPageByPage() async throws {
        try await withAnalytics { env in
            for index in 0..<5 { try await env.recordRecognition(UUID().text, on: "2025-01-0\(index + 1)") }
            var seen: [String] = []
            var token = ""
            repeat {
                let page = try await env.client.listRecognitions(
                    .with {
                        $0.page = .with {
                            $0.pageSize = 2; $0.pageToken = token
                        }
                    }, metadata: env.admin().metadata)
                #expect(page.recognitions.count <= 2)
                seen += page.recognitions.map(\.enterpriseID)
                token = page.page.nextPageToken
            } while !token.isEmpty
            #expect(seen.count == 5 && Set(seen).count == 5)
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.listRecognitions(.with { $0.page.pageToken = "forged" }, metadata: env.officer().metadata)
            }
        }
    }

    @Test func onlyStaffRecordAndList() async throws {
        try await withAnalytics { env in
            for caller in [env.nomad(), env.enterprise(), env.service()] {
                await expectRPCError(.permissionDenied) { try await env.recordRecognition(UUID().text, on: "2025-01-01", by: caller) }
                await expectRPCError(.permissionDenied) {
                    _ = try await env.client.listRecognitions(.with { _ in }, metadata: caller.metadata)
                }
            }
            // Only the science and industry bureau (or an admin) records them; other officers read the list.
            for caller in [env.officer(), env.officer("housing")] {
                await expectRPCError(.permissionDenied) { try await env.recordRecognition(UUID().text, on: "2025-01-01", by: caller) }
                _ = try await env.client.listRecognitions(.with { _ in }, metadata: caller.metadata)
            }
            _ = try await env.recordRecognition(UUID().text, on: "2025-01-01", by: env.admin())
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.recordRecognition(.with { $0.requestID = "x" }, metadata: callMetadata())
            }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.listRecognitions(.with { _ in }, metadata: callMetadata())
            }
            // Only the admin's: every refusal changed nothing.
            let recorded = try await env.count("recognitions")
            #expect(recorded == 1)
        }
    }
}
