import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NomadKit
import NomadProtos
import SwiftProtobuf

/// Identity's RPCs as a client walks a person through them: the one place the
/// demo seed (`nomadctl up --seed`, `nomadctl seed`), the suite tests, the
/// analytics scenario and the journey register, log in, certify, settle, grant
/// permits, open sites and visit them. Callers pass their own metadata (a
/// token, a language), so the same flow serves a seed and a test.
public struct IdentityFlows: Sendable {
    public let identity: Nomad_Identity_V1_IdentityService.Client<HTTP2ClientTransport.Posix>

    public init(_ identity: Nomad_Identity_V1_IdentityService.Client<HTTP2ClientTransport.Posix>) {
        self.identity = identity
    }

    /// What a nomad fills in to register.
    public struct NomadForm: Sendable {
        public var username: String
        public var password: String
        public var displayName: String
        public var nationality: String
        public var documentNumber: String
        public var languages: [String]

        /// A Chinese citizen registers with a resident ID, anyone else with a passport.
        public init(
            username: String, password: String, displayName: String, nationality: String, documentNumber: String,
            languages: [String]
        ) {
            self.username = username
            self.password = password
            self.displayName = displayName
            self.nationality = nationality
            self.documentNumber = documentNumber
            self.languages = languages
        }
    }

    public func registerNomad(
        _ form: NomadForm, metadata: Metadata, options: CallOptions = .defaults
    ) async throws -> Nomad_Identity_V1_Account {
        try await identity.registerNomad(
            .with {
                $0.requestID = UUID().text
                $0.username = form.username
                $0.password = form.password
                $0.displayName = form.displayName
                $0.nationality = form.nationality
                $0.documentType = form.nationality == "CN" ? .residentID : .passport
                $0.documentNumber = form.documentNumber
                $0.languages = form.languages
            }, metadata: metadata, options: options)
    }

    public func registerEnterprise(
        username: String, password: String, name: String, creditCode: String, metadata: Metadata
    ) async throws -> Nomad_Identity_V1_Account {
        try await identity.registerEnterprise(
            .with {
                $0.requestID = UUID().text
                $0.username = username
                $0.password = password
                $0.name = name
                $0.creditCode = creditCode
            }, metadata: metadata)
    }

    /// Login: the account and the tokens identity itself issues.
    public func login(username: String, password: String, metadata: Metadata) async throws -> Nomad_Identity_V1_TokenPair {
        try await identity.login(
            .with {
                $0.username = username
                $0.password = password
            }, metadata: metadata)
    }

    /// An admin creates an officer of `department`.
    public func createOfficer(
        username: String, password: String, displayName: String, department: String, admin: Metadata
    ) async throws {
        _ = try await identity.createOfficer(
            .with {
                $0.requestID = UUID().text
                $0.username = username
                $0.password = password
                $0.displayName = displayName
                $0.department = department
            }, metadata: admin)
    }

    /// An admin opens a community site; its id.
    public func createSite(
        zh: String, en: String, area: Nomad_Identity_V1_Area, address: String, capacity: Int32, admin: Metadata
    ) async throws -> String {
        try await identity.createSite(
            .with {
                $0.requestID = UUID().text
                $0.name = .with {
                    $0.zhCn = zh
                    $0.en = en
                }
                $0.area = area
                $0.address = address
                $0.capacity = capacity
            }, metadata: admin
        ).id
    }

    /// The nomad applies with `evidence`; the talent officer approves:
    /// identity.certification.applied, then identity.nomad.certified.
    public func certify(
        evidence: Nomad_Identity_V1_CertificationEvidence, nomad: Metadata, officer: Metadata
    ) async throws {
        let application = try await identity.applyCertification(
            .with {
                $0.requestID = UUID().text
                $0.evidence = evidence
            }, metadata: nomad)
        _ = try await identity.decideCertification(
            .with {
                $0.requestID = UUID().text
                $0.id = application.id
                $0.decision = .approve
            }, metadata: officer)
    }

    /// A talent officer recognises the nomad as settled (落户): identity.nomad.settled.
    public func settle(accountID: String, reason: String, officer: Metadata) async throws {
        _ = try await identity.recognizeMigrant(
            .with {
                $0.requestID = UUID().text
                $0.accountID = accountID
                $0.reason = reason
            }, metadata: officer)
    }

    /// The nomad applies for a work permit from today; the exit-entry officer approves.
    public func grantPermit(
        months: Int32, activities: [Nomad_Identity_V1_PermitActivity], nomad: Metadata, officer: Metadata
    ) async throws {
        let permit = try await identity.applyPermit(
            .with {
                $0.requestID = UUID().text
                $0.months = months
                $0.activities = activities
                $0.startDate = ZoneDay.today().message
            }, metadata: nomad)
        _ = try await identity.decidePermit(
            .with {
                $0.requestID = UUID().text
                $0.id = permit.id
                $0.approve = true
            }, metadata: officer)
    }

    /// The nomad shows their one-card QR at a site's desk: a visit, recorded
    /// once per person per site per day. Whether identity recorded one.
    public func visit(site: String, nomad: Metadata, desk: Metadata) async throws -> Bool {
        let qr = try await identity.issueCardQr(.init(), metadata: nomad)
        let answer = try await identity.verifyCard(
            .with {
                $0.requestID = UUID().text
                $0.qrPayload = qr.payload
                $0.siteID = site
            }, metadata: desk)
        return answer.valid && answer.visitRecorded
    }
}
