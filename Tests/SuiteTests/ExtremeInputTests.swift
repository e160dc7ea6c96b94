import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// The single requests that used to abort a service process, each now a
/// refusal in the caller's language, with every process still up after.
@Suite struct ExtremeInputTests {
    static let far: Int64 = 100_000_000_000_000_000

    @Test func requestsThatOnceAbortedAServiceAreRefusedInTheCallersLanguage() async throws {
        try await WholeSuite.run(WholeSuite.withBootstrapAdmin) { suite in
            let identity = IdentityClient(wrapping: try suite["identity"].client)
            let jobs = JobsClient(wrapping: try suite["jobs"].client)
            let assets = AssetsClient(wrapping: try suite["assets"].client)
            let events = EventsClient(wrapping: try suite["events"].client)
            let analytics = AnalyticsClient(wrapping: try suite["analytics"].client)
            let enterprise = TestCaller.make(.enterprise)
            let nomad = TestCaller.make(.nomad, standing: .certified)
            let admin = try await WholeSuite.admin(identity)

            // PostgreSQL refuses NUL in text: once INTERNAL, now the caller's mistake.
            let nul = await expectRPCError(.invalidArgument) {
                _ = try await identity.login(
                    .with {
                        $0.username = "admin\u{0}"; $0.password = "x"
                    }, metadata: callMetadata(language: "zh-CN"))
            }
            #expect(nul?.contains("username") == true && nul?.contains("NUL") == true)
            await expectRPCError(.invalidArgument) {
                _ = try await identity.listOfficers(.with { $0.department = "talent\u{0}" }, metadata: admin.metadata)
            }

            let deadline = await expectRPCError(.invalidArgument) {
                _ = try await jobs.publishJob(
                    .with {
                        $0.requestID = UUID().text
                        $0.job = .with {
                            $0.title = "Tide app"; $0.deadline = .with { $0.seconds = Self.far }
                        }
                    }, metadata: enterprise.metadata)
            }
            #expect(deadline?.contains("job.deadline") == true)
            await expectRPCError(.invalidArgument) {
                _ = try await jobs.publishBounty(
                    .with {
                        $0.requestID = UUID().text
                        $0.bounty = .with {
                            $0.title = "Tides"; $0.deadline = .with { $0.seconds = -Self.far }
                        }
                    }, metadata: enterprise.metadata)
            }
            // Any signed-in nomad may list events: the message is in their language.
            let listing = await expectRPCError(.invalidArgument) {
                _ = try await events.listEvents(
                    .with { $0.startsBefore = .with { $0.seconds = Self.far } }, metadata: nomad.metadata(language: "zh-CN"))
            }
            #expect(listing?.contains("时间须在") == true)
            await expectRPCError(.invalidArgument) {
                _ = try await analytics.ingestEvents(
                    .with {
                        $0.events = [
                            .with {
                                $0.eventID = UUID().text
                                $0.sourceService = "jobs"
                                $0.type = "jobs.job.published"
                                $0.schemaVersion = 1
                                $0.occurredAt = .with { $0.seconds = Self.far }
                                $0.payloadJson = "{}"
                            }
                        ]
                    }, metadata: callMetadata(token: try WholeSuite.relayToken()))
            }
            await expectRPCError(.invalidArgument) {
                _ = try await analytics.getServicePerformance(
                    .with {
                        $0.page = .with { $0.pageToken = Base64URL.encode(Data("o:9223372036854775807".utf8)) }
                    }, metadata: TestCaller.make(.admin).metadata)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await assets.sweepExpired(
                    .with {
                        $0.requestID = UUID().text
                        $0.asOf = .with { $0.seconds = Self.far }
                    }, metadata: TestCaller.make(.admin).metadata)
            }

            for service in WholeSuite.services {
                #expect(suite[service].isRunning, "\(service) is still running")
            }
        }
    }
}
