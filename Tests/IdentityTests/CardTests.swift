import Foundation
import GRPCCore
@testable import Identity
import NomadKit
import NomadProtos
import NomadTesting
import Testing

@Suite struct CardTests {
    /// A certified nomad with a card, and their token.
    func certified(_ env: IdentityEnv) async throws -> (account: Nomad_Identity_V1_Account, token: String) {
        let nomad = try await env.nomad()
        let application = try await env.client.applyCertification(.with {
            $0.requestID = UUID().uuidString
            $0.evidence = IdentityEnv.goodEvidence()
        }, metadata: callMetadata(token: nomad.token))
        _ = try await env.client.decideCertification(.with {
            $0.requestID = UUID().uuidString
            $0.id = application.id
            $0.decision = .approve
        }, metadata: callMetadata(token: env.officer("talent")))
        return nomad
    }

    func verify(_ env: IdentityEnv, _ payload: String, site: String = "", token: String? = nil) async throws -> Nomad_Identity_V1_VerifyCardResponse {
        try await env.client.verifyCard(.with {
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
            let forged = try CardQR.sign(CardQRClaims(card: card.number, sub: account.id, iat: now, exp: now + 60),
                                         with: SigningKey.generate(keyID: TestKeys.signing.keyID))
            let expired = try CardQR.sign(CardQRClaims(card: card.number, sub: account.id, iat: now - 600, exp: now - 300),
                                          with: TestKeys.signing)
            let unknown = try CardQR.sign(CardQRClaims(card: CardNumber.make(serial: 99_999), sub: account.id, iat: now, exp: now + 60),
                                          with: TestKeys.signing)
            for (payload, refusal) in [(forged, Nomad_Identity_V1_CardRefusal.badSignature), (expired, .qrExpired),
                                       ("garbage", .malformed), (unknown, .unknownCard)] {
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
                _ = try await env.client.setCardStatus(.with {
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
                _ = try await env.client.setCardStatus(.with {
                    $0.requestID = UUID().uuidString
                    $0.cardNumber = badNumber
                    $0.status = .suspended
                    $0.reason = "x"
                }, metadata: callMetadata(token: env.officer("talent")))
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.setCardStatus(.with {
                    $0.requestID = UUID().uuidString
                    $0.cardNumber = card.number
                    $0.status = .expired
                    $0.reason = "x"
                }, metadata: callMetadata(token: env.officer("talent")))
            }

            func site(_ build: (inout Nomad_Identity_V1_CreateSiteRequest) -> Void, token: String) async throws -> Nomad_Identity_V1_Site {
                var request = Nomad_Identity_V1_CreateSiteRequest.with {
                    $0.requestID = UUID().uuidString
                    $0.name = .with { $0.zhCn = "那大社区"; $0.en = "Nada Community" }
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
