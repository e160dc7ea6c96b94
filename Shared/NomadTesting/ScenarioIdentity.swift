import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NomadKit
import NomadProtos
import NomadScenario
import SwiftProtobuf

public typealias IdentityClient = Nomad_Identity_V1_IdentityService.Client<HTTP2ClientTransport.Posix>

/// A nomad registered through identity's real RPC, with a token minted for
/// the account as identity would (tests sign with TestKeys.signing, which the
/// suite's identity process signs with too).
public struct ScenarioNomad: Sendable {
    public let id: String
    public let caller: TestCaller

    public init(id: String, caller: TestCaller) {
        self.id = id
        self.caller = caller
    }
}

/// Identity's RPCs as the suite tests of real processes drive them (the
/// pipeline, the seeded scenario, the end-to-end journey).
public enum ScenarioIdentity {
    /// Officers of the certifying department (人才) decide certifications and settlement.
    public static let talentOfficer = TestCaller.make(.officer, department: "talent")
    public static let admin = TestCaller.make(.admin)
    /// Every account these helpers register has this password.
    public static let password = "correct horse battery"

    public static func registerNomad(
        _ identity: IdentityClient, username: String, nationality: String, serial: Int = Int.random(in: 0..<1000),
        options: CallOptions = .defaults
    ) async throws -> ScenarioNomad {
        let chinese = nationality == "CN"
        let account = try await IdentityFlows(identity).registerNomad(
            .init(
                username: username, password: password, displayName: "Nomad \(username)", nationality: nationality,
                documentNumber: chinese ? residentID(serial: serial) : "P\(Int.random(in: 10_000_000...99_999_999))",
                languages: ["en", "zh-CN"]),
            metadata: callMetadata(), options: options)
        let id = UUID(uuidString: account.id)!
        return ScenarioNomad(
            id: account.id,
            caller: TestCaller(
                id: account.id, token: TestKeys.token(for: Principal(accountID: id, role: .nomad, standing: .certified))))
    }

    public static func registerEnterprise(_ identity: IdentityClient, username: String, serial: Int) async throws -> TestCaller {
        let account = try await IdentityFlows(identity).registerEnterprise(
            username: username, password: password, name: "儋州数字科技有限公司 \(serial)",
            creditCode: creditCode(serial: serial), metadata: callMetadata())
        return TestCaller(
            id: account.id, token: TestKeys.token(for: Principal(accountID: UUID(uuidString: account.id)!, role: .enterprise)))
    }

    /// Logs in through identity's Login: the caller as identity itself issues it.
    public static func login(_ identity: IdentityClient, username: String, password: String) async throws -> TestCaller {
        let pair = try await IdentityFlows(identity).login(username: username, password: password, metadata: callMetadata())
        return TestCaller(id: pair.account.id, token: pair.accessToken)
    }

    /// Applies with evidence meeting every criterion; an officer approves:
    /// identity.certification.applied, then identity.nomad.certified.
    public static func certify(_ identity: IdentityClient, nomad: ScenarioNomad) async throws {
        try await IdentityFlows(identity).certify(
            evidence: .with {
                $0.monthlyRemoteIncome = .with {
                    $0.currencyCode = "CNY"
                    $0.minorUnits = 1_200_000
                }
                $0.remoteClients = ["Acme GmbH"]
                $0.intendedStayDays = 180
                $0.skills = ["iOS 开发", "Swift"]
                $0.documentHashes = [String(repeating: "ab", count: 32)]
            }, nomad: nomad.caller.metadata, officer: talentOfficer.metadata)
    }

    /// identity.nomad.settled (落户).
    public static func settle(_ identity: IdentityClient, nomad: ScenarioNomad) async throws {
        try await IdentityFlows(identity).settle(accountID: nomad.id, reason: "落户儋州", officer: talentOfficer.metadata)
    }

    public static func createSite(_ identity: IdentityClient, index: Int, core: Bool) async throws -> String {
        try await IdentityFlows(identity).createSite(
            zh: "社区\(index)", en: "community \(index)", area: core ? .coreXinyingBay : .linked, address: "儋州 \(index) 号",
            capacity: 200, admin: admin.metadata)
    }

    /// The nomad shows their one-card QR at a site's desk: a visit, recorded
    /// once per person per site per day. Returns whether identity recorded one.
    public static func visit(_ identity: IdentityClient, nomad: ScenarioNomad, site: String) async throws -> Bool {
        try await IdentityFlows(identity).visit(site: site, nomad: nomad.caller.metadata, desk: talentOfficer.metadata)
    }

    /// A valid GB 11643 resident ID (check character ISO 7064 MOD 11-2).
    public static func residentID(serial: Int) -> String {
        let first17 = "46040019900101" + String(format: "%03d", serial % 1000)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(first17, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        return first17 + String(Array("10X98765432")[sum % 11])
    }

    /// A valid GB 32100 unified social credit code.
    public static func creditCode(serial: Int) -> String {
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        var body = "91460400"
        var n = serial + 1_000_003 * Int.random(in: 1...1000)
        for _ in 0..<9 {
            body.append(alphabet[n % alphabet.count])
            n /= alphabet.count
        }
        let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
        let sum = zip(body, weights).reduce(0) { $0 + alphabet.firstIndex(of: $1.0)! * $1.1 }
        return body + String(alphabet[(31 - sum % 31) % 31])
    }
}
