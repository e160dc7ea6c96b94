import Foundation
import GRPCCore
@testable import Identity
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

@Suite struct FindPointsRecipientTests {
    func find(
        _ env: IdentityEnv, card: String = "", username: String = "", token: String, language: String = "en"
    ) async throws -> Nomad_Identity_V1_PointsRecipient {
        try await env.client.findPointsRecipient(
            .with {
                $0.cardNumber = card
                $0.username = username
            }, metadata: callMetadata(token: token, language: language))
    }

    @Test func aCardHolderIsFoundByCardNumberOrUsernameWithTheNameMaskedAndATokenForTheSenderAlone() async throws {
        try await withIdentity { env in
            let (sender, senderToken) = try await env.certifiedNomad()
            let (recipient, recipientToken) = try await env.certifiedNomad()
            let card = try await env.client.getCard(.init(), metadata: callMetadata(token: recipientToken))
            // Read out in groups of four, as people do.
            let spaced = stride(from: 0, to: 16, by: 4).map { offset in
                String(card.number.dropFirst(offset).prefix(4))
            }.joined(separator: " ")

            for found in [
                try await find(env, card: spaced, token: senderToken),
                try await find(env, username: recipient.username.uppercased(), token: senderToken),
            ] {
                #expect(found.displayName == "T*** N****")
                #expect(found.cardNumberMasked == Masking.cardNumber(card.number))
                #expect(!found.cardNumberMasked.contains(card.number.dropFirst(4).prefix(8)))
                let expires = found.expiresAt.date.timeIntervalSinceNow
                #expect(expires > 500 && expires <= PointsRecipient.lifetime)
                let named = try PointsRecipient.verify(found.token, keys: TestKeys.ring, sender: UUID(uuidString: sender.id)!)
                #expect(named.text == recipient.id)
                // Good for the sender alone.
                #expect(throws: TokenError.wrongAudience) {
                    try PointsRecipient.verify(found.token, keys: TestKeys.ring, sender: UUID(uuidString: recipient.id)!)
                }
            }
        }
    }

    @Test func nobodyYourselfASuspendedCardAndBadInputAreRefusedInTheCallersLanguage() async throws {
        try await withIdentity { env in
            let (sender, senderToken) = try await env.certifiedNomad()
            let own = try await env.client.getCard(.init(), metadata: callMetadata(token: senderToken))
            let (uncertified, _) = try await env.nomad()

            // Nobody by that number or name, and a registered nomad without a
            // card: the same answer.
            for (card, username) in [(CardNumber.make(serial: 99_999_999), ""), ("", "nobody-here"), ("", uncertified.username)] {
                await expectRPCError(.notFound, containing: "No one-card holder") {
                    _ = try await find(env, card: card, username: username, token: senderToken)
                }
            }
            await expectRPCError(.notFound, containing: "一卡通持卡人") {
                _ = try await find(env, username: "nobody-here", token: senderToken, language: "zh-CN")
            }
            await expectRPCError(.invalidArgument, containing: "your own one-card") {
                _ = try await find(env, card: own.number, token: senderToken)
            }
            await expectRPCError(.invalidArgument, containing: "your own one-card") {
                _ = try await find(env, username: sender.username, token: senderToken)
            }
            var mistyped = own.number
            mistyped.removeLast()
            mistyped += own.number.hasSuffix("0") ? "1" : "0"
            await expectRPCError(.invalidArgument, containing: "16 digits") { _ = try await find(env, card: mistyped, token: senderToken) }
            await expectRPCError(.invalidArgument) { _ = try await find(env, token: senderToken) }
            await expectRPCError(.invalidArgument) {
                _ = try await find(env, card: own.number, username: sender.username, token: senderToken)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await find(env, username: String(repeating: "a", count: 10_000), token: senderToken)
            }

            let (_, suspendedToken) = try await env.certifiedNomad()
            let suspended = try await env.client.getCard(.init(), metadata: callMetadata(token: suspendedToken))
            _ = try await env.client.setCardStatus(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.cardNumber = suspended.number
                    $0.status = .suspended
                    $0.reason = "lost card reported"
                }, metadata: callMetadata(token: env.officer("talent")))
            await expectRPCError(.failedPrecondition, containing: "suspended or expired") {
                _ = try await find(env, card: suspended.number, token: senderToken)
            }

            // Nomads only: officers, enterprises and the signed-out are refused.
            for token in [env.officer("talent"), try await env.enterprise().token] {
                await expectRPCError(.permissionDenied) { _ = try await find(env, card: suspended.number, token: token) }
            }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.findPointsRecipient(.with { $0.username = sender.username }, metadata: callMetadata())
            }
        }
    }
}
