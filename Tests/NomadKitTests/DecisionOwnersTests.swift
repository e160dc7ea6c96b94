import Foundation
import GRPCCore
@testable import NomadKit
import Testing

/// The chassis' department check, apart from any service.
@Suite struct DecisionOwnersTests {
    let decide = MethodDescriptor(fullyQualifiedService: "nomad.test.v1.TestService", method: "Decide")
    let read = MethodDescriptor(fullyQualifiedService: "nomad.test.v1.TestService", method: "Read")

    var owners: DecisionOwners { DecisionOwners([decide: "data"]) }

    @Test func onlyAnOfficerOfAnotherDepartmentIsRefused() {
        let data = Principal(accountID: UUID(), role: .officer, department: "data")
        let finance = Principal(accountID: UUID(), role: .officer, department: "finance")
        let unbound = Principal(accountID: UUID(), role: .officer)
        #expect(owners.refusal(data, calling: decide) == nil)
        #expect(owners.refusal(finance, calling: decide) == .decidedByAnotherDepartment("data"))
        #expect(owners.refusal(unbound, calling: decide) == .decidedByAnotherDepartment("data"))
        // Methods without an owner, and callers who are not officers, are the role rules' business.
        #expect(owners.refusal(finance, calling: read) == nil)
        for role in [Role.admin, .enterprise, .nomad, .service] {
            #expect(owners.refusal(Principal(accountID: UUID(), role: role), calling: decide) == nil)
        }
    }

    @Test func theRefusalIsPermissionDeniedNamingTheOwnerInBothLanguages() {
        let refusal = NomadError.decidedByAnotherDepartment("investment_promotion")
        #expect(refusal.code == .permissionDenied)
        #expect(refusal.message.text(.zhCN).contains("investment_promotion"))
        #expect(refusal.message.text(.en).contains("investment_promotion"))
    }

    @Test func theAuditTableIsTheOneShapeIdentityStartedWith() {
        #expect(DecisionAudit.table == "audit_log")
        for column in [
            "actor_id uuid", "actor_department text", "action text", "subject text", "reason text", "before jsonb", "after jsonb",
        ] {
            #expect(DecisionAudit.createTable.contains(column), "\(column)")
        }
        #expect(DecisionAudit.createTable.contains("BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log"))
        #expect(DecisionAudit.json(["b": "2", "a": "1"]) == #"{"a":"1","b":"2"}"#)
    }
}
