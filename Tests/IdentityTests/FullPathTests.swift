import Foundation
import GRPCCore
@testable import Identity
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// The whole path of the issue's acceptance, with real logins only: register,
/// log in, certify, card, QR offline and online, permit, catalogue
/// application, audit; and at each step the wrong caller is refused.
@Suite struct FullPathTests {
    @Test func nomadToCardToPermitToServiceWithAudit() async throws {
        var settings = IdentityEnv.settings
        settings.bootstrapAdmin = (username: "admin", password: "admin-password-1")
        try await withTestApp(IdentityDefinition.make(settings: settings)) { app in
            let client = IdentityClient(wrapping: app.client)
            func login(_ username: String, _ password: String) async throws -> String {
                try await client.login(
                    .with {
                        $0.username = username; $0.password = password
                    }
                ).accessToken
            }
            func md(_ token: String) -> Metadata { callMetadata(token: token) }

            // Accounts: the bootstrap admin creates two officers; a foreign nomad registers.
            let admin = try await login("admin", "admin-password-1")
            for (username, department) in [("talent.officer", "talent"), ("permit.officer", "exit_entry"), ("housing.officer", "housing")] {
                _ = try await client.createOfficer(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.username = username
                        $0.password = "officer-password-1"
                        $0.displayName = username
                        $0.department = department
                    }, metadata: md(admin))
            }
            let talent = try await login("talent.officer", "officer-password-1")
            let permitOfficer = try await login("permit.officer", "officer-password-1")
            let housing = try await login("housing.officer", "officer-password-1")
            await expectRPCError(.permissionDenied) {
                _ = try await client.createOfficer(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.username = "sneaky"
                        $0.password = "officer-password-1"
                        $0.displayName = "x"
                        $0.department = "talent"
                    }, metadata: md(talent))
            }

            let nomadAccount = try await client.registerNomad(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.username = "maria.k"
                    $0.password = "a long enough password"
                    $0.displayName = "Maria K."
                    $0.nationality = "DE"
                    $0.documentType = .passport
                    $0.documentNumber = "C01X00T47"
                    $0.languages = ["de", "en"]
                })
            let nomad = try await login("maria.k", "a long enough password")
            let other = try await client.registerNomad(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.username = "someone.else"
                    $0.password = "a long enough password"
                    $0.displayName = "Someone"
                    $0.nationality = "FR"
                    $0.documentType = .passport
                    $0.documentNumber = "18AB12345"
                })
            _ = other
            let otherNomad = try await login("someone.else", "a long enough password")

            // Certification: apply, the wrong officer is refused, the right one approves.
            let application = try await client.applyCertification(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.evidence = IdentityEnv.goodEvidence()
                }, metadata: md(nomad))
            #expect(application.criteriaMet)
            await expectRPCError(.permissionDenied) {
                _ = try await client.getCertification(.with { $0.id = application.id }, metadata: md(otherNomad))
            }
            await expectRPCError(.permissionDenied) {
                _ = try await client.decideCertification(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.id = application.id
                        $0.decision = .approve
                    }, metadata: md(housing))
            }
            let queue = try await client.listCertifications(.with { $0.status = .pending }, metadata: md(talent))
            #expect(queue.applications.map(\.id).contains(application.id))
            let approved = try await client.decideCertification(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.id = application.id
                    $0.decision = .approve
                }, metadata: md(talent))
            #expect(approved.status == .approved)

            // The card and its QR: verified offline with the published key, and online.
            let card = try await client.getCard(.init(), metadata: md(nomad))
            #expect(card.status == .active && CardNumber.isValid(card.number))
            await expectRPCError(.permissionDenied) {
                _ = try await client.getCard(.with { $0.holderID = nomadAccount.id }, metadata: md(otherNomad))
            }
            let qr = try await client.issueCardQr(.init(), metadata: md(nomad))
            let keys = try await client.getPublicKeys(.init())
            let ring = KeyRing(
                signingKey: nil,
                verificationKeys: try keys.keys.map {
                    try VerificationKey(keyID: $0.keyID, rawPublicKey: $0.publicKey)
                })
            let offline = try CardQR.verify(qr.payload, keys: ring)
            #expect(offline.card == card.number && offline.sub == nomadAccount.id)

            let site = try await client.createSite(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.name = .with {
                        $0.zhCn = "新英湾数字游民社区"; $0.en = "Xinying Bay Nomad Community"
                    }
                    $0.area = .coreXinyingBay
                    $0.address = "儋州市新英湾"
                    $0.capacity = 120
                    $0.amenities = ["coworking", "fibre"]
                }, metadata: md(admin))
            await expectRPCError(.permissionDenied) {
                _ = try await client.verifyCard(
                    .with {
                        $0.requestID = UUID().uuidString; $0.qrPayload = qr.payload
                    }, metadata: md(nomad))
            }
            let desk = try await client.verifyCard(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.qrPayload = qr.payload
                    $0.siteID = site.id
                }, metadata: md(talent))
            #expect(desk.valid && desk.visitRecorded)
            let again = try await client.verifyCard(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.qrPayload = qr.payload
                    $0.siteID = site.id
                }, metadata: md(talent))
            #expect(again.valid && !again.visitRecorded)

            // A suspended card is refused online, with the reason.
            _ = try await client.setCardStatus(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.cardNumber = card.number
                    $0.status = .suspended
                    $0.reason = "reported lost"
                }, metadata: md(talent))
            let refused = try await client.verifyCard(.with { $0.qrPayload = qr.payload }, metadata: md(talent))
            #expect(!refused.valid && refused.refusal == .cardSuspended && !refused.refusalMessage.isEmpty)
            _ = try await client.setCardStatus(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.cardNumber = card.number
                    $0.status = .active
                    $0.reason = "found"
                }, metadata: md(talent))

            // Permit: the foreign nomad applies; only the exit-entry officer decides.
            let today = Calendar(identifier: .gregorian).dateComponents(
                in: TimeZone(identifier: "Asia/Shanghai")!, from: Date().addingTimeInterval(86400))
            let permit = try await client.applyPermit(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.months = 6
                    $0.activities = [.remoteSoftwareDevelopment]
                    $0.startDate = .with {
                        $0.year = Int32(today.year!); $0.month = Int32(today.month!); $0.day = Int32(today.day!)
                    }
                }, metadata: md(nomad))
            await expectRPCError(.permissionDenied) {
                _ = try await client.decidePermit(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.id = permit.id
                        $0.approve = true
                    }, metadata: md(talent))
            }
            let decidedPermit = try await client.decidePermit(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.id = permit.id
                    $0.approve = true
                }, metadata: md(permitOfficer))
            #expect(decidedPermit.status == .approved)

            // A catalogue service: submitted, routed to its department, decided there.
            let catalogue = try await client.listCatalogue(.with { $0.page = .with { $0.pageSize = 100 } })
            #expect(catalogue.entries.count >= 20)
            let housingEntry = try #require(
                catalogue.entries.first { $0.department == "housing" && ($0.audience == .nomad || $0.audience == .both) })
            let submitted = try await client.submitApplication(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.serviceCode = housingEntry.code
                    $0.form = ["household_size": "1"]
                }, metadata: md(nomad))
            #expect(submitted.department == "housing" && submitted.status == .submitted)
            await expectRPCError(.permissionDenied) {
                _ = try await client.decideApplication(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.id = submitted.id
                        $0.approve = true
                    }, metadata: md(talent))
            }
            let decided = try await client.decideApplication(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.id = submitted.id
                    $0.approve = true
                }, metadata: md(housing))
            #expect(decided.status == .approved)
            let rated = try await client.rateApplication(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.id = submitted.id
                    $0.stars = 5
                }, metadata: md(nomad))
            #expect(rated.rating == 5)

            // Audit: every decision is there, with before and after.
            let audit = try await client.listAuditEntries(.with { $0.page = .with { $0.pageSize = 100 } }, metadata: md(admin))
            let actions = audit.entries.map(\.action)
            for action in [
                "officer.create", "certification.approve", "site.create", "card.suspend", "card.activate", "permit.approve",
                "application.approve",
            ] {
                #expect(actions.contains(action), "\(action) missing from \(actions)")
            }
            let approval = try #require(audit.entries.first { $0.action == "certification.approve" })
            #expect(approval.beforeJson.contains("PENDING") && approval.afterJson.contains("APPROVED"))
            let suspension = try #require(audit.entries.first { $0.action == "card.suspend" })
            #expect(suspension.reason == "reported lost")
            // An officer sees only their department's entries; a nomad none.
            let housingAudit = try await client.listAuditEntries(.init(), metadata: md(housing))
            #expect(housingAudit.entries.allSatisfy { $0.actorDepartment == "housing" })
            await expectRPCError(.permissionDenied) { _ = try await client.listAuditEntries(.init(), metadata: md(nomad)) }
        }
    }
}
