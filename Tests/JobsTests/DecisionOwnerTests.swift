import Foundation
import GRPCCore
@testable import Jobs
import NomadKit
import NomadProtos
import NomadTesting
import Testing

/// Jobs' decisions are the Science, Technology, Industry and IT Bureau's
/// (`JobsDecisionOwners`): refused to every other department before the
/// request is read, and recorded in the append-only `audit_log`.
@Suite struct DecisionOwnerTests {
    typealias Call = @Sendable (JobsClient, Metadata) async throws -> Void

    static let owned: [(String, Call)] = [
        ("CreateSkill", { _ = try await $0.createSkill(.init(), metadata: $1) }),
        ("AddSkillAliases", { _ = try await $0.addSkillAliases(.init(), metadata: $1) }),
        ("CloseJob", { _ = try await $0.closeJob(.init(), metadata: $1) }),
        ("CreateScenario", { _ = try await $0.createScenario(.init(), metadata: $1) }),
        ("CompleteScenario", { _ = try await $0.completeScenario(.init(), metadata: $1) }),
        ("PublishBounty", { _ = try await $0.publishBounty(.init(), metadata: $1) }),
        ("ReviewBountyApplication", { _ = try await $0.reviewBountyApplication(.init(), metadata: $1) }),
        ("CompleteBounty", { _ = try await $0.completeBounty(.init(), metadata: $1) }),
        ("CancelBounty", { _ = try await $0.cancelBounty(.init(), metadata: $1) }),
    ]

    @Test func theTableNamesEveryOwnedMethod() {
        #expect(Set(JobsDecisionOwners.table.departments.keys.map(\.method)) == Set(Self.owned.map(\.0)))
        #expect(Set(JobsDecisionOwners.table.departments.values) == ["science_industry"])
    }

    @Test func anotherDepartmentIsRefusedBeforeValidationAndNothingIsWritten() async throws {
        try await withJobs { env in
            for (_, call) in Self.owned {
                await expectRPCError(.permissionDenied) { try await call(env.client, env.officer("talent").metadata) }
                await expectRPCError(.invalidArgument) { try await call(env.client, env.officer().metadata) }
            }
            let audited = try await env.app.auditCount()
            #expect(audited == 0)
        }
    }

    @Test func bountyQualificationIsReviewedByScienceAndIndustryOnTheRecord() async throws {
        try await withJobs { env in
            let bounty = try await env.publishBounty(by: env.enterprise())
            let application = try await env.submitBountyApplication(bounty, by: env.nomad())
            await expectRPCError(.permissionDenied) {
                _ = try await env.reviewBountyApplication(application, by: env.officer("human_resources"), qualified: false, reason: "x")
            }
            let subject = "bounty_application/\(application.applicationID)"
            #expect(try await env.app.auditRows(subject: subject).isEmpty)
            let officer = env.officer()
            let reviewed = try await env.reviewBountyApplication(application, by: officer, qualified: false, reason: "no portfolio")
            #expect(reviewed.status == .disqualified)
            let rows = try await env.app.auditRows(subject: subject)
            #expect(rows.count == 1)
            let row = try #require(rows.first)
            #expect(row.actorID.uuidString.lowercased() == officer.id && row.actorDepartment == "science_industry")
            #expect(row.action == "bounty_application.disqualify" && row.reason == "no portfolio")
            #expect(row.before?.contains("DISQUALIFIED") == false && row.after?.contains("DISQUALIFIED") == true)

            #expect(try await env.app.runtimeSQLState("UPDATE audit_log SET reason = 'forged'") == "42501")
            #expect(try await env.app.runtimeSQLState("DELETE FROM audit_log") == "42501")
            #expect(try await env.app.runtimeSQLState("SELECT count(*) FROM audit_log") == nil)
        }
    }
}
