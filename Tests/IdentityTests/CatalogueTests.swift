import Foundation
import GRPCCore
@testable import Identity
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

@Suite struct CatalogueTests {
    static let hash = String(repeating: "0f", count: 32)

    static func submit(
        _ code: String, form: [String: String] = ["address": "儋州市那大镇 1 号", "tenancy_months": "6"],
        hashes: [String] = [hash], requestID: String = UUID().uuidString
    ) -> Nomad_Identity_V1_SubmitApplicationRequest {
        .with {
            $0.requestID = requestID
            $0.serviceCode = code
            $0.form = form
            $0.evidenceHashes = hashes
        }
    }

    static func decide(_ id: String, approve: Bool, reason: String = "") -> Nomad_Identity_V1_DecideApplicationRequest {
        .with {
            $0.requestID = UUID().uuidString
            $0.id = id
            $0.approve = approve
            $0.reason = reason
        }
    }

    static func rate(_ id: String, stars: Int32, comment: String = "") -> Nomad_Identity_V1_RateApplicationRequest {
        .with {
            $0.requestID = UUID().uuidString
            $0.id = id
            $0.stars = stars
            $0.comment = comment
        }
    }

    /// Moves an application's due date into the past, as if its time limit ran out.
    static func makeDue(_ env: IdentityEnv, _ id: String, hoursAgo: Int32 = 1) async throws {
        let uuid = UUID(uuidString: id)!
        try await env.app.withSchemaConnection { tx in
            _ = try await tx.query(
                """
                UPDATE applications SET due_at = now() - make_interval(hours => \(hoursAgo)) WHERE id = \(uuid)
                """)
        }
    }

    // MARK: - catalogue

    @Test func theCatalogueIsPublicCompleteAndBilingual() async throws {
        try await withIdentity { env in
            var entries: [Nomad_Identity_V1_CatalogueEntry] = []
            var token = ""
            repeat {
                // No token: the catalogue is public.
                let page = try await env.client.listCatalogue(
                    .with {
                        $0.page = .with {
                            $0.pageSize = 7; $0.pageToken = token
                        }
                    }, metadata: callMetadata())
                #expect(page.entries.count <= 7)
                entries += page.entries
                token = page.page.nextPageToken
            } while !token.isEmpty
            #expect(entries.count >= 20)
            #expect(entries.map(\.code) == entries.map(\.code).sorted())
            #expect(Set(entries.map(\.code)).count == entries.count)
            for entry in entries {
                #expect(!entry.name.zhCn.isEmpty && !entry.name.en.isEmpty, "\(entry.code)")
                #expect(!entry.description_p.zhCn.isEmpty && !entry.description_p.en.isEmpty, "\(entry.code)")
                #expect(!entry.eligibilityCriteria.isEmpty, "\(entry.code)")
                #expect(entry.eligibilityCriteria.allSatisfy { !$0.zhCn.isEmpty && !$0.en.isEmpty }, "\(entry.code)")
                #expect(!entry.requiredEvidence.isEmpty, "\(entry.code)")
                #expect(entry.requiredEvidence.allSatisfy { !$0.zhCn.isEmpty && !$0.en.isEmpty }, "\(entry.code)")
                #expect(Departments.isKnown(entry.department), "\(entry.code)")
                #expect([.nomad, .enterprise, .both].contains(entry.audience), "\(entry.code)")
                #expect(!entry.channels.isEmpty && entry.channels.allSatisfy { [.online, .mobileApp, .serviceDesk].contains($0) })
                #expect(entry.processingDays > 0)
                #expect(entry.cost.currencyCode == "CNY" && entry.cost.minorUnits >= 0)
            }

            let exitEntry = try await env.client.listCatalogue(.with { $0.department = "exit_entry" }, metadata: callMetadata())
            #expect(!exitEntry.entries.isEmpty)
            #expect(exitEntry.entries.allSatisfy { $0.department == "exit_entry" })
            #expect(exitEntry.entries.map(\.code) == entries.filter { $0.department == "exit_entry" }.map(\.code))
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.listCatalogue(.with { $0.department = "no_such_bureau" }, metadata: callMetadata())
            }

            let permit = try await env.client.getCatalogueEntry(.with { $0.code = "nomad-permit" }, metadata: callMetadata())
            #expect(permit == entries.first { $0.code == "nomad-permit" })
            #expect(permit.cost.minorUnits == 40_000)
            // A signed-in caller may read it too.
            let nomad = try await env.nomad()
            #expect(
                try await env.client.getCatalogueEntry(.with { $0.code = "nomad-permit" }, metadata: callMetadata(token: nomad.token))
                    == permit)
            await expectRPCError(.notFound) {
                _ = try await env.client.getCatalogueEntry(.with { $0.code = "no-such-service" }, metadata: callMetadata())
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.getCatalogueEntry(.with { $0.code = "" }, metadata: callMetadata())
            }
        }
    }

    /// The programme's one figure for a super individual, the one analytics
    /// counts against (`Programme.superIndividualRevenueYuan`), is what the
    /// catalogue entry states, in both languages.
    @Test func theSuperIndividualEntryStatesTheProgrammesThreshold() async throws {
        try await withIdentity { env in
            let entry = try await env.client.getCatalogueEntry(
                .with { $0.code = "super-individual-recognition" }, metadata: callMetadata())
            let yuan = Programme.superIndividualRevenueYuan
            let digits = Array(String(yuan))
            let grouped = digits.indices.map { index in
                (index > 0 && (digits.count - index) % 3 == 0 ? "," : "") + String(digits[index])
            }.joined()
            let english = "CNY \(grouped)"
            let chinese = "\(yuan / 10_000)万元"
            #expect(entry.eligibilityCriteria.contains { $0.en.contains(english) && $0.zhCn.contains(chinese) })
            #expect(entry.description_p.en.contains(english) && entry.description_p.zhCn.contains(chinese))
            // No other income figure is left in the entry.
            #expect(!entry.eligibilityCriteria.contains { $0.en.contains("240,000") || $0.zhCn.contains("24万") })
        }
    }

    // MARK: - submitting

    @Test func aNomadSubmitsAndTheApplicationIsRoutedToTheDepartment() async throws {
        try await withIdentity { env in
            let nomad = try await env.nomad(nationality: "CN")
            let entry = try await env.client.getCatalogueEntry(.with { $0.code = "talent-housing" }, metadata: callMetadata())
            let before = Date()
            let application = try await env.client.submitApplication(
                Self.submit("talent-housing"), metadata: callMetadata(token: nomad.token))
            #expect(application.status == .submitted)
            #expect(application.serviceCode == "talent-housing")
            #expect(application.applicantID == nomad.account.id)
            #expect(application.department == entry.department)
            #expect(application.form == ["address": "儋州市那大镇 1 号", "tenancy_months": "6"])
            #expect(application.evidenceHashes == [Self.hash])
            #expect(!application.overdue && application.rating == 0 && !application.hasDecidedAt)
            let submitted = application.submittedAt.date
            #expect(abs(submitted.timeIntervalSince(before)) < 60)
            #expect(abs(application.dueAt.date.timeIntervalSince(submitted) - Double(entry.processingDays) * 86_400) < 0.001)
            let event = try #require(try await env.outboxPayload(type: "identity.application.submitted", subject: application.id))
            #expect(event["service_code"] == "talent-housing")
            #expect(event["department"] == entry.department)

            // The applicant and the department read it; nobody else does.
            let get = Nomad_Identity_V1_GetApplicationRequest.with { $0.id = application.id }
            #expect(try await env.client.getApplication(get, metadata: callMetadata(token: nomad.token)) == application)
            #expect(try await env.client.getApplication(get, metadata: callMetadata(token: env.officer(entry.department))) == application)
            let other = try await env.nomad()
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.getApplication(get, metadata: callMetadata(token: other.token))
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.getApplication(get, metadata: callMetadata(token: env.officer("tax")))
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.getApplication(get, metadata: callMetadata(token: env.admin()))
            }
            await expectRPCError(.unauthenticated) { _ = try await env.client.getApplication(get, metadata: callMetadata()) }
            await expectRPCError(.notFound) {
                _ = try await env.client.getApplication(
                    .with { $0.id = UUID().uuidString }, metadata: callMetadata(token: nomad.token))
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.getApplication(.with { $0.id = "42" }, metadata: callMetadata(token: nomad.token))
            }
        }
    }

    @Test func theEntrysAudienceDecidesWhoMaySubmit() async throws {
        try await withIdentity { env in
            let nomad = try await env.nomad()
            let enterprise = try await env.enterprise()
            // Nomads only.
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.submitApplication(Self.submit("talent-housing"), metadata: callMetadata(token: enterprise.token))
            }
            // Enterprises only.
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.submitApplication(
                    Self.submit("enterprise-nomad-reward"), metadata: callMetadata(token: nomad.token))
            }
            let reward = try await env.client.submitApplication(
                Self.submit("enterprise-nomad-reward"), metadata: callMetadata(token: enterprise.token))
            #expect(reward.department == "talent")
            // Both.
            let byNomad = try await env.client.submitApplication(
                Self.submit("data-innovation-voucher"), metadata: callMetadata(token: nomad.token))
            let byEnterprise = try await env.client.submitApplication(
                Self.submit("data-innovation-voucher"), metadata: callMetadata(token: enterprise.token))
            #expect(byNomad.department == "data" && byEnterprise.department == "data")
            // Neither officers, admins nor anonymous callers submit.
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.submitApplication(
                    Self.submit("data-innovation-voucher"), metadata: callMetadata(token: env.officer("data")))
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.submitApplication(
                    Self.submit("data-innovation-voucher"), metadata: callMetadata(token: env.admin()))
            }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.submitApplication(Self.submit("data-innovation-voucher"), metadata: callMetadata())
            }
            await expectRPCError(.notFound) {
                _ = try await env.client.submitApplication(Self.submit("no-such-service"), metadata: callMetadata(token: nomad.token))
            }
            // The refusal reads in the caller's language.
            let chinese = await expectRPCError(.permissionDenied) {
                _ = try await env.client.submitApplication(
                    Self.submit("talent-housing"), metadata: callMetadata(token: enterprise.token, language: "zh-CN"))
            }
            #expect(chinese == "该服务不面向您的账户类型")
        }
    }

    @Test func badFormsAndEvidenceAreRefused() async throws {
        try await withIdentity { env in
            let nomad = try await env.nomad()
            let metadata = callMetadata(token: nomad.token)
            func refused(_ request: Nomad_Identity_V1_SubmitApplicationRequest, sourceLocation: SourceLocation = #_sourceLocation) async {
                await expectRPCError(.invalidArgument, sourceLocation: sourceLocation) {
                    _ = try await env.client.submitApplication(request, metadata: metadata)
                }
            }
            let fiftyOne = Dictionary(uniqueKeysWithValues: (1...51).map { ("field\($0)", "v") })
            await refused(Self.submit("talent-housing", form: fiftyOne))
            await refused(Self.submit("talent-housing", form: ["": "empty key"]))
            await refused(Self.submit("talent-housing", form: [String(repeating: "k", count: 65): "v"]))
            await refused(Self.submit("talent-housing", form: ["note": String(repeating: "字", count: 2001)]))
            await refused(Self.submit("talent-housing", form: ["note": "nul\u{0}byte"]))
            await refused(Self.submit("talent-housing", hashes: [String(Self.hash.dropLast())]))
            await refused(Self.submit("talent-housing", hashes: [Self.hash.uppercased()]))
            await refused(Self.submit("talent-housing", hashes: Array(repeating: Self.hash, count: 21)))
            await refused(Self.submit("", hashes: []))
            await refused(Self.submit("talent-housing", requestID: ""))

            // The limits themselves are accepted: 50 fields, a 64-character key, a
            // 2000-character value spanning lines, 20 hashes.
            var edgeForm = Dictionary(uniqueKeysWithValues: (1...49).map { ("field\($0)", "v") })
            edgeForm[String(repeating: "k", count: 64)] = String(repeating: "字", count: 1999) + "\n"
            let edge = try await env.client.submitApplication(
                Self.submit("talent-housing", form: edgeForm, hashes: Array(repeating: Self.hash, count: 20)), metadata: metadata)
            #expect(edge.form.count == 50)
            #expect(edge.evidenceHashes.count == 20)
        }
    }

    @Test func submittingTwiceWithOneRequestIDCreatesOneApplication() async throws {
        try await withIdentity { env in
            let nomad = try await env.nomad()
            let request = Self.submit("community-check-in", requestID: "submit-retry-1")
            let first = try await env.client.submitApplication(request, metadata: callMetadata(token: nomad.token))
            let second = try await env.client.submitApplication(request, metadata: callMetadata(token: nomad.token))
            #expect(first.id == second.id)
            #expect(first == second)
            let mine = try await env.client.listApplications(.init(), metadata: callMetadata(token: nomad.token))
            #expect(mine.applications.map(\.id) == [first.id])
            let rows = try await env.app.withSchemaConnection { tx in
                try await tx.query("SELECT count(*) FROM applications").collect().first!.decode(Int.self)
            }
            #expect(rows == 1)
            #expect(try await env.app.outboxCount(type: "identity.application.submitted", subject: first.id) == 1)
            // The same id for a different request is refused, not answered with the first result.
            await expectRPCError(.failedPrecondition) {
                _ = try await env.client.submitApplication(
                    Self.submit("talent-housing", requestID: "submit-retry-1"), metadata: callMetadata(token: nomad.token))
            }
        }
    }

    // MARK: - queues

    @Test func applicantsSeeTheirOwnAndOfficersTheirDepartmentsQueue() async throws {
        try await withIdentity { env in
            let anna = try await env.nomad()
            let ben = try await env.nomad()
            let company = try await env.enterprise()
            let a1 = try await env.client.submitApplication(Self.submit("talent-housing"), metadata: callMetadata(token: anna.token))
            let a2 = try await env.client.submitApplication(
                Self.submit("data-innovation-voucher"), metadata: callMetadata(token: anna.token))
            let b1 = try await env.client.submitApplication(Self.submit("public-rental-housing"), metadata: callMetadata(token: ben.token))
            let c1 = try await env.client.submitApplication(
                Self.submit("data-innovation-voucher"), metadata: callMetadata(token: company.token))

            func ids(_ token: String, _ request: Nomad_Identity_V1_ListApplicationsRequest = .init()) async throws -> [String] {
                try await env.client.listApplications(request, metadata: callMetadata(token: token)).applications.map(\.id)
            }
            #expect(try await ids(anna.token) == [a1.id, a2.id])
            #expect(try await ids(ben.token) == [b1.id])
            #expect(try await ids(company.token) == [c1.id])
            let housing = env.officer("housing")
            let data = env.officer("data")
            #expect(try await ids(housing) == [a1.id, b1.id])
            #expect(try await ids(data) == [a2.id, c1.id])
            #expect(try await ids(env.officer("tax")) == [])

            _ = try await env.client.decideApplication(Self.decide(a1.id, approve: true), metadata: callMetadata(token: housing))
            #expect(try await ids(housing, .with { $0.status = .submitted }) == [b1.id])
            #expect(try await ids(housing, .with { $0.status = .approved }) == [a1.id])
            #expect(try await ids(housing, .with { $0.status = .rejected }) == [])
            #expect(try await ids(anna.token, .with { $0.status = .approved }) == [a1.id])

            let paged = try await env.client.listApplications(.with { $0.page.pageSize = 1 }, metadata: callMetadata(token: housing))
            #expect(paged.applications.map(\.id) == [a1.id])
            let next = try await env.client.listApplications(
                .with {
                    $0.page = .with {
                        $0.pageSize = 1; $0.pageToken = paged.page.nextPageToken
                    }
                }, metadata: callMetadata(token: housing))
            #expect(next.applications.map(\.id) == [b1.id])
            #expect(next.page.nextPageToken.isEmpty)

            await expectRPCError(.invalidArgument) {
                _ = try await env.client.listApplications(.with { $0.status = .UNRECOGNIZED(99) }, metadata: callMetadata(token: housing))
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.listApplications(.init(), metadata: callMetadata(token: env.admin()))
            }
            await expectRPCError(.unauthenticated) { _ = try await env.client.listApplications(.init(), metadata: callMetadata()) }
        }
    }

    @Test func overdueApplicationsAreListedAndDecidingLateIsRecorded() async throws {
        try await withIdentity { env in
            let nomad = try await env.nomad()
            let housing = env.officer("housing")
            let late = try await env.client.submitApplication(Self.submit("talent-housing"), metadata: callMetadata(token: nomad.token))
            let later = try await env.client.submitApplication(
                Self.submit("public-rental-housing"), metadata: callMetadata(token: nomad.token))
            let onTime = try await env.client.submitApplication(Self.submit("talent-housing"), metadata: callMetadata(token: nomad.token))
            let decidedInTime = try await env.client.submitApplication(
                Self.submit("talent-housing"), metadata: callMetadata(token: nomad.token))
            _ = try await env.client.decideApplication(Self.decide(decidedInTime.id, approve: true), metadata: callMetadata(token: housing))
            try await Self.makeDue(env, late.id, hoursAgo: 48)
            try await Self.makeDue(env, later.id, hoursAgo: 2)
            // Decided in time, and only afterwards would its due date have passed: not overdue.
            try await Self.makeDue(env, decidedInTime.id, hoursAgo: -1)

            let overdue = try await env.client.listApplications(.with { $0.overdueOnly = true }, metadata: callMetadata(token: housing))
            #expect(overdue.applications.map(\.id) == [late.id, later.id])
            #expect(overdue.applications.allSatisfy { $0.overdue })
            let fresh = try await env.client.getApplication(.with { $0.id = onTime.id }, metadata: callMetadata(token: housing))
            #expect(!fresh.overdue)
            let inTime = try await env.client.getApplication(.with { $0.id = decidedInTime.id }, metadata: callMetadata(token: housing))
            #expect(!inTime.overdue)
            // Another department's overdue queue does not show them.
            let dataQueue = try await env.client.listApplications(
                .with { $0.overdueOnly = true }, metadata: callMetadata(token: env.officer("data")))
            #expect(dataQueue.applications.isEmpty)
            // The applicant sees their own overdue ones.
            let mine = try await env.client.listApplications(.with { $0.overdueOnly = true }, metadata: callMetadata(token: nomad.token))
            #expect(mine.applications.map(\.id) == [late.id, later.id])

            // Deciding after the due date: closed, so no longer in the overdue queue, but still marked overdue.
            let decided = try await env.client.decideApplication(
                Self.decide(late.id, approve: true), metadata: callMetadata(token: housing))
            #expect(decided.status == .approved && decided.overdue)
            #expect(decided.decidedAt.date > decided.dueAt.date)
            let event = try #require(try await env.outboxPayload(type: "identity.application.decided", subject: late.id))
            #expect(event["late"] == "true")
            #expect(event["approved"] == "true")
            #expect(try await env.outboxPayload(type: "identity.application.decided", subject: decidedInTime.id)?["late"] == "false")
            let remaining = try await env.client.listApplications(.with { $0.overdueOnly = true }, metadata: callMetadata(token: housing))
            #expect(remaining.applications.map(\.id) == [later.id])
        }
    }

    // MARK: - deciding and rating

    @Test func onlyTheResponsibleDepartmentDecidesAndOnlyOnce() async throws {
        try await withIdentity { env in
            let nomad = try await env.nomad()
            let application = try await env.client.submitApplication(
                Self.submit("talent-housing"), metadata: callMetadata(token: nomad.token))
            let housing = env.officer("housing")
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.decideApplication(
                    Self.decide(application.id, approve: true), metadata: callMetadata(token: env.officer("talent")))
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.decideApplication(
                    Self.decide(application.id, approve: true), metadata: callMetadata(token: nomad.token))
            }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.decideApplication(Self.decide(application.id, approve: true), metadata: callMetadata())
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.decideApplication(
                    Self.decide(application.id, approve: false), metadata: callMetadata(token: housing))
            }
            await expectRPCError(.notFound) {
                _ = try await env.client.decideApplication(
                    Self.decide(UUID().uuidString, approve: true), metadata: callMetadata(token: housing))
            }

            let rejected = try await env.client.decideApplication(
                Self.decide(application.id, approve: false, reason: "Tenancy agreement not registered"),
                metadata: callMetadata(token: housing))
            #expect(rejected.status == .rejected)
            #expect(rejected.decisionReason == "Tenancy agreement not registered")
            #expect(rejected.hasDecidedAt && !rejected.overdue)
            await expectRPCError(.failedPrecondition) {
                _ = try await env.client.decideApplication(
                    Self.decide(application.id, approve: true), metadata: callMetadata(token: housing))
            }

            let audit = try await env.client.listAuditEntries(
                .with { $0.subject = "application/\(application.id)" }, metadata: callMetadata(token: env.admin()))
            #expect(audit.entries.map(\.action) == ["application.reject"])
            let entry = try #require(audit.entries.first)
            #expect(entry.actorDepartment == "housing")
            #expect(try Nomad_Identity_V1_ServiceApplication(jsonString: entry.beforeJson).status == .submitted)
            #expect(try Nomad_Identity_V1_ServiceApplication(jsonString: entry.afterJson) == rejected)
            #expect(try await env.app.outboxCount(type: "identity.application.decided", subject: application.id) == 1)

            // The approve action is audited under its own name.
            let second = try await env.client.submitApplication(Self.submit("talent-housing"), metadata: callMetadata(token: nomad.token))
            _ = try await env.client.decideApplication(Self.decide(second.id, approve: true), metadata: callMetadata(token: housing))
            let approveAudit = try await env.client.listAuditEntries(
                .with { $0.subject = "application/\(second.id)" }, metadata: callMetadata(token: env.admin()))
            #expect(approveAudit.entries.map(\.action) == ["application.approve"])
        }
    }

    @Test func theApplicantRatesOnceAfterTheDecision() async throws {
        try await withIdentity { env in
            let nomad = try await env.nomad()
            let application = try await env.client.submitApplication(
                Self.submit("community-check-in"), metadata: callMetadata(token: nomad.token))
            let metadata = callMetadata(token: nomad.token)

            // Not before it is decided.
            await expectRPCError(.failedPrecondition) {
                _ = try await env.client.rateApplication(Self.rate(application.id, stars: 5), metadata: metadata)
            }
            _ = try await env.client.decideApplication(
                Self.decide(application.id, approve: true), metadata: callMetadata(token: env.officer("community")))

            for stars: Int32 in [0, 6, -1] {
                await expectRPCError(.invalidArgument) {
                    _ = try await env.client.rateApplication(Self.rate(application.id, stars: stars), metadata: metadata)
                }
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.rateApplication(
                    Self.rate(application.id, stars: 4, comment: String(repeating: "好", count: 501)), metadata: metadata)
            }
            let other = try await env.nomad()
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.rateApplication(Self.rate(application.id, stars: 1), metadata: callMetadata(token: other.token))
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.rateApplication(
                    Self.rate(application.id, stars: 1), metadata: callMetadata(token: env.officer("community")))
            }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.rateApplication(Self.rate(application.id, stars: 1), metadata: callMetadata())
            }
            await expectRPCError(.notFound) {
                _ = try await env.client.rateApplication(Self.rate(UUID().uuidString, stars: 1), metadata: metadata)
            }

            let rated = try await env.client.rateApplication(
                Self.rate(application.id, stars: 4, comment: "Quick and friendly"), metadata: metadata)
            #expect(rated.rating == 4)
            #expect(rated.ratingComment == "Quick and friendly")
            #expect(rated.status == .approved)
            let event = try #require(try await env.outboxPayload(type: "identity.application.rated", subject: application.id))
            #expect(event["stars"] == "4")
            // Once only.
            let again = await expectRPCError(.failedPrecondition) {
                _ = try await env.client.rateApplication(
                    Self.rate(application.id, stars: 1), metadata: callMetadata(token: nomad.token, language: "zh-CN"))
            }
            #expect(again?.contains("已评价") == true)
            let stored = try await env.client.getApplication(.with { $0.id = application.id }, metadata: metadata)
            #expect(stored.rating == 4)

            // A rejected application can be rated too.
            let enterprise = try await env.enterprise()
            let voucher = try await env.client.submitApplication(
                Self.submit("data-innovation-voucher"), metadata: callMetadata(token: enterprise.token))
            _ = try await env.client.decideApplication(
                Self.decide(voucher.id, approve: false, reason: "Budget exhausted"), metadata: callMetadata(token: env.officer("data")))
            let ratedRejected = try await env.client.rateApplication(
                Self.rate(voucher.id, stars: 2), metadata: callMetadata(token: enterprise.token))
            #expect(ratedRejected.rating == 2 && ratedRejected.ratingComment.isEmpty)
        }
    }
}

/// The application rules on their own, without a server.
extension CatalogueTests {
    @Suite struct Rules {
        @Test func audiences() {
            #expect(ApplicationRules.audience(.nomad, admits: .nomad))
            #expect(!ApplicationRules.audience(.nomad, admits: .enterprise))
            #expect(ApplicationRules.audience(.enterprise, admits: .enterprise))
            #expect(!ApplicationRules.audience(.enterprise, admits: .nomad))
            #expect(ApplicationRules.audience(.both, admits: .nomad) && ApplicationRules.audience(.both, admits: .enterprise))
            #expect(!ApplicationRules.audience(.both, admits: .officer))
            #expect(!ApplicationRules.audience(.unspecified, admits: .nomad))
        }
    }
}
