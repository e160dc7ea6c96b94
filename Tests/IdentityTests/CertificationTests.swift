import Foundation
import GRPCCore
@testable import Identity
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

@Suite struct CertificationTests {
    func apply(
        _ env: IdentityEnv, token: String, evidence: Nomad_Identity_V1_CertificationEvidence = IdentityEnv.goodEvidence(),
        requestID: String = UUID().uuidString
    ) async throws -> Nomad_Identity_V1_CertificationApplication {
        try await env.client.applyCertification(
            .with {
                $0.requestID = requestID
                $0.evidence = evidence
            }, metadata: callMetadata(token: token))
    }

    @Test func criteriaAreCheckedAndShownInTheCallersLanguage() async throws {
        try await withIdentity { env in
            let (_, token) = try await env.nomad()
            var evidence = IdentityEnv.goodEvidence()
            evidence.intendedStayDays = 10
            let application = try await env.client.applyCertification(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.evidence = evidence
                }, metadata: callMetadata(token: token, language: "zh-CN"))
            #expect(application.status == .pending)
            #expect(application.criteriaMet == false)
            let stay = try #require(application.criteria.first { $0.code == "intended_stay" })
            #expect(stay.met == false)
            #expect(stay.explanation.contains("天"))
            #expect(application.criteria.filter(\.met).count == application.criteria.count - 1)
            #expect(application.history.map(\.status) == [.pending])
        }
    }

    @Test func secondApplicationWhilePendingIsRefusedAndChangesNothing() async throws {
        try await withIdentity { env in
            let (_, token) = try await env.nomad()
            let first = try await apply(env, token: token)
            let message = await expectRPCError(.failedPrecondition) { _ = try await apply(env, token: token) }
            #expect(message?.isEmpty == false)
            let list = try await env.client.listCertifications(.init(), metadata: callMetadata(token: token))
            #expect(list.applications.map(\.id) == [first.id])
        }
    }

    @Test func sameRequestIDReturnsTheFirstResult() async throws {
        try await withIdentity { env in
            let (_, token) = try await env.nomad()
            let requestID = UUID().uuidString
            let first = try await apply(env, token: token, requestID: requestID)
            let again = try await apply(env, token: token, requestID: requestID)
            #expect(first.id == again.id)
            await expectRPCError(.failedPrecondition) {
                var other = IdentityEnv.goodEvidence()
                other.intendedStayDays = 99
                _ = try await apply(env, token: token, evidence: other, requestID: requestID)
            }
        }
    }

    @Test func badEvidenceIsRefused() async throws {
        try await withIdentity { env in
            let (_, token) = try await env.nomad()
            var evidence = IdentityEnv.goodEvidence()
            evidence.documentHashes = ["not-a-hash"]
            await expectRPCError(.invalidArgument) { _ = try await apply(env, token: token, evidence: evidence) }
            evidence = IdentityEnv.goodEvidence()
            evidence.skills = [String(repeating: "x", count: 65)]
            await expectRPCError(.invalidArgument) { _ = try await apply(env, token: token, evidence: evidence) }
            evidence = IdentityEnv.goodEvidence()
            evidence.monthlyRemoteIncome.currencyCode = "yuan"
            await expectRPCError(.invalidArgument) { _ = try await apply(env, token: token, evidence: evidence) }
            await expectRPCError(.invalidArgument) { _ = try await apply(env, token: token, requestID: "") }
            let list = try await env.client.listCertifications(.init(), metadata: callMetadata(token: token))
            #expect(list.applications.isEmpty)
        }
    }

    @Test func onlyTheCertifyingDepartmentDecides() async throws {
        try await withIdentity { env in
            let (_, token) = try await env.nomad()
            let application = try await apply(env, token: token)
            let decide: (String, Nomad_Identity_V1_CertificationDecision) async throws -> Nomad_Identity_V1_CertificationApplication = {
                who, decision in
                try await env.client.decideCertification(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.id = application.id
                        $0.decision = decision
                        $0.reason = "ok"
                    }, metadata: callMetadata(token: who))
            }
            await expectRPCError(.permissionDenied) { _ = try await decide(env.officer("housing"), .approve) }
            await expectRPCError(.permissionDenied) { _ = try await decide(token, .approve) }
            await expectRPCError(.permissionDenied) { _ = try await decide(env.admin(), .approve) }
            let (_, other) = try await env.nomad()
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.getCertification(.with { $0.id = application.id }, metadata: callMetadata(token: other))
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.listCertifications(.init(), metadata: callMetadata(token: env.officer("housing")))
            }
            await expectRPCError(.invalidArgument) { _ = try await decide(env.officer("talent"), .UNRECOGNIZED(42)) }
            await expectRPCError(.notFound) {
                _ = try await env.client.decideCertification(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.id = UUID().uuidString
                        $0.decision = .approve
                    }, metadata: callMetadata(token: env.officer("talent")))
            }
            let rejected = try await decide(env.officer("talent"), .reject)
            #expect(rejected.status == .rejected)
            await expectRPCError(.failedPrecondition) { _ = try await decide(env.officer("talent"), .approve) }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.listCertifications(.init(), metadata: callMetadata())
            }
        }
    }

    @Test func documentsRequestWaitsAndLapsesAtItsDeadline() async throws {
        try await withIdentity { env in
            let (_, token) = try await env.nomad()
            let officer = env.officer("talent")
            let first = try await apply(env, token: token)
            let waiting = try await env.client.decideCertification(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.id = first.id
                    $0.decision = .requestDocuments
                    $0.reason = "Please add a client contract"
                    $0.documentsDeadline = .init(date: Date().addingTimeInterval(86400))
                }, metadata: callMetadata(token: officer))
            #expect(waiting.status == .awaitingDocuments)
            let supplemented = try await env.client.supplementCertification(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.id = first.id
                    $0.evidence = IdentityEnv.goodEvidence()
                }, metadata: callMetadata(token: token))
            #expect(supplemented.status == .pending)
            #expect(supplemented.history.map(\.status) == [.pending, .awaitingDocuments, .pending])

            // A deadline that passes unanswered: the application lapses.
            _ = try await env.client.decideCertification(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.id = first.id
                    $0.decision = .requestDocuments
                    $0.reason = "Still missing"
                    $0.documentsDeadline = .init(date: Date().addingTimeInterval(1.2))
                }, metadata: callMetadata(token: officer))
            try await Task.sleep(for: .milliseconds(1500))
            await expectRPCError(.failedPrecondition) {
                _ = try await env.client.supplementCertification(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.id = first.id
                        $0.evidence = IdentityEnv.goodEvidence()
                    }, metadata: callMetadata(token: token))
            }
            let lapsed = try await env.app.app.database.transaction { tx in
                try await CertificationStore.lapseOverdue(tx)
            }
            #expect(lapsed == 1)
            let after = try await env.client.getCertification(.with { $0.id = first.id }, metadata: callMetadata(token: token))
            #expect(after.status == .lapsed)
            // A lapsed application no longer blocks a new one.
            _ = try await apply(env, token: token)
        }
    }

    @Test func approvalIssuesACardAndMigrantRecognitionFollows() async throws {
        try await withIdentity { env in
            let (account, token) = try await env.nomad()
            let officer = env.officer("talent")
            let application = try await apply(env, token: token)
            await expectRPCError(.failedPrecondition) {
                _ = try await env.client.recognizeMigrant(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.accountID = account.id
                        $0.reason = "household registered"
                    }, metadata: callMetadata(token: officer))
            }
            let approved = try await env.client.decideCertification(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.id = application.id
                    $0.decision = .approve
                }, metadata: callMetadata(token: officer))
            #expect(approved.status == .approved)
            let card = try await env.client.getCard(.init(), metadata: callMetadata(token: token))
            #expect(CardNumber.isValid(card.number))
            #expect(card.status == .active)
            await expectRPCError(.failedPrecondition) { _ = try await apply(env, token: token) }
            let migrant = try await env.client.recognizeMigrant(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.accountID = account.id
                    $0.reason = "household registered"
                }, metadata: callMetadata(token: officer))
            #expect(migrant.nomad.status == .settledMigrant)
            // Other services read the standing from the next token identity issues.
            let pair = try await env.client.login(
                .with {
                    $0.username = account.username
                    $0.password = "correct horse battery"
                }, metadata: callMetadata())
            #expect(try TestKeys.tokens.verify(pair.accessToken).standing == .settled)
            let audit = try await env.client.listAuditEntries(.init(), metadata: callMetadata(token: env.admin()))
            #expect(audit.entries.map(\.action) == ["certification.approve", "nomad.recognize_migrant"])
        }
    }
}
