import Foundation
import NomadProtos
import NomadTesting
import Testing

/// ListAuditEntries over assets' decision log (`expectAuditReadable`).
@Suite struct AuditReadingTests {
    @Test func aPoolGrantIsReadByItsDepartmentAndAnAdminOnly() async throws {
        try await withAssets { env in
            let grant = try await env.requestPoolAccess(by: env.enterprise())
            let officer = env.officer()
            _ = try await env.decidePoolAccess(grant, by: officer, note: "study approved")
            try await expectAuditReadable(
                subject: "pool_grant/\(grant.grantID)", owner: officer, department: "data",
                stranger: env.financeOfficer(), admin: env.admin(), nomad: env.nomad()
            ) { try await env.client.listAuditEntries($0, metadata: $1) }
        }
    }
}
