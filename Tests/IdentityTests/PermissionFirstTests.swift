import Foundation
import GRPCCore
@testable import Identity
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// A caller who may not act on a record is refused before the request's other
/// fields are read: a stranger's malformed request says "permission denied",
/// not which fields are required.
@Suite struct IdentityPermissionFirstTests {
    @Test func strangersAreRefusedBeforeTheirFieldsAreChecked() async throws {
        try await withIdentity { env in
            let nomad = try await env.nomad()
            let application = try await env.client.submitApplication(
                CatalogueTests.submit("talent-housing"), metadata: callMetadata(token: nomad.token))
            // Another department's officer rejecting without the required reason.
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.decideApplication(
                    CatalogueTests.decide(application.id, approve: false), metadata: callMetadata(token: env.officer("talent")))
            }
            // Another nomad rating with stars out of range.
            let other = try await env.nomad()
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.rateApplication(
                    CatalogueTests.rate(application.id, stars: 0), metadata: callMetadata(token: other.token))
            }
            // Lists with an unknown status filter, asked by roles they are not for.
            let enterprise = try await env.enterprise()
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.listCertifications(
                    .with { $0.status = .UNRECOGNIZED(99) }, metadata: callMetadata(token: enterprise.token))
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.listApplications(
                    .with { $0.status = .UNRECOGNIZED(99) }, metadata: callMetadata(token: env.admin()))
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.listPermits(
                    .with { $0.page.pageToken = "not-a-token" }, metadata: callMetadata(token: enterprise.token))
            }
            // The owner still hears what is wrong, in their language.
            let stars = await expectRPCError(.invalidArgument) {
                _ = try await env.client.decideApplication(
                    CatalogueTests.decide(application.id, approve: false),
                    metadata: callMetadata(token: env.officer("housing"), language: "zh-CN"))
            }
            #expect(stars?.contains("reason") == true)
        }
    }
}
