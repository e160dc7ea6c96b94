import Foundation
import GRPCCore
@testable import Jobs
import Logging
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf

/// Steps the bounty tests share, through the public RPCs, plus direct SQL for
/// what no RPC of this area can arrange (skills in the library, a lead's
/// declared skills, time passing) or observe (outbox rows, the companion job).
extension JobsEnv {

    /// Puts `codes` in the skills library (the seed is another area's work).
    func ensureSkills(_ codes: [String]) async throws {
        try await app.withSchemaConnection { tx in
            for code in codes {
                try await tx.query(
                    """
                    INSERT INTO skills (code, name_zh, name_en) VALUES (\(code), \(code), \(code))
                    ON CONFLICT DO NOTHING
                    """)
            }
        }
    }

    /// Declares `skills` (code, level) on the nomad's profile.
    func declareSkills(of nomad: Caller, _ skills: [(String, Int16)]) async throws {
        try await ensureSkills(skills.map(\.0))
        let id = UUID(uuidString: nomad.id)!
        try await app.withSchemaConnection { tx in
            try await tx.query(
                "INSERT INTO profiles (nomad_id) VALUES (\(id)) ON CONFLICT DO NOTHING")
            for (code, level) in skills {
                try await tx.query(
                    """
                    INSERT INTO profile_skills (nomad_id, skill_code, level) VALUES (\(id), \(code), \(level))
                    ON CONFLICT (nomad_id, skill_code) DO UPDATE SET level = EXCLUDED.level
                    """)
            }
        }
    }

    static func bountyDraft(
        title: String = "Danzhou tourism data labelling",
        places: Int32 = 1, budgetMinor: Int64 = 5_000_000, currency: String = "CNY",
        deadline: Date = Date().addingTimeInterval(14 * 86400),
        kinds: [Nomad_Jobs_V1_ApplicantKind] = [],
        skills: [(String, Int32)] = [], certifiedOnly: Bool = false, maxTeamSize: Int32 = 0,
        milestones: [(String, Date)] = [
            ("Labelling guide", Date().addingTimeInterval(30 * 86400)),
            ("Delivery", Date().addingTimeInterval(60 * 86400)),
        ]
    ) -> Nomad_Jobs_V1_Bounty {
        .with {
            $0.title = title
            $0.description_p = "Label 100k images of Danzhou's coast for a tourism model."
            $0.budget = .with {
                $0.currencyCode = currency; $0.minorUnits = budgetMinor
            }
            $0.deadline = .init(date: deadline)
            $0.qualification = .with { qualification in
                qualification.applicantKinds = kinds
                qualification.requiredSkills = skills.map { skill in
                    .with {
                        $0.skillCode = skill.0; $0.minLevel = skill.1; $0.weight = 5; $0.essential = true
                    }
                }
                qualification.certifiedOnly = certifiedOnly
                qualification.maxTeamSize = maxTeamSize
            }
            $0.winnerPlaces = places
            $0.milestones = milestones.map { milestone in
                .with {
                    $0.title = milestone.0; $0.due = .init(date: milestone.1)
                }
            }
        }
    }

    func publishBounty(
        by publisher: Caller, _ bounty: Nomad_Jobs_V1_Bounty = JobsEnv.bountyDraft(),
        requestID: String = UUID().uuidString
    ) async throws -> Nomad_Jobs_V1_Bounty {
        try await client.publishBounty(
            .with {
                $0.requestID = requestID
                $0.bounty = bounty
            }, metadata: publisher.metadata)
    }

    func submitBountyApplication(
        _ bounty: Nomad_Jobs_V1_Bounty, by nomad: Caller, kind: Nomad_Jobs_V1_ApplicantKind = .individual,
        teamName: String = "", members: [Caller] = [], requestID: String = UUID().uuidString
    ) async throws -> Nomad_Jobs_V1_BountyApplication {
        try await client.submitBountyApplication(
            .with {
                $0.requestID = requestID
                $0.bountyID = bounty.bountyID
                $0.kind = kind
                $0.teamName = teamName
                $0.memberIds = members.map(\.id)
                $0.proposal = "We label with a two-pass review."
            }, metadata: nomad.metadata)
    }

    func reviewBountyApplication(
        _ application: Nomad_Jobs_V1_BountyApplication, by officer: Caller, qualified: Bool = true, reason: String = "",
        requestID: String = UUID().uuidString
    ) async throws -> Nomad_Jobs_V1_BountyApplication {
        try await client.reviewBountyApplication(
            .with {
                $0.requestID = requestID
                $0.applicationID = application.applicationID
                $0.qualified = qualified
                $0.reason = reason
            }, metadata: officer.metadata)
    }

    func claimBounty(
        _ application: Nomad_Jobs_V1_BountyApplication, by nomad: Caller, requestID: String = UUID().uuidString
    ) async throws -> Nomad_Jobs_V1_BountyApplication {
        try await client.claimBounty(
            .with {
                $0.requestID = requestID
                $0.applicationID = application.applicationID
            }, metadata: nomad.metadata)
    }

    func reportBountyProgress(
        _ bounty: Nomad_Jobs_V1_Bounty, by nomad: Caller, milestone: Int32 = 0, percent: Int32, note: String = "on track",
        requestID: String = UUID().uuidString
    ) async throws -> Nomad_Jobs_V1_Bounty {
        try await client.reportBountyProgress(
            .with {
                $0.requestID = requestID
                $0.bountyID = bounty.bountyID
                $0.milestoneIndex = milestone
                $0.progressPercent = percent
                $0.note = note
            }, metadata: nomad.metadata)
    }

    func completeBounty(
        _ bounty: Nomad_Jobs_V1_Bounty, by caller: Caller, rewardMinor: Int64, currency: String = "CNY",
        requestID: String = UUID().uuidString
    ) async throws -> Nomad_Jobs_V1_Bounty {
        try await client.completeBounty(
            .with {
                $0.requestID = requestID
                $0.bountyID = bounty.bountyID
                $0.reward = .with {
                    $0.currencyCode = currency; $0.minorUnits = rewardMinor
                }
            }, metadata: caller.metadata)
    }

    /// A nomad with a qualified individual application to `bounty`.
    func qualifiedApplicant(
        _ bounty: Nomad_Jobs_V1_Bounty, officer: Caller
    ) async throws -> (Caller, Nomad_Jobs_V1_BountyApplication) {
        let nomad = self.nomad()
        let application = try await submitBountyApplication(bounty, by: nomad)
        return (nomad, try await reviewBountyApplication(application, by: officer))
    }

    func listBountyAudit(_ bounty: Nomad_Jobs_V1_Bounty, by caller: Caller) async throws -> [Nomad_Jobs_V1_BountyAuditEntry] {
        try await client.listBountyAudit(
            .with {
                $0.bountyID = bounty.bountyID
                $0.page.pageSize = 100
            }, metadata: caller.metadata
        ).entries
    }

    func bountySQLCount(_ query: PostgresQuery) async throws -> Int {
        try await app.withSchemaConnection { tx in
            try await tx.query(query).collect().first!.decode(Int.self)
        }
    }

    func bountySQLExec(_ query: PostgresQuery) async throws {
        try await app.withSchemaConnection { tx in
            _ = try await tx.query(query).collect()
        }
    }
}
