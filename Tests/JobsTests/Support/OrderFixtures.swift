import Foundation
import GRPCCore
@testable import Jobs
import Logging
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf

/// Order-area steps: jobs are inserted with SQL so these tests do not depend on
/// PublishJob, and SQL observes what no RPC shows (seats, outbox, proofs).
extension JobsEnv {
    /// Inserts the skill and its ancestors, as the seed would (same codes).
    func insertSkills(_ codes: [String]) async throws {
        try await app.withSchemaConnection { tx in
            for code in codes {
                let parts = code.split(separator: ".").map(String.init)
                for depth in 1...parts.count {
                    let skill = parts.prefix(depth).joined(separator: ".")
                    let parent: String? = depth == 1 ? nil : parts.prefix(depth - 1).joined(separator: ".")
                    try await tx.query(
                        """
                        INSERT INTO skills (code, parent_code, name_zh, name_en) VALUES (\(skill), \(parent), \(skill), \(skill))
                        ON CONFLICT DO NOTHING
                        """)
                }
            }
        }
    }

    /// A job of `enterprise`, inserted directly; `skills` are (code, min level,
    /// weight, essential). Returns it with its id, mode, seats and budget set.
    func insertJob(
        by enterprise: Caller, skills: [(String, Int16, Int16, Bool)] = [("software.mobile.ios", 3, 5, true)],
        mode: Nomad_Jobs_V1_JobMode = .remoteOrder, seats: Int = 1, claimable: Bool = true,
        budgetMinor: Int64 = 800_000, deadline: Date = Date().addingTimeInterval(30 * 86400),
        status: Nomad_Jobs_V1_JobStatus = .open
    ) async throws -> Nomad_Jobs_V1_Job {
        try await insertSkills(skills.map(\.0))
        let id = UUID()
        let enterpriseID = UUID(uuidString: enterprise.id)!
        let mode16 = Int16(mode.rawValue), status16 = Int16(status.rawValue)
        try await app.withSchemaConnection { tx in
            try await tx.query(
                """
                INSERT INTO jobs (id, enterprise_id, title, description, budget_currency, budget_minor, mode, seats,
                  deadline, claimable, status)
                VALUES (\(id), \(enterpriseID), 'iOS app for a Danzhou homestay', 'Build and ship it.', 'CNY',
                  \(budgetMinor), \(mode16), \(seats), \(deadline), \(claimable), \(status16))
                """)
            for skill in skills {
                try await tx.query(
                    """
                    INSERT INTO job_skills (job_id, skill_code, min_level, weight, essential)
                    VALUES (\(id), \(skill.0), \(skill.1), \(skill.2), \(skill.3))
                    """)
            }
        }
        return .with {
            $0.jobID = id.text
            $0.enterpriseID = enterprise.id
            $0.mode = mode
            $0.seats = Int32(seats)
            $0.claimable = claimable
            $0.budget = .with {
                $0.currencyCode = "CNY"; $0.minorUnits = budgetMinor
            }
        }
    }

    /// The job's (status, seats_taken) as stored.
    func seats(of job: Nomad_Jobs_V1_Job) async throws -> (status: Int16, taken: Int) {
        let id = UUID(uuidString: job.jobID)!
        return try await app.withSchemaConnection { tx in
            try await tx.query("SELECT status, seats_taken FROM jobs WHERE id = \(id)").collect().first!.decode((Int16, Int).self)
        }
    }

    /// The payload of the latest outbox event of `type` about `subject`, as JSON text.
    func outboxPayloadJSON(type: String, subject: String) async throws -> [String: Any] {
        let text = try await app.outboxPayloadText(type: type, subject: subject)
        guard let text else { return [:] }
        return (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    /// The nomad's (verified_level, verification) in a skill, nil without one.
    func verified(_ nomad: Caller, _ skill: String) async throws -> (level: Int16, source: Int16)? {
        let id = UUID(uuidString: nomad.id)!
        return try await app.withSchemaConnection { tx in
            try await tx.query(
                """
                SELECT verified_level, verification FROM profile_skills WHERE nomad_id = \(id) AND skill_code = \(skill)
                """
            ).collect().first?.decode((Int16, Int16).self)
        }
    }

    func orderCount(job: Nomad_Jobs_V1_Job) async throws -> Int {
        let id = UUID(uuidString: job.jobID)!
        return try await app.withSchemaConnection { tx in
            try await tx.query("SELECT count(*) FROM orders WHERE job_id = \(id)").collect().first!.decode(Int.self)
        }
    }

    func applyToJob(
        _ job: Nomad_Jobs_V1_Job, by nomad: Caller, note: String = "I have shipped three booking apps.",
        requestID: String = UUID().uuidString
    ) async throws -> Nomad_Jobs_V1_Order {
        try await client.applyToJob(
            .with {
                $0.requestID = requestID
                $0.jobID = job.jobID
                $0.coverNote = note
            }, metadata: nomad.metadata)
    }

    static func contract(
        _ kind: Nomad_Jobs_V1_ContractKind = .serviceOrder, start: ZoneDay = ZoneDay.today(),
        months: Int? = 3
    ) -> Nomad_Jobs_V1_Contract {
        .with {
            $0.kind = kind
            $0.startDate = start.message
            if let months { $0.endDate = start.adding(months: months).adding(days: -1).message }
        }
    }

    func acceptApplication(
        _ order: Nomad_Jobs_V1_Order, by enterprise: Caller, contract: Nomad_Jobs_V1_Contract = JobsEnv.contract(),
        requestID: String = UUID().uuidString
    ) async throws -> Nomad_Jobs_V1_Order {
        try await client.acceptApplication(
            .with {
                $0.requestID = requestID
                $0.orderID = order.orderID
                $0.contract = contract
            }, metadata: enterprise.metadata)
    }

    /// A job of `enterprise` with `nomad`'s accepted application.
    func activeOrder(
        enterprise: Caller, nomad: Caller, mode: Nomad_Jobs_V1_JobMode = .remoteOrder,
        contract: Nomad_Jobs_V1_Contract = JobsEnv.contract(),
        skills: [(String, Int16, Int16, Bool)] = [("software.mobile.ios", 3, 5, true)]
    ) async throws -> (job: Nomad_Jobs_V1_Job, order: Nomad_Jobs_V1_Order) {
        let job = try await insertJob(by: enterprise, skills: skills, mode: mode, claimable: false)
        let applied = try await applyToJob(job, by: nomad)
        return (job, try await acceptApplication(applied, by: enterprise, contract: contract))
    }

    static func milestone(_ title: String, days: Double = 7, amount: Int64 = 100_000, currency: String = "CNY") -> Nomad_Jobs_V1_Milestone {
        .with {
            $0.title = title
            $0.due = .init(date: Date().addingTimeInterval(days * 86400))
            $0.amount = .with {
                $0.currencyCode = currency; $0.minorUnits = amount
            }
        }
    }

    func setMilestones(
        _ order: Nomad_Jobs_V1_Order, _ milestones: [Nomad_Jobs_V1_Milestone], by enterprise: Caller,
        requestID: String = UUID().uuidString
    ) async throws -> Nomad_Jobs_V1_Order {
        try await client.setMilestones(
            .with {
                $0.requestID = requestID
                $0.orderID = order.orderID
                $0.milestones = milestones
            }, metadata: enterprise.metadata)
    }

    static let evidence = String(repeating: "ab", count: 32)

    func submitDelivery(
        _ order: Nomad_Jobs_V1_Order, milestone: Int32 = 0, by nomad: Caller, hash: String = JobsEnv.evidence,
        requestID: String = UUID().uuidString
    ) async throws -> Nomad_Jobs_V1_Order {
        try await client.submitDelivery(
            .with {
                $0.requestID = requestID
                $0.orderID = order.orderID
                $0.milestoneIndex = milestone
                $0.note = "Build 1.0 uploaded to TestFlight."
                $0.evidenceHash = hash
            }, metadata: nomad.metadata)
    }

    func acceptDelivery(
        _ order: Nomad_Jobs_V1_Order, milestone: Int32 = 0, by enterprise: Caller,
        requestID: String = UUID().uuidString
    ) async throws -> Nomad_Jobs_V1_Order {
        try await client.acceptDelivery(
            .with {
                $0.requestID = requestID
                $0.orderID = order.orderID
                $0.milestoneIndex = milestone
            }, metadata: enterprise.metadata)
    }

    func rateOrder(
        _ order: Nomad_Jobs_V1_Order, stars: Int32, by caller: Caller, comment: String = "",
        requestID: String = UUID().uuidString
    ) async throws -> Nomad_Jobs_V1_Order {
        try await client.rateOrder(
            .with {
                $0.requestID = requestID
                $0.orderID = order.orderID
                $0.stars = stars
                $0.comment = comment
            }, metadata: caller.metadata)
    }

    func cancelOrder(
        _ order: Nomad_Jobs_V1_Order, by caller: Caller, reason: String = "Plans changed",
        requestID: String = UUID().uuidString
    ) async throws -> Nomad_Jobs_V1_Order {
        try await client.cancelOrder(
            .with {
                $0.requestID = requestID
                $0.orderID = order.orderID
                $0.reason = reason
            }, metadata: caller.metadata)
    }

    /// An order completed as a whole (no milestones).
    func completedOrder(
        enterprise: Caller, nomad: Caller, mode: Nomad_Jobs_V1_JobMode = .remoteOrder,
        contract: Nomad_Jobs_V1_Contract = JobsEnv.contract()
    ) async throws -> (job: Nomad_Jobs_V1_Job, order: Nomad_Jobs_V1_Order) {
        let (job, order) = try await activeOrder(enterprise: enterprise, nomad: nomad, mode: mode, contract: contract)
        _ = try await submitDelivery(order, by: nomad)
        return (job, try await acceptDelivery(order, by: enterprise))
    }
}
