import Foundation
import GRPCCore
@testable import Assets
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

@Suite struct PoolTests {
    @Test func theThreeSeededPoolsAreListedForAnySignedInCaller() async throws {
        try await withAssets { env in
            let pools = try await env.client.listPools(.init(), metadata: env.nomad().metadata).pools
            #expect(Set(pools.map(\.code)) == ["vehicle_road_cloud", "culture_tourism_consumption", "entertainment_metaverse"])
            let traffic = try await env.client.getPool(.with { $0.code = "vehicle_road_cloud" }, metadata: env.enterprise().metadata)
            #expect(traffic.name.zhCn == "车路云交通数据")
            #expect(!traffic.description_p.en.isEmpty && !traffic.dataUsePolicy.zhCn.isEmpty && traffic.ownerDepartment == "transport")
            #expect(!traffic.voucherAccountID.isEmpty)
            await expectRPCError(.notFound) { _ = try await env.client.getPool(.with { $0.code = "nope" }, metadata: env.admin().metadata) }
            await expectRPCError(.unauthenticated) { _ = try await env.client.listPools(.init(), metadata: callMetadata()) }
        }
    }

    @Test func anEnterpriseReadsAGrantedPoolAndEveryReadIsLogged() async throws {
        try await withAssets { env in
            // Accepted data in the pool, and one pending item that must not show.
            let officer = env.officer()
            let nomad = env.nomad()
            let accepted = try await env.reviewContribution(try await env.submitData(by: nomad), by: officer)
            _ = try await env.submitData(by: nomad)

            let enterprise = env.enterprise()
            let requestID = UUID().uuidString
            let grant = try await env.requestPoolAccess(by: enterprise, requestID: requestID)
            #expect(grant.status == .requested && grant.enterpriseID == enterprise.id)
            #expect(try await env.requestPoolAccess(by: enterprise, requestID: requestID) == grant)

            // Only officers decide: not the enterprise, not an admin, not a nomad.
            for caller in [enterprise, env.admin(), env.nomad()] {
                await expectRPCError(.permissionDenied) { _ = try await env.decidePoolAccess(grant, by: caller) }
            }
            await expectRPCError(.failedPrecondition) {
                _ = try await env.client.readPoolData(.with { $0.grantID = grant.grantID }, metadata: enterprise.metadata)
            }
            let granted = try await env.decidePoolAccess(grant, by: officer)
            #expect(granted.status == .granted && granted.decidedBy == officer.id)
            #expect(try await env.app.outboxCount(type: "assets.pool.access_granted", subject: grant.grantID) == 1)
            let payload = try await env.app.outboxPayloadText(type: "assets.pool.access_granted", subject: grant.grantID) ?? ""
            #expect(payload.contains("\"pool_code\": \"vehicle_road_cloud\""))
            await expectRPCError(.failedPrecondition) { _ = try await env.decidePoolAccess(grant, by: officer) }

            let read = try await env.client.readPoolData(.with { $0.grantID = grant.grantID }, metadata: enterprise.metadata)
            #expect(read.records.map(\.contributionID) == [accepted.contributionID])
            #expect(read.records.first?.contentHash == accepted.contentHash && read.records.first?.recordCount == 50_000)
            #expect(!read.readID.isEmpty)

            // Another enterprise cannot use it or see its reads.
            let other = env.enterprise()
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.readPoolData(.with { $0.grantID = grant.grantID }, metadata: other.metadata)
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.listPoolReads(.with { $0.grantID = grant.grantID }, metadata: other.metadata)
            }
            let reads = try await env.client.listPoolReads(.with { $0.grantID = grant.grantID }, metadata: officer.metadata).reads
            #expect(reads.map(\.readID) == [read.readID] && reads.first?.recordsReturned == 1)
            let own = try await env.client.listPoolReads(.with { $0.grantID = grant.grantID }, metadata: enterprise.metadata).reads
            #expect(own.count == 1)

            let mine = try await env.client.listPoolGrants(.init(), metadata: enterprise.metadata).grants
            #expect(mine.map(\.grantID) == [grant.grantID] && mine.first?.reads == 1)
            #expect(try await env.client.listPoolGrants(.init(), metadata: other.metadata).grants.isEmpty)
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.listPoolGrants(.with { $0.enterpriseID = enterprise.id }, metadata: other.metadata)
            }
            let byOfficer = try await env.client.listPoolGrants(.with { $0.status = .granted }, metadata: env.admin().metadata)
            #expect(byOfficer.grants.count == 1)

            // Revoked: refused, and the refusal logs nothing.
            let revoked = try await env.client.revokePoolAccess(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.grantID = grant.grantID
                    $0.reason = "purpose changed"
                }, metadata: enterprise.metadata)
            #expect(revoked.status == .revoked && revoked.revokedBy == enterprise.id)
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.readPoolData(.with { $0.grantID = grant.grantID }, metadata: enterprise.metadata)
            }
            #expect(try await env.client.listPoolReads(.with { $0.grantID = grant.grantID }, metadata: officer.metadata).reads.count == 1)
        }
    }

    @Test func refusedAndExpiredGrantsAreRefusedAndOnlyOwnersOrOfficersRevoke() async throws {
        try await withAssets { env in
            let officer = env.officer()
            let enterprise = env.enterprise()
            let refused = try await env.decidePoolAccess(
                try await env.requestPoolAccess(by: enterprise), by: officer, grant: false, note: "no DPIA")
            #expect(refused.status == .refused && refused.decisionNote == "no DPIA")
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.readPoolData(.with { $0.grantID = refused.grantID }, metadata: enterprise.metadata)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.decidePoolAccess(try await env.requestPoolAccess(by: enterprise), by: officer, grant: false, note: "")
            }

            let grant = try await env.decidePoolAccess(
                try await env.requestPoolAccess(by: enterprise, pool: "entertainment_metaverse"), by: officer)
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.revokePoolAccess(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.grantID = grant.grantID
                    }, metadata: env.enterprise().metadata)
            }
            // Time passes beyond the period (no RPC can move the clock).
            let id = UUID(uuidString: grant.grantID)!
            _ = try await env.app.withSchemaConnection { tx in
                try await tx.query(
                    """
                    UPDATE pool_grants SET period_start = current_date - 30, period_end = current_date - 2 WHERE id = \(id)
                    """)
            }
            let message = await expectRPCError(.failedPrecondition) {
                _ = try await env.client.readPoolData(
                    .with { $0.grantID = grant.grantID }, metadata: enterprise.metadata(language: "zh-CN"))
            }
            #expect(message == "授权已过期")
            let byOfficer = try await env.client.revokePoolAccess(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.grantID = grant.grantID
                }, metadata: officer.metadata)
            #expect(byOfficer.status == .revoked)
        }
    }

    @Test func badAccessRequestsAreRefusedAndChangeNothing() async throws {
        try await withAssets { env in
            let enterprise = env.enterprise()
            await expectRPCError(.notFound) { _ = try await env.requestPoolAccess(by: enterprise, pool: "moon_dust") }
            await expectRPCError(.invalidArgument) { _ = try await env.requestPoolAccess(by: enterprise, days: -1) }
            await expectRPCError(.invalidArgument) {
                _ = try await env.requestPoolAccess(by: enterprise, start: ZoneDay.today().adding(days: -40), days: 10)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.requestPoolAccess(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.poolCode = "vehicle_road_cloud"
                        $0.periodStart = ZoneDay.today().message
                        $0.periodEnd = ZoneDay.today().message
                    }, metadata: enterprise.metadata)
            }
            await expectRPCError(.permissionDenied) { _ = try await env.requestPoolAccess(by: env.nomad()) }
            let grants = try await env.ledgerSQLInt("SELECT count(*)::bigint FROM pool_grants")
            #expect(grants == 0)
        }
    }
}
