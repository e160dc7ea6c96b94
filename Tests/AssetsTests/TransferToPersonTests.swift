import Foundation
import GRPCCore
@testable import Assets
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// TransferPoints to a person, named by the token identity's
/// FindPointsRecipient signed for the sender (here signed with the test keys,
/// as identity would).
@Suite struct TransferToPersonTests {
    static func token(
        for recipient: AssetsEnv.Caller, by sender: AssetsEnv.Caller, key: SigningKey = TestKeys.signing, now: Date = Date()
    ) throws -> String {
        try PointsRecipient.sign(recipient: UUID(uuidString: recipient.id)!, sender: UUID(uuidString: sender.id)!, with: key, now: now).0
    }

    func send(
        _ env: AssetsEnv, from sender: AssetsEnv.Caller, token: String, accountID: String = "", points: Int64,
        requestID: String = UUID().uuidString
    ) async throws -> Nomad_Assets_V1_LedgerTransaction {
        try await env.client.transferPoints(
            .with {
                $0.requestID = requestID
                $0.toRecipientToken = token
                $0.toAccountID = accountID
                $0.points = points
                $0.memo = "dinner at the night market"
            }, metadata: sender.metadata)
    }

    @Test func pointsGoToThePersonTheTokenNamesOpeningTheirAccountOnceAndARetryPaysOnce() async throws {
        try await withAssets { env in
            let alice = try await env.nomadWithPoints(100)
            // Bob has never looked at his balances: no points account yet.
            let bob = env.nomad()
            let token = try Self.token(for: bob, by: alice)
            let requestID = UUID().uuidString
            let sent = try await send(env, from: alice, token: token, points: 40, requestID: requestID)
            #expect(sent.kind == "points.transferred")
            let again = try await send(env, from: alice, token: token, points: 40, requestID: requestID)
            #expect(again.transactionID == sent.transactionID)
            _ = try await send(env, from: alice, token: token, points: 10)

            #expect(try await env.balance(of: alice, .points) == 50)
            #expect(try await env.balance(of: bob, .points) == 50)
            #expect(try await env.getBalances(of: bob).filter { $0.kind == .points }.count == 1)
            #expect(try await env.app.outboxCount(type: "assets.points.transferred", subject: bob.id) == 2)
        }
    }

    @Test func anotherSendersExpiredOrForgedTokenIsRefusedAndMovesNothing() async throws {
        try await withAssets { env in
            let alice = try await env.nomadWithPoints(100)
            let bob = env.nomad()
            let carol = env.nomad()
            let bobsPoints = try await env.account(of: bob, .points).accountID
            let refusals: [(String, String)] = [
                // Carol looked Bob up; Alice cannot use her token.
                (try Self.token(for: bob, by: carol), "not a recipient token of yours"),
                (
                    try Self.token(for: bob, by: alice, now: Date().addingTimeInterval(-PointsRecipient.lifetime - 60)),
                    "more than 10 minutes"
                ),
                (try Self.token(for: bob, by: alice, key: SigningKey.generate(keyID: TestKeys.signing.keyID)), "not a recipient token"),
                // An access token is not a recipient token, though the same key signed it.
                (bob.token, "not a recipient token"),
                ("garbage", "not a recipient token"),
                (String(repeating: "x", count: 100_000), "not a recipient token"),
            ]
            for (token, words) in refusals {
                await expectRPCError(.invalidArgument, containing: words) { _ = try await send(env, from: alice, token: token, points: 5) }
            }
            await expectRPCError(.invalidArgument, containing: "收款人凭证无效") {
                _ = try await env.client.transferPoints(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.toRecipientToken = "garbage"
                        $0.points = 5
                    }, metadata: alice.metadata(language: "zh-CN"))
            }
            // Both targets, or none.
            await expectRPCError(.invalidArgument, containing: "not both") {
                _ = try await send(env, from: alice, token: try Self.token(for: bob, by: alice), accountID: bobsPoints, points: 5)
            }
            await expectRPCError(.invalidArgument) { _ = try await send(env, from: alice, token: "", points: 5) }
            // The rules of any transfer still hold.
            await expectRPCError(.failedPrecondition) {
                _ = try await send(env, from: alice, token: try Self.token(for: bob, by: alice), points: 101)
            }

            #expect(try await env.balance(of: alice, .points) == 100)
            #expect(try await env.balance(of: bob, .points) == 0)
        }
    }
}
