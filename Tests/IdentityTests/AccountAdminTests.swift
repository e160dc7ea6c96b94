import Foundation
import GRPCCore
@testable import Identity
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

@Suite struct AccountAdminTests {
    func createOfficer(
        _ env: IdentityEnv, token: String, username: String = "officer-\(UUID().uuidString.prefix(6).lowercased())",
        department: String = "talent"
    ) async throws -> Nomad_Identity_V1_Account {
        try await env.client.createOfficer(
            .with {
                $0.requestID = UUID().uuidString
                $0.username = username
                $0.password = "correct horse battery"
                $0.displayName = "Officer"
                $0.department = department
            }, metadata: callMetadata(token: token))
    }

    @Test func adminManagesOfficersAndOthersAreRefused() async throws {
        try await withIdentity { env in
            let admin = env.admin()
            for department in ["talent", "talent", "housing"] { _ = try await createOfficer(env, token: admin, department: department) }
            await expectRPCError(.permissionDenied) { _ = try await createOfficer(env, token: env.officer("talent")) }
            await expectRPCError(.permissionDenied) { _ = try await createOfficer(env, token: try await env.nomad().token) }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.createOfficer(
                    .with {
                        $0.requestID = "r"; $0.department = "talent"
                    })
            }
            await expectRPCError(.invalidArgument) { _ = try await createOfficer(env, token: admin, department: "ministry-of-magic") }

            let page1 = try await env.client.listOfficers(
                .with {
                    $0.department = "talent"; $0.page = .with { $0.pageSize = 1 }
                },
                metadata: callMetadata(token: admin))
            #expect(page1.officers.count == 1 && !page1.page.nextPageToken.isEmpty)
            let page2 = try await env.client.listOfficers(
                .with {
                    $0.department = "talent"
                    $0.page = .with {
                        $0.pageSize = 1; $0.pageToken = page1.page.nextPageToken
                    }
                }, metadata: callMetadata(token: admin))
            #expect(page2.officers.count == 1 && page2.page.nextPageToken.isEmpty && page2.officers[0].id != page1.officers[0].id)
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.listOfficers(.init(), metadata: callMetadata(token: env.officer("talent")))
            }

            let officer = page1.officers[0]
            let disabled = try await env.client.disableOfficer(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.accountID = officer.id
                    $0.reason = "left the bureau"
                }, metadata: callMetadata(token: admin))
            #expect(disabled.officer.disabled)
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.login(
                    .with {
                        $0.username = officer.username; $0.password = "correct horse battery"
                    })
            }
        }
    }

    @Test func registrationRefusesBadInputAndChangesNothing() async throws {
        try await withIdentity { env in
            _ = try await env.registerNomad(username: "taken")
            await expectRPCError(.alreadyExists) { _ = try await env.registerNomad(username: "taken") }
            await expectRPCError(.invalidArgument) { _ = try await env.registerNomad(username: "") }
            await expectRPCError(.invalidArgument) { _ = try await env.registerNomad(username: String(repeating: "a", count: 33)) }
            await expectRPCError(.invalidArgument) { _ = try await env.registerNomad(username: "Upper Case") }
            await expectRPCError(.invalidArgument) { _ = try await env.registerNomad(password: "short") }
            await expectRPCError(.invalidArgument) { _ = try await env.registerNomad(nationality: "Germany") }
            // A resident ID is for Chinese nationals, and its check character must match.
            await expectRPCError(.invalidArgument) {
                _ = try await env.registerNomad(nationality: "DE", documentType: .residentID, documentNumber: IdentityEnv.residentID())
            }
            var wrongCheck = IdentityEnv.residentID()
            let check = wrongCheck.removeLast()
            wrongCheck += check == "1" ? "2" : "1"
            await expectRPCError(.invalidArgument) {
                _ = try await env.registerNomad(nationality: "CN", documentType: .residentID, documentNumber: wrongCheck)
            }
            await expectRPCError(.invalidArgument) { _ = try await env.registerNomad(documentType: .UNRECOGNIZED(7)) }
            await expectRPCError(.invalidArgument) { _ = try await env.registerNomad(documentType: .unspecified) }
            let message = await expectRPCError(.invalidArgument) {
                _ = try await env.client.registerEnterprise(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.username = "bad-code"
                        $0.password = "correct horse battery"
                        $0.name = "Bad Code Ltd"
                        $0.creditCode = "91350100M000100Y44"
                    }, metadata: callMetadata(language: "zh-CN"))
            }
            #expect(message?.contains("统一社会信用代码") == true)
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.registerEnterprise(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.username = "long-name"
                        $0.password = "correct horse battery"
                        $0.name = String(repeating: "名", count: 101)
                        $0.creditCode = IdentityEnv.creditCode()
                    })
            }
            let (enterprise, _) = try await env.enterprise()
            #expect(enterprise.enterprise.creditCode.count == 18)
            // Only the first nomad and the enterprise exist.
            let count = try await env.app.app.database.read { tx in
                try await tx.query("SELECT count(*)::int FROM accounts").collect().first!.decode(Int.self)
            }
            #expect(count == 2)
        }
    }

    @Test func aNomadSeesOnlyTheirOwnAccount() async throws {
        try await withIdentity { env in
            let (mine, token) = try await env.nomad()
            let (other, _) = try await env.nomad()
            #expect(try await env.client.getAccount(.with { $0.accountID = mine.id }, metadata: callMetadata(token: token)).id == mine.id)
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.getAccount(.with { $0.accountID = other.id }, metadata: callMetadata(token: token))
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.getAccount(.with { $0.accountID = "not-a-uuid" }, metadata: callMetadata(token: token))
            }
            await expectRPCError(.notFound) {
                _ = try await env.client.getAccount(.with { $0.accountID = UUID().uuidString }, metadata: callMetadata(token: env.admin()))
            }
        }
    }
}
