import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NomadKit
import NomadProtos
import SwiftProtobuf

/// Seeds a load run through the public RPCs: enterprises publish claimable
/// jobs, nomads fill in skill profiles. Tokens are minted with the suite's
/// own signing key, as identity would issue them after a login.
enum LoadSeed {
    /// Codes of the seeded taxonomy the jobs and profiles draw from.
    static let skills = [
        "software.mobile.ios", "software.mobile.android", "software.web", "software.backend",
        "data.labelling", "data.cleaning", "ai.training", "design.ui", "media.livestream", "commerce.cross-border",
    ]

    static func tokens(signingKey: SigningKey) -> AccessTokens {
        AccessTokens(
            issuer: "nomad-identity", audience: "nomad-zone",
            keys: KeyRing(signingKey: signingKey, verificationKeys: []))
    }

    static func world(
        client: Nomad_Jobs_V1_JobsService.Client<HTTP2ClientTransport.Posix>, signingKey: SigningKey,
        jobs: Int, nomads: Int, seats: ClosedRange<Int32>, concurrency: Int = 16
    ) async throws -> LoadWorld {
        let tokens = tokens(signingKey: signingKey)
        func token(_ role: Role, standing: NomadStanding? = nil) throws -> (id: String, token: String) {
            let id = UUID()
            return (id.text, try tokens.issue(for: Principal(accountID: id, role: role, standing: standing), lifetime: 4 * 3600).token)
        }
        let enterprises = try (0..<10).map { _ in try token(.enterprise) }
        let nomadCallers = try (0..<nomads).map { _ in try token(.nomad, standing: .certified) }

        let jobIDs = try await concurrently(count: jobs, concurrency: concurrency) { index in
            var generator = SystemRandomNumberGenerator()
            let required = skills.shuffled(using: &generator).prefix(Int.random(in: 1...3, using: &generator))
            let job = try await client.publishJob(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.job = .with {
                        $0.title = "Load job \(index)"
                        $0.description_p = "Seeded by nomadctl load."
                        $0.requiredSkills = required.enumerated().map { position, code in
                            .with {
                                $0.skillCode = code; $0.minLevel = 2; $0.weight = 5; $0.essential = position == 0
                            }
                        }
                        $0.tools = ["Xcode", "Python", "Figma"].shuffled(using: &generator).prefix(2).map { $0 }
                        $0.budget = .with {
                            $0.currencyCode = "CNY"; $0.minorUnits = 500_000
                        }
                        $0.mode = .remoteOrder
                        $0.seats = Int32.random(in: seats, using: &generator)
                        $0.claimable = true
                        $0.deadline = .init(date: Date().addingTimeInterval(30 * 86400))
                        $0.languages = ["zh-CN"]
                    }
                }, metadata: bearer(enterprises[index % enterprises.count].token))
            return job.jobID
        }
        _ = try await concurrently(count: nomads, concurrency: concurrency) { index in
            var generator = SystemRandomNumberGenerator()
            let held = skills.shuffled(using: &generator).prefix(Int.random(in: 2...5, using: &generator))
            _ = try await client.updateProfile(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.profile = .with {
                        $0.skills = held.map { code in
                            .with {
                                $0.skillCode = code; $0.level = Int32.random(in: 1...5, using: &generator); $0.yearsExperience = 2
                            }
                        }
                        $0.availability = .fullTime
                        $0.hoursPerWeek = 40
                        $0.timeZone = "Asia/Shanghai"
                        $0.languages = ["zh-CN", "en"]
                    }
                }, metadata: bearer(nomadCallers[index].token))
            return index
        }
        return LoadWorld(
            jobIDs: jobIDs, nomads: nomadCallers.map(\.id), nomadTokens: nomadCallers.map(\.token),
            enterpriseToken: enterprises[0].token, skills: skills)
    }

    /// Runs `body` for 0..<count with at most `concurrency` at once, results in order.
    static func concurrently<T: Sendable>(
        count: Int, concurrency: Int, _ body: @escaping @Sendable (Int) async throws -> T
    ) async throws -> [T] {
        try await withThrowingTaskGroup(of: (Int, T).self) { group in
            var results = [T?](repeating: nil, count: count)
            var next = 0
            while next < min(concurrency, count) {
                let index = next
                group.addTask { (index, try await body(index)) }
                next += 1
            }
            while let (index, value) = try await group.next() {
                results[index] = value
                if next < count {
                    let index = next
                    group.addTask { (index, try await body(index)) }
                    next += 1
                }
            }
            return results.map { $0! }
        }
    }
}
