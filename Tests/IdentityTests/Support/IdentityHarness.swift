import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
@testable import Identity
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

typealias IdentityClient = Nomad_Identity_V1_IdentityService.Client<HTTP2ClientTransport.Posix>

/// A running identity service with helpers for the steps most tests share.
struct IdentityEnv {
    let app: TestApp
    let client: IdentityClient

    /// Every registration hashes a password; a low cost keeps tests quick
    /// while exercising the same code path.
    static let settings = IdentitySettings(passwordCostLog2: 10)

    func registerNomad(
        username: String = "nomad-\(UUID().uuidString.prefix(8).lowercased())",
        password: String = "correct horse battery",
        nationality: String = "DE",
        documentType: Nomad_Identity_V1_DocumentType = .passport,
        documentNumber: String? = nil,
        language: String = "en"
    ) async throws -> Nomad_Identity_V1_Account {
        try await client.registerNomad(
            .with {
                $0.requestID = UUID().uuidString
                $0.username = username
                $0.password = password
                $0.displayName = "Test Nomad"
                $0.nationality = nationality
                $0.documentType = documentType
                $0.documentNumber = documentNumber ?? "P\(Int.random(in: 10_000_000...99_999_999))"
                $0.languages = ["en", "zh-CN"]
            }, metadata: callMetadata(language: language))
    }

    /// A registered nomad and a token for them, minted as identity would.
    func nomad(nationality: String = "DE") async throws -> (account: Nomad_Identity_V1_Account, token: String) {
        let account = try await registerNomad(
            nationality: nationality, documentType: nationality == "CN" ? .residentID : .passport,
            documentNumber: nationality == "CN" ? Self.residentID() : nil)
        return (account, TestKeys.token(for: Principal(accountID: UUID(uuidString: account.id)!, role: .nomad)))
    }

    /// A registered nomad certified through the real flow (application,
    /// talent officer's approval), and a token for them.
    func certifiedNomad(nationality: String = "DE") async throws -> (account: Nomad_Identity_V1_Account, token: String) {
        let nomad = try await nomad(nationality: nationality)
        let application = try await client.applyCertification(
            .with {
                $0.requestID = UUID().uuidString
                $0.evidence = Self.goodEvidence()
            }, metadata: callMetadata(token: nomad.token))
        _ = try await client.decideCertification(
            .with {
                $0.requestID = UUID().uuidString
                $0.id = application.id
                $0.decision = .approve
            }, metadata: callMetadata(token: officer("talent")))
        return nomad
    }

    func officer(_ department: String) -> String {
        TestKeys.token(for: Principal(accountID: UUID(), role: .officer, department: department))
    }

    func admin() -> String {
        TestKeys.token(for: Principal(accountID: UUID(), role: .admin))
    }

    func enterprise() async throws -> (account: Nomad_Identity_V1_Account, token: String) {
        let account = try await client.registerEnterprise(
            .with {
                $0.requestID = UUID().uuidString
                $0.username = "ent-\(UUID().uuidString.prefix(8).lowercased())"
                $0.password = "correct horse battery"
                $0.name = "儋州数字科技有限公司"
                $0.creditCode = Self.creditCode()
            }, metadata: callMetadata())
        return (account, TestKeys.token(for: Principal(accountID: UUID(uuidString: account.id)!, role: .enterprise)))
    }

    /// A valid resident ID with a random serial and its check character.
    static func residentID() -> String {
        let first17 = "46040019900101" + String(format: "%03d", Int.random(in: 0...999))
        return first17 + String(ResidentID.checkCharacter(for: first17)!)
    }

    /// A valid unified social credit code with a random organisation code.
    static func creditCode() -> String {
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        let first17 = "91460400" + String((0..<9).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
        return first17 + String(CreditCode.checkCharacter(for: first17)!)
    }

    /// Evidence that meets every published criterion.
    static func goodEvidence() -> Nomad_Identity_V1_CertificationEvidence {
        .with {
            $0.monthlyRemoteIncome = .with {
                $0.currencyCode = "CNY"; $0.minorUnits = 1_200_000
            }
            $0.remoteClients = ["Acme GmbH"]
            $0.intendedStayDays = 180
            $0.skills = ["iOS 开发", "Swift"]
            $0.documentHashes = [String(repeating: "ab", count: 32)]
        }
    }
}

func withIdentity(_ body: (IdentityEnv) async throws -> Void) async throws {
    try await withTestApp(IdentityDefinition.make(settings: IdentityEnv.settings)) { app in
        try await body(IdentityEnv(app: app, client: IdentityClient(wrapping: app.client)))
    }
}
