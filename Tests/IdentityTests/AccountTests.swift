import Foundation
import GRPCCore
@testable import Identity
import NomadKit
import NomadProtos
import NomadTesting
import Testing

@Suite struct AccountTests {
    @Test func nomadRegistersLogsInAndSeesMaskedProfile() async throws {
        try await withIdentity { env in
            let id = IdentityEnv.residentID()
            let account = try await env.registerNomad(username: "li.wei", nationality: "CN", documentType: .residentID, documentNumber: id)
            #expect(account.nomad.documentNumberMasked != id)
            #expect(account.nomad.documentNumberMasked.hasPrefix(String(id.prefix(4))))
            #expect(account.nomad.documentNumberMasked.contains("*"))
            #expect(account.nomad.foreign == false)

            let pair = try await env.client.login(.with { $0.username = "li.wei"; $0.password = "correct horse battery" })
            #expect(!pair.accessToken.isEmpty && !pair.refreshToken.isEmpty)
            let me = try await env.client.getAccount(.init(), metadata: callMetadata(token: pair.accessToken))
            #expect(me.id == account.id)
            #expect(me.nomad.documentNumberMasked == account.nomad.documentNumberMasked)
        }
    }

    @Test func wrongPasswordAndUnknownUserAreRefusedAlike() async throws {
        try await withIdentity { env in
            _ = try await env.registerNomad(username: "anna")
            let wrong = await expectRPCError(.unauthenticated) {
                _ = try await env.client.login(.with { $0.username = "anna"; $0.password = "wrong password!" }, metadata: callMetadata())
            }
            let unknown = await expectRPCError(.unauthenticated) {
                _ = try await env.client.login(.with { $0.username = "nobody"; $0.password = "wrong password!" }, metadata: callMetadata())
            }
            #expect(wrong == unknown)
        }
    }
}
