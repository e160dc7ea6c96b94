import Foundation
import GRPCCore
@testable import Jobs
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

/// Many qualified applicants claim at once, as they would across replicas:
/// the database alone decides the winners.
@Suite struct BountyConcurrencyTests {
    enum Outcome: Sendable {
        case won(String)
        case refused(RPCError.Code)
        case failed(String)
    }

    /// `count` nomads, each with a qualified individual application.
    func qualifiedApplicants(
        _ env: JobsEnv, bounty: Nomad_Jobs_V1_Bounty, count: Int
    ) async throws -> [(JobsEnv.Caller, Nomad_Jobs_V1_BountyApplication)] {
        let officer = env.officer()
        return try await withThrowingTaskGroup(of: (JobsEnv.Caller, Nomad_Jobs_V1_BountyApplication).self) { group in
            for _ in 0..<count {
                group.addTask { try await env.qualifiedApplicant(bounty, officer: officer) }
            }
            var all: [(JobsEnv.Caller, Nomad_Jobs_V1_BountyApplication)] = []
            for try await pair in group { all.append(pair) }
            return all
        }
    }

    /// Every applicant claims at the same time.
    func claimAll(_ env: JobsEnv, _ applicants: [(JobsEnv.Caller, Nomad_Jobs_V1_BountyApplication)]) async -> [Outcome] {
        await withTaskGroup(of: Outcome.self) { group in
            for (nomad, application) in applicants {
                group.addTask {
                    do {
                        return .won(try await env.claimBounty(application, by: nomad).applicationID)
                    } catch let error as RPCError {
                        return .refused(error.code)
                    } catch {
                        return .failed("\(error)")
                    }
                }
            }
            var outcomes: [Outcome] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
    }

    func check(_ env: JobsEnv, places: Int, applicants: Int) async throws {
        let bounty = try await env.publishBounty(by: env.enterprise(), JobsEnv.bountyDraft(places: Int32(places)))
        let pairs = try await qualifiedApplicants(env, bounty: bounty, count: applicants)
        let outcomes = await claimAll(env, pairs)

        var winners: [String] = [], refusals: [RPCError.Code] = [], failures: [String] = []
        for outcome in outcomes {
            switch outcome {
            case .won(let id): winners.append(id)
            case .refused(let code): refusals.append(code)
            case .failed(let text): failures.append(text)
            }
        }
        #expect(winners.count == places)
        #expect(refusals.count == applicants - places)
        #expect(refusals.allSatisfy { $0 == .failedPrecondition }, "\(Set(refusals.map { "\($0)" }))")
        #expect(failures.isEmpty, "\(failures.prefix(3))")

        let read = try await env.client.getBounty(.with { $0.bountyID = bounty.bountyID }, metadata: env.officer().metadata)
        #expect(read.status == .inProgress)
        #expect(Set(read.winnerApplicationIds) == Set(winners) && read.winnerApplicationIds.count == places)
        let id = UUID(uuidString: bounty.bountyID)!
        #expect(
            try await env.bountySQLCount(
                "SELECT count(*) FROM bounty_applications WHERE bounty_id = \(id) AND status = 4") == places)
        #expect(
            try await env.bountySQLCount(
                "SELECT count(*) FROM bounty_applications WHERE bounty_id = \(id) AND status = 5") == applicants - places)
        #expect(
            try await env.bountySQLCount(
                """
                SELECT count(*) FROM jobs j JOIN bounties b ON b.job_id = j.id
                WHERE b.id = \(id) AND j.seats_taken = \(places) AND j.status = 3
                """) == 1)
        #expect(try await env.app.outboxCount(type: "jobs.bounty.won", subject: bounty.bountyID) == places)
        #expect(
            try await env.bountySQLCount(
                "SELECT count(*) FROM bounty_audit WHERE bounty_id = \(id) AND action = 'application.won'") == places)
    }

    @Test func twoHundredClaimsOnASingleWinnerBountyLeaveExactlyOneWinner() async throws {
        try await withJobs { env in try await check(env, places: 1, applicants: 200) }
    }

    @Test func aThreeWinnerBountyTakesExactlyThree() async throws {
        try await withJobs { env in try await check(env, places: 3, applicants: 60) }
    }
}
