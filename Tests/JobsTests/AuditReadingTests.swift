import Foundation
import NomadProtos
import NomadTesting
import Testing

/// ListAuditEntries over jobs' decision log (`expectAuditReadable`).
@Suite struct AuditReadingTests {
    @Test func aBountyReviewIsReadByItsDepartmentAndAnAdminOnly() async throws {
        try await withJobs { env in
            let bounty = try await env.publishBounty(by: env.enterprise())
            let application = try await env.submitBountyApplication(bounty, by: env.nomad())
            let officer = env.officer()
            _ = try await env.reviewBountyApplication(application, by: officer, qualified: false, reason: "no portfolio")
            try await expectAuditReadable(
                subject: "bounty_application/\(application.applicationID)", owner: officer,
                department: "science_industry", stranger: env.officer("talent"), admin: env.admin(), nomad: env.nomad()
            ) { try await env.client.listAuditEntries($0, metadata: $1) }
        }
    }
}
