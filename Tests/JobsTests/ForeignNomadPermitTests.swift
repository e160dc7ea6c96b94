import Foundation
import GRPCCore
@testable import Jobs
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// A foreign nomad works on a valid permit: a claim, an employment contract
/// or a long contract must fall within the permit cover their token states.
@Suite struct ForeignNomadPermitTests {
    @Test func aClaimNeedsAPermitThroughTheJobsDeadline() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise()
            let deadline = Date().addingTimeInterval(30 * 86400)
            let deadlineDay = ZoneDay.today(now: deadline)
            for (caller, allowed) in [
                (env.foreignNomad(permitUntil: nil), false),
                (env.foreignNomad(permitUntil: deadlineDay.adding(days: -1)), false),
                (env.foreignNomad(permitUntil: deadlineDay), true),
                (env.nomad(), true),
            ] {
                let job = try await env.publishJob(by: enterprise, deadline: deadline)
                if allowed {
                    #expect(try await env.claimJob(job, by: caller).status == .active)
                } else {
                    let message = await expectRPCError(.failedPrecondition) { _ = try await env.claimJob(job, by: caller) }
                    #expect(message?.contains("permit") == true)
                    let zh = await expectRPCError(.failedPrecondition) {
                        _ = try await env.client.claimJob(
                            .with {
                                $0.requestID = UUID().uuidString; $0.jobID = job.jobID
                            }, metadata: caller.metadata(language: "zh-CN"))
                    }
                    #expect(zh?.contains("许可") == true)
                    #expect(try await env.orderCount(job: job) == 0)
                }
            }
        }
    }

    @Test func anEmploymentContractNeedsThePermitTheNomadAppliedWith() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise()
            let contract = JobsEnv.contract(.employment, months: 6)
            let end = ZoneDay(contract.endDate)!
            let short = env.foreignNomad(permitUntil: end.adding(days: -1))
            let covered = env.foreignNomad(permitUntil: end)

            let job = try await env.publishJob(by: enterprise, mode: .remoteOrder, seats: 3, claimable: false)
            let refused = try await env.applyToJob(job, by: short)
            await expectRPCError(.failedPrecondition) { _ = try await env.acceptApplication(refused, by: enterprise, contract: contract) }
            #expect(try await env.client.getOrder(.with { $0.orderID = refused.orderID }, metadata: enterprise.metadata).status == .applied)
            // A service order is not employment: the rule is for employment and long contracts.
            #expect(
                try await env.acceptApplication(refused, by: enterprise, contract: JobsEnv.contract(.serviceOrder, months: 1)).status
                    == .active)
            let applied = try await env.applyToJob(job, by: covered)
            #expect(try await env.acceptApplication(applied, by: enterprise, contract: contract).status == .active)
            // An open-ended employment is never within a permit.
            let open = try await env.applyToJob(job, by: env.foreignNomad(permitUntil: end.adding(months: 6)))
            await expectRPCError(.failedPrecondition) {
                _ = try await env.acceptApplication(open, by: enterprise, contract: JobsEnv.contract(.employment, months: nil))
            }
        }
    }
}
