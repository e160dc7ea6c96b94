import Foundation
import GRPCCore
@testable import Jobs
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// A caller who may not act on a record is refused before the request's other
/// fields are read: a stranger's malformed request says "permission denied",
/// not which fields are required.
@Suite struct JobsPermissionFirstTests {
    @Test func strangersAreRefusedBeforeTheirFieldsAreChecked() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise(), stranger = env.enterprise()
            let job = try await env.publishJob(by: enterprise, seats: 2)
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.closeJob(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.jobID = job.jobID
                    }, metadata: stranger.metadata)
            }
            let bounty = try await env.publishBounty(by: enterprise)
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.cancelBounty(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.bountyID = bounty.bountyID
                        $0.reason = " "
                    }, metadata: stranger.metadata)
            }
            let order = try await env.claimJob(job, by: env.nomad())
            let otherNomad = env.nomad()
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.cancelOrder(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.orderID = order.orderID
                    }, metadata: otherNomad.metadata)
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.rateOrder(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.orderID = order.orderID
                        $0.stars = 0
                    }, metadata: otherNomad.metadata)
            }
            // The publisher still hears what is missing, in their language.
            let reason = await expectRPCError(.invalidArgument) {
                _ = try await env.client.closeJob(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.jobID = job.jobID
                    }, metadata: enterprise.metadata(language: "zh-CN"))
            }
            #expect(reason?.contains("reason") == true)
        }
    }
}
