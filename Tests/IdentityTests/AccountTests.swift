import Foundation
import GRPCCore
@testable import Identity
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
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

            let pair = try await env.client.login(
                .with {
                    $0.username = "li.wei"; $0.password = "correct horse battery"
                })
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
                _ = try await env.client.login(
                    .with {
                        $0.username = "anna"; $0.password = "wrong password!"
                    }, metadata: callMetadata())
            }
            let unknown = await expectRPCError(.unauthenticated) {
                _ = try await env.client.login(
                    .with {
                        $0.username = "nobody"; $0.password = "wrong password!"
                    }, metadata: callMetadata())
            }
            #expect(wrong == unknown)
        }
    }
}

/// UpdateAccount and ChangePassword: a person's own account, by themselves.
@Suite struct AccountSelfServiceTests {
    static func login(
        _ env: IdentityEnv, _ username: String, _ password: String = "correct horse battery"
    ) async throws
        -> Nomad_Identity_V1_TokenPair
    {
        try await env.client.login(
            .with {
                $0.username = username; $0.password = password
            })
    }

    static func changePassword(
        current: String = "correct horse battery", new: String = "a brand new passphrase", keep: String = "",
        requestID: String = UUID().uuidString
    ) -> Nomad_Identity_V1_ChangePasswordRequest {
        .with {
            $0.requestID = requestID
            $0.currentPassword = current
            $0.newPassword = new
            $0.keepRefreshToken = keep
        }
    }

    @Test func updateAccountChangesTheCallersOwnNameAndANomadsLanguages() async throws {
        try await withIdentity { env in
            let nomad = try await env.nomad()
            let requestID = UUID().uuidString
            let update = Nomad_Identity_V1_UpdateAccountRequest.with {
                $0.requestID = requestID
                $0.displayName = "  Marta K.  "
                $0.languages = ["ru", "en"]
                $0.replaceLanguages = true
            }
            let updated = try await env.client.updateAccount(update, metadata: callMetadata(token: nomad.token))
            #expect(updated.id == nomad.account.id)
            #expect(updated.displayName == "Marta K.")
            #expect(updated.nomad.languages == ["ru", "en"])
            #expect(updated.nomad.documentNumberMasked == nomad.account.nomad.documentNumberMasked)
            #expect(try await env.client.getAccount(.init(), metadata: callMetadata(token: nomad.token)) == updated)
            // A retry answers the same; the change is audited once, with before and after.
            #expect(try await env.client.updateAccount(update, metadata: callMetadata(token: nomad.token)) == updated)
            let audit = try await env.client.listAuditEntries(
                .with { $0.subject = "account/\(nomad.account.id)" }, metadata: callMetadata(token: env.admin()))
            #expect(audit.entries.map(\.action) == ["account.update"])
            #expect(try Nomad_Identity_V1_Account(jsonString: audit.entries[0].beforeJson).displayName == "Test Nomad")
            #expect(try Nomad_Identity_V1_Account(jsonString: audit.entries[0].afterJson) == updated)

            // Empty name and no replace_languages: nothing changes.
            let same = try await env.client.updateAccount(
                .with { $0.requestID = UUID().uuidString }, metadata: callMetadata(token: nomad.token))
            #expect(same.displayName == "Marta K." && same.nomad.languages == ["ru", "en"])
            // Clearing the languages is a replacement with none.
            let cleared = try await env.client.updateAccount(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.replaceLanguages = true
                }, metadata: callMetadata(token: nomad.token))
            #expect(cleared.nomad.languages.isEmpty && cleared.displayName == "Marta K.")

            // Refusals: a name too long or with control characters, bad tags,
            // languages without replace_languages, no request_id.
            let refusals: [(inout Nomad_Identity_V1_UpdateAccountRequest) -> Void] = [
                { $0.displayName = String(repeating: "x", count: 65) },
                { $0.displayName = "a\u{7}b" },
                {
                    $0.languages = ["not a tag!"]; $0.replaceLanguages = true
                },
                { $0.languages = ["en"] },
                { $0.requestID = "" },
            ]
            for bad in refusals {
                var request = Nomad_Identity_V1_UpdateAccountRequest.with { $0.requestID = UUID().uuidString }
                bad(&request)
                await expectRPCError(.invalidArgument) {
                    _ = try await env.client.updateAccount(request, metadata: callMetadata(token: nomad.token))
                }
            }

            // An enterprise renames its display name, keeps its legal name, has no languages.
            let enterprise = try await env.enterprise()
            let renamed = try await env.client.updateAccount(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.displayName = "Danzhou Digital"
                }, metadata: callMetadata(token: enterprise.token))
            #expect(renamed.displayName == "Danzhou Digital" && renamed.enterprise.name == enterprise.account.enterprise.name)
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.updateAccount(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.languages = ["en"]
                        $0.replaceLanguages = true
                    }, metadata: callMetadata(token: enterprise.token))
            }
            await expectRPCError(.unauthenticated) { _ = try await env.client.updateAccount(.with { $0.requestID = "x" }) }
        }
    }

    @Test func changePasswordChecksTheCurrentOneAndEndsEverySessionButTheKeptOne() async throws {
        try await withIdentity { env in
            let account = try await env.registerNomad(username: "pw.changer")
            let kept = try await Self.login(env, "pw.changer")
            let other = try await Self.login(env, "pw.changer")
            let third = try await Self.login(env, "pw.changer")
            let metadata = callMetadata(token: kept.accessToken)

            // The current password is checked; the new one follows the
            // registration rules and must differ.
            let wrong = await expectRPCError(.invalidArgument) {
                _ = try await env.client.changePassword(Self.changePassword(current: "not my password"), metadata: metadata)
            }
            #expect(wrong?.contains("current_password") == true)
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.changePassword(Self.changePassword(current: ""), metadata: metadata)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.changePassword(Self.changePassword(new: "short"), metadata: metadata)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.changePassword(Self.changePassword(new: "correct horse battery"), metadata: metadata)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.changePassword(Self.changePassword(requestID: ""), metadata: metadata)
            }
            // Nothing changed yet: every session still refreshes.
            let otherRotated = try await env.client.refreshToken(.with { $0.refreshToken = other.refreshToken })

            let requestID = UUID().uuidString
            let change = Self.changePassword(keep: kept.refreshToken, requestID: requestID)
            _ = try await env.client.changePassword(change, metadata: metadata)
            // Old password out, new one in.
            await expectRPCError(.unauthenticated) { _ = try await Self.login(env, "pw.changer") }
            _ = try await Self.login(env, "pw.changer", "a brand new passphrase")
            // The kept session goes on; the others ended.
            let keptRotated = try await env.client.refreshToken(.with { $0.refreshToken = kept.refreshToken })
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.refreshToken(.with { $0.refreshToken = otherRotated.refreshToken })
            }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.refreshToken(.with { $0.refreshToken = third.refreshToken })
            }
            // A retry with the same request_id is answered as the first call,
            // though the current password it carries is no longer current,
            // and changes nothing (the kept session still refreshes).
            _ = try await env.client.changePassword(change, metadata: metadata)
            _ = try await env.client.refreshToken(.with { $0.refreshToken = keptRotated.refreshToken })
            // The same request_id for another keep token is not a retry.
            await expectRPCError(.failedPrecondition) {
                _ = try await env.client.changePassword(Self.changePassword(keep: "another", requestID: requestID), metadata: metadata)
            }

            let audit = try await env.client.listAuditEntries(
                .with { $0.subject = "account/\(account.id)" }, metadata: callMetadata(token: env.admin()))
            #expect(audit.entries.map(\.action) == ["account.password_change"])
            #expect(audit.entries[0].actorID == account.id)
            #expect(!audit.entries[0].beforeJson.contains("passphrase") && !audit.entries[0].afterJson.contains("passphrase"))
        }
    }

    @Test func changePasswordWithoutAKeptSessionEndsThemAll() async throws {
        try await withIdentity { env in
            _ = try await env.registerNomad(username: "pw.all")
            let first = try await Self.login(env, "pw.all")
            let second = try await Self.login(env, "pw.all")
            // A keep token that is not a live session of this account keeps nothing.
            _ = try await env.registerNomad(username: "pw.stranger")
            let stranger = try await Self.login(env, "pw.stranger")
            _ = try await env.client.changePassword(
                Self.changePassword(keep: stranger.refreshToken), metadata: callMetadata(token: first.accessToken))
            for session in [first, second] {
                await expectRPCError(.unauthenticated) {
                    _ = try await env.client.refreshToken(.with { $0.refreshToken = session.refreshToken })
                }
            }
            // The stranger's own session is untouched.
            _ = try await env.client.refreshToken(.with { $0.refreshToken = stranger.refreshToken })
            await expectRPCError(.unauthenticated) { _ = try await env.client.changePassword(Self.changePassword()) }
        }
    }
}
