import Foundation
import GRPCCore
@testable import Identity
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

@Suite struct CardTests {
    /// A certified nomad with a card, and their token.
    func certified(_ env: IdentityEnv) async throws -> (account: Nomad_Identity_V1_Account, token: String) {
        try await env.certifiedNomad()
    }

    func verify(
        _ env: IdentityEnv, _ payload: String, site: String = "", token: String? = nil
    ) async throws -> Nomad_Identity_V1_VerifyCardResponse {
        try await env.client.verifyCard(
            .with {
                $0.requestID = UUID().uuidString
                $0.qrPayload = payload
                $0.siteID = site
            }, metadata: callMetadata(token: token ?? env.officer("talent")))
    }

    @Test func forgedExpiredAndMalformedQRCodesAreRefusedWithAReason() async throws {
        try await withIdentity { env in
            let (account, token) = try await certified(env)
            let card = try await env.client.getCard(.init(), metadata: callMetadata(token: token))
            let now = Int64(Date().timeIntervalSince1970)
            let forged = try CardQR.sign(
                CardQRClaims(card: card.number, sub: account.id, iat: now, exp: now + 60),
                with: SigningKey.generate(keyID: TestKeys.signing.keyID))
            let expired = try CardQR.sign(
                CardQRClaims(card: card.number, sub: account.id, iat: now - 600, exp: now - 300),
                with: TestKeys.signing)
            let unknown = try CardQR.sign(
                CardQRClaims(card: CardNumber.make(serial: 99_999), sub: account.id, iat: now, exp: now + 60),
                with: TestKeys.signing)
            for (payload, refusal) in [
                (forged, Nomad_Identity_V1_CardRefusal.badSignature), (expired, .qrExpired),
                ("garbage", .malformed), (unknown, .unknownCard),
            ] {
                let answer = try await verify(env, payload)
                #expect(!answer.valid && answer.refusal == refusal && !answer.refusalMessage.isEmpty)
            }
            // An access token is not a card, even though the same key signed it.
            #expect(try await verify(env, token).refusal == .malformed)
            await expectRPCError(.invalidArgument) { _ = try await verify(env, "") }
            let good = try await env.client.issueCardQr(.init(), metadata: callMetadata(token: token))
            #expect(try await verify(env, good.payload).valid)
            await expectRPCError(.notFound) { _ = try await verify(env, good.payload, site: UUID().uuidString) }
        }
    }

    @Test func cardsAndSitesRefuseTheWrongCallerAndBadInput() async throws {
        try await withIdentity { env in
            let (_, uncertified) = try await env.nomad()
            await expectRPCError(.notFound) { _ = try await env.client.issueCardQr(.init(), metadata: callMetadata(token: uncertified)) }
            let (_, token) = try await certified(env)
            let card = try await env.client.getCard(.init(), metadata: callMetadata(token: token))
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.setCardStatus(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.cardNumber = card.number
                        $0.status = .suspended
                        $0.reason = "x"
                    }, metadata: callMetadata(token: env.officer("housing")))
            }
            var badNumber = card.number
            badNumber.removeLast()
            badNumber += card.number.hasSuffix("0") ? "1" : "0"
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.setCardStatus(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.cardNumber = badNumber
                        $0.status = .suspended
                        $0.reason = "x"
                    }, metadata: callMetadata(token: env.officer("talent")))
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.setCardStatus(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.cardNumber = card.number
                        $0.status = .expired
                        $0.reason = "x"
                    }, metadata: callMetadata(token: env.officer("talent")))
            }

            func site(_ build: (inout Nomad_Identity_V1_CreateSiteRequest) -> Void, token: String) async throws -> Nomad_Identity_V1_Site {
                var request = Nomad_Identity_V1_CreateSiteRequest.with {
                    $0.requestID = UUID().uuidString
                    $0.name = .with {
                        $0.zhCn = "那大社区"; $0.en = "Nada Community"
                    }
                    $0.area = .linked
                    $0.address = "儋州市那大镇"
                    $0.capacity = 40
                }
                build(&request)
                return try await env.client.createSite(request, metadata: callMetadata(token: token))
            }
            let officer = env.officer("community")
            await expectRPCError(.permissionDenied) { _ = try await site({ _ in }, token: token) }
            await expectRPCError(.invalidArgument) { _ = try await site({ $0.capacity = 0 }, token: officer) }
            await expectRPCError(.invalidArgument) { _ = try await site({ $0.capacity = -5 }, token: officer) }
            await expectRPCError(.invalidArgument) { _ = try await site({ $0.area = .unspecified }, token: officer) }
            await expectRPCError(.invalidArgument) { _ = try await site({ $0.name.en = "" }, token: officer) }
            _ = try await site({ _ in }, token: officer)
            _ = try await site({ $0.area = .coreXinyingBay }, token: env.admin())
            let linked = try await env.client.listSites(.with { $0.area = .linked }, metadata: callMetadata(token: token))
            #expect(linked.sites.count == 1 && linked.sites[0].name.en == "Nada Community")
            let all = try await env.client.listSites(.init(), metadata: callMetadata(token: token))
            #expect(all.sites.count == 2)
        }
    }
}

/// The site visit VerifyCard records in one statement (`record_site_visit`).
extension CardTests {
    /// A desk at a new site, the nomad's fresh QR and the desk's scan of it.
    func desk(
        _ env: IdentityEnv
    ) async throws -> (
        holder: String, qr: String, site: String, reader: TestCaller, scan: Nomad_Identity_V1_VerifyCardRequest
    ) {
        let (account, token) = try await certified(env)
        let qr = try await env.client.issueCardQr(.init(), metadata: callMetadata(token: token))
        let site = try await env.client.createSite(
            .with {
                $0.requestID = UUID().uuidString
                $0.name = .with {
                    $0.zhCn = "那大社区"; $0.en = "Nada Community"
                }
                $0.area = .linked
                $0.address = "儋州市那大镇"
                $0.capacity = 40
            }, metadata: callMetadata(token: env.officer("community")))
        let scan = Nomad_Identity_V1_VerifyCardRequest.with {
            $0.requestID = UUID().uuidString
            $0.qrPayload = qr.payload
            $0.siteID = site.id
        }
        return (account.id, qr.payload, site.id, TestCaller.make(.officer, department: "talent"), scan)
    }

    func visitCount(_ env: IdentityEnv, holder: String) async throws -> Int {
        try await env.app.withSchemaConnection { tx in
            try await tx.query(
                "SELECT count(*) FROM site_visits WHERE holder_id = \(UUID(uuidString: holder)!)"
            ).collect().first!.decode(Int.self)
        }
    }

    @Test func aRetriedSiteVisitGetsTheSameAnswerAndChangesNothing() async throws {
        try await withIdentity { env in
            let (holder, qr, site, reader, request) = try await desk(env)
            let first = try await env.client.verifyCard(request, metadata: reader.metadata)
            #expect(first.valid && first.visitRecorded && first.card.holderID == holder)
            let again = try await env.client.verifyCard(request, metadata: reader.metadata)
            #expect(again == first)
            #expect(try await visitCount(env, holder: holder) == 1)
            #expect(try await env.app.outboxCount(type: "identity.site.visited", subject: holder) == 1)
            let payload = try await env.outboxPayload(type: "identity.site.visited", subject: holder)
            #expect(payload?["area"] == "linked" && payload?["day"] == ZoneDay.today().iso)
            // The same id for another request is refused; a new id is a new scan, not a new visit.
            await expectRPCError(.failedPrecondition) {
                _ = try await env.client.verifyCard(
                    .with {
                        $0.requestID = request.requestID; $0.qrPayload = qr; $0.siteID = UUID().uuidString
                    }, metadata: reader.metadata)
            }
            let later = try await verify(env, qr, site: site, token: reader.token)
            #expect(later.valid && !later.visitRecorded)
            // An unknown site is refused with nothing kept, so its retry is judged again.
            let unknown = Nomad_Identity_V1_VerifyCardRequest.with {
                $0.requestID = UUID().uuidString; $0.qrPayload = qr; $0.siteID = UUID().uuidString
            }
            for _ in 0..<2 {
                let message = await expectRPCError(.notFound) { _ = try await env.client.verifyCard(unknown, metadata: reader.metadata) }
                #expect(message?.contains(unknown.siteID.lowercased()) == true)
            }
            #expect(try await visitCount(env, holder: holder) == 1)
        }
    }

    @Test func aSiteVisitAnsweredBeforeTheUpgradeGetsTheStoredResponseAfterIt() async throws {
        try await withIdentity { env in
            let (holder, _, _, reader, request) = try await desk(env)
            let earlier = Nomad_Identity_V1_VerifyCardResponse.with {
                $0.valid = true
                $0.visitRecorded = true
                $0.card.holderID = holder
                $0.card.status = .active
            }
            try await env.app.storeEarlierResponse(
                earlier, method: "VerifyCard", requestID: request.requestID, request: request, callerID: reader.id)
            #expect(try await env.client.verifyCard(request, metadata: reader.metadata) == earlier)
            #expect(try await visitCount(env, holder: holder) == 0)
            #expect(try await env.app.outboxCount(type: "identity.site.visited", subject: holder) == 0)
        }
    }
}
