import Foundation
import GRPCCore
@testable import Identity
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

/// The foreign nomad's permits hold together: certification first, one permit
/// for a given day, renewal from the day after, revocation by the department.
@Suite struct PermitChainTests {
    static let exitEntry = Departments.permits

    static func apply(
        months: Int32 = 6, start: ZoneDay? = .today(), renews: String = "", requestID: String = UUID().uuidString
    ) -> Nomad_Identity_V1_ApplyPermitRequest {
        .with {
            $0.requestID = requestID
            $0.months = months
            $0.activities = [.remoteSoftwareDevelopment]
            if let start { $0.startDate = start.message }
            $0.renewsPermitID = renews
        }
    }

    func approved(
        _ env: IdentityEnv, _ nomad: String, start: ZoneDay = .today(), months: Int32 = 6
    ) async throws -> Nomad_Identity_V1_Permit {
        let permit = try await env.client.applyPermit(Self.apply(months: months, start: start), metadata: callMetadata(token: nomad))
        return try await env.client.decidePermit(
            .with {
                $0.requestID = UUID().uuidString; $0.id = permit.id; $0.approve = true
            }, metadata: callMetadata(token: env.officer(Self.exitEntry)))
    }

    @Test func onlyACertifiedForeignNomadApplies() async throws {
        try await withIdentity { env in
            let registered = try await env.nomad(nationality: "DE")
            for language in ["zh-CN", "en"] {
                let message = await expectRPCError(.failedPrecondition) {
                    _ = try await env.client.applyPermit(Self.apply(), metadata: callMetadata(token: registered.token, language: language))
                }
                #expect(message?.contains(language == "en" ? "certified" : "认定") == true, "\(message ?? "")")
            }
            #expect(try await env.app.outboxCount(type: "identity.permit.applied", subject: registered.account.id) == 0)
            let certified = try await env.certifiedNomad(nationality: "DE")
            #expect(try await env.client.applyPermit(Self.apply(), metadata: callMetadata(token: certified.token)).status == .pending)
        }
    }

    @Test func aSecondPermitForTheSameDaysIsRefused() async throws {
        try await withIdentity { env in
            let nomad = try await env.certifiedNomad()
            let metadata = callMetadata(token: nomad.token, language: "zh-CN")
            let first = try await env.client.applyPermit(Self.apply(months: 6), metadata: metadata)
            // Overlapping a pending one, by a day at either end.
            for start in [ZoneDay.today(), .today().adding(months: 6).adding(days: -1)] {
                let message = await expectRPCError(.failedPrecondition) {
                    _ = try await env.client.applyPermit(Self.apply(months: 6, start: start), metadata: metadata)
                }
                #expect(message?.contains(first.id) == true && message?.contains("重叠") == true)
            }
            // The day after it ends is free.
            let next = try await env.client.applyPermit(Self.apply(months: 6, start: .today().adding(months: 6)), metadata: metadata)
            #expect(next.status == .pending)
            // A rejected application blocks nothing.
            let other = try await env.certifiedNomad()
            let rejected = try await env.client.applyPermit(Self.apply(), metadata: callMetadata(token: other.token))
            _ = try await env.client.decidePermit(
                .with {
                    $0.requestID = UUID().uuidString; $0.id = rejected.id; $0.approve = false; $0.reason = "incomplete"
                }, metadata: callMetadata(token: env.officer(Self.exitEntry)))
            #expect(try await env.client.applyPermit(Self.apply(), metadata: callMetadata(token: other.token)).status == .pending)
        }
    }

    /// Two applications at once for the same days: the account's row lock
    /// makes one wait and then see the other.
    @Test func concurrentOverlappingApplicationsGrantOne() async throws {
        try await withIdentity { env in
            let nomad = try await env.certifiedNomad()
            let outcomes = await concurrentOutcomes(
                (0..<8).map { _ in
                    { _ = try await env.client.applyPermit(Self.apply(), metadata: callMetadata(token: nomad.token)) }
                })
            #expect(outcomes.filter { $0 == nil }.count == 1)
            #expect(outcomes.compactMap { $0 }.allSatisfy { $0 == .failedPrecondition })
            let mine = try await env.client.listPermits(.init(), metadata: callMetadata(token: nomad.token))
            #expect(mine.permits.count == 1)
        }
    }

    /// Applications stored before the rule may overlap; approving the second
    /// while the first is approved is refused.
    @Test func approvingAnOverlapLeftFromBeforeTheRuleIsRefused() async throws {
        try await withIdentity { env in
            let nomad = try await env.certifiedNomad()
            let first = try await approved(env, nomad.token)
            let legacy = UUID()
            try await env.app.withSchemaConnection { tx in
                _ = try await tx.query(
                    """
                    INSERT INTO permits (id, applicant_id, months, activities, status, start_date)
                    VALUES (\(legacy), \(UUID(uuidString: nomad.account.id)!), 6, '{1}', 1, \(ZoneDay.today().iso)::date)
                    """)
            }
            let message = await expectRPCError(.failedPrecondition) {
                _ = try await env.client.decidePermit(
                    .with {
                        $0.requestID = UUID().uuidString; $0.id = legacy.text; $0.approve = true
                    }, metadata: callMetadata(token: env.officer(Self.exitEntry)))
            }
            #expect(message?.contains(first.id) == true)
            let still = try await env.client.getPermit(.with { $0.id = legacy.text }, metadata: callMetadata(token: nomad.token))
            #expect(still.status == .pending)
        }
    }

    @Test func aRenewalStartsTheDayAfterThePermitItContinues() async throws {
        try await withIdentity { env in
            let nomad = try await env.certifiedNomad()
            let metadata = callMetadata(token: nomad.token)
            let current = try await approved(env, nomad.token)
            let dayAfter = ZoneDay(current.validUntil)!.adding(days: 1)

            // A wrong start, another's permit, an unknown id and a pending one are refused.
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.applyPermit(Self.apply(start: .today(), renews: current.id), metadata: metadata)
            }
            let stranger = try await env.certifiedNomad()
            await expectRPCError(.notFound) {
                _ = try await env.client.applyPermit(
                    Self.apply(start: nil, renews: current.id), metadata: callMetadata(token: stranger.token))
            }
            await expectRPCError(.notFound) {
                _ = try await env.client.applyPermit(Self.apply(start: nil, renews: UUID().uuidString), metadata: metadata)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.applyPermit(Self.apply(start: nil, renews: "not-an-id"), metadata: metadata)
            }

            let renewal = try await env.client.applyPermit(Self.apply(months: 6, start: nil, renews: current.id), metadata: metadata)
            #expect(renewal.renewsPermitID == current.id && renewal.status == .pending)
            let decided = try await env.client.decidePermit(
                .with {
                    $0.requestID = UUID().uuidString; $0.id = renewal.id; $0.approve = true
                }, metadata: callMetadata(token: env.officer(Self.exitEntry)))
            #expect(decided.validFrom == dayAfter.message)
            #expect(try await env.outboxPayload(type: "identity.permit.applied", subject: renewal.id)?["renews_permit_id"] == current.id)
            // Renewing a pending application is not a renewal.
            await expectRPCError(.failedPrecondition) {
                _ = try await env.client.applyPermit(
                    Self.apply(
                        start: nil,
                        renews: try await env.client.applyPermit(
                            Self.apply(start: dayAfter.adding(months: 6)), metadata: metadata
                        ).id), metadata: metadata)
            }
        }
    }

    @Test func theDepartmentRevokesAnApprovedPermitWithAReason() async throws {
        try await withIdentity { env in
            let nomad = try await env.certifiedNomad()
            let permit = try await approved(env, nomad.token)
            let revoke = Nomad_Identity_V1_RevokePermitRequest.with {
                $0.requestID = UUID().uuidString; $0.id = permit.id; $0.reason = "Worked outside the permitted activities"
            }
            // Permission first, for every other caller, even with an empty request.
            for token in [nomad.token, env.officer("talent"), env.admin()] {
                for attempt in [revoke, Nomad_Identity_V1_RevokePermitRequest()] {
                    await expectRPCError(.permissionDenied) {
                        _ = try await env.client.revokePermit(attempt, metadata: callMetadata(token: token))
                    }
                }
            }
            let officer = callMetadata(token: env.officer(Self.exitEntry))
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.revokePermit(
                    .with {
                        $0.requestID = UUID().uuidString; $0.id = permit.id
                    }, metadata: officer)
            }
            await expectRPCError(.notFound) {
                _ = try await env.client.revokePermit(
                    .with {
                        $0.requestID = UUID().uuidString; $0.id = UUID().uuidString; $0.reason = "x"
                    }, metadata: officer)
            }
            #expect(try await env.client.getPermit(.with { $0.id = permit.id }, metadata: officer).status == .approved)

            let revoked = try await env.client.revokePermit(revoke, metadata: officer)
            #expect(revoked.status == .revoked && revoked.revocationReason == revoke.reason && revoked.hasRevokedAt)
            #expect(try await env.client.revokePermit(revoke, metadata: officer) == revoked)
            await expectRPCError(.failedPrecondition) {
                _ = try await env.client.revokePermit(
                    .with {
                        $0.requestID = UUID().uuidString; $0.id = permit.id; $0.reason = "again"
                    }, metadata: officer)
            }
            let audit = try await env.client.listAuditEntries(
                .with { $0.subject = "permit/\(permit.id)" }, metadata: callMetadata(token: env.admin()))
            #expect(audit.entries.map(\.action) == ["permit.approve", "permit.revoke"])
            #expect(audit.entries.last?.reason == revoke.reason)
            #expect(try await env.outboxPayload(type: "identity.permit.revoked", subject: permit.id)?["revoked_on"] == ZoneDay.today().iso)
            let listed = try await env.client.listPermits(.with { $0.status = .revoked }, metadata: officer)
            #expect(listed.permits.map(\.id) == [permit.id])
            // The holder sees it, and may apply again for those days.
            #expect(
                try await env.client.getPermit(.with { $0.id = permit.id }, metadata: callMetadata(token: nomad.token)).status == .revoked)
            #expect(try await env.client.applyPermit(Self.apply(), metadata: callMetadata(token: nomad.token)).status == .pending)
        }
    }

    /// What jobs learns from the token: a foreign nomad, and how far their
    /// approved permits reach without a gap (a renewal extends it, a
    /// revocation ends it); as of their last sign-in or refresh.
    @Test func theTokenCarriesTheForeignNomadsPermitCover() async throws {
        try await withIdentity { env in
            let nomad = try await env.certifiedNomad(nationality: "DE")
            let keys = try await env.client.getPublicKeys(.init())
            let verifier = AccessTokens(
                issuer: "nomad-identity", audience: "nomad-zone",
                keys: KeyRing(
                    signingKey: nil,
                    verificationKeys: try keys.keys.map { try VerificationKey(keyID: $0.keyID, rawPublicKey: $0.publicKey) }))
            func signedIn(_ username: String) async throws -> Principal {
                let pair = try await env.client.login(
                    .with {
                        $0.username = username; $0.password = "correct horse battery"
                    })
                return try verifier.verify(pair.accessToken)
            }
            var principal = try await signedIn(nomad.account.username)
            #expect(principal.foreign && principal.workPermitUntil == nil)

            let current = try await approved(env, nomad.token)
            principal = try await signedIn(nomad.account.username)
            #expect(principal.workPermitUntil == ZoneDay(current.validUntil))

            let renewal = try await env.client.applyPermit(
                Self.apply(start: nil, renews: current.id), metadata: callMetadata(token: nomad.token))
            let renewed = try await env.client.decidePermit(
                .with {
                    $0.requestID = UUID().uuidString; $0.id = renewal.id; $0.approve = true
                }, metadata: callMetadata(token: env.officer(Self.exitEntry)))
            principal = try await signedIn(nomad.account.username)
            #expect(principal.workPermitUntil == ZoneDay(renewed.validUntil))

            _ = try await env.client.revokePermit(
                .with {
                    $0.requestID = UUID().uuidString; $0.id = current.id; $0.reason = "revoked"
                }, metadata: callMetadata(token: env.officer(Self.exitEntry)))
            // The renewal starts after the revoked permit's end: nothing covers today.
            principal = try await signedIn(nomad.account.username)
            #expect(principal.workPermitUntil == nil)

            let chinese = try await env.registerNomad(
                nationality: "CN", documentType: .residentID, documentNumber: IdentityEnv.residentID())
            let domestic = try await signedIn(chinese.username)
            #expect(!domestic.foreign && domestic.workPermitUntil == nil)
        }
    }
}
