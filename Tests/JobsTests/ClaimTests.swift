import Foundation
import GRPCCore
@testable import Jobs
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

@Suite("Claiming jobs")
struct ClaimTests {
    /// Fires one claim per nomad at once; returns the successful orders and
    /// the codes of the refusals.
    static func claimAtOnce(
        _ env: JobsEnv, job: Nomad_Jobs_V1_Job, nomads: Int
    ) async throws -> (orders: [Nomad_Jobs_V1_Order], refusals: [RPCError.Code]) {
        let callers = (0..<nomads).map { _ in env.nomad() }
        return try await withThrowingTaskGroup(of: Result<Nomad_Jobs_V1_Order, RPCError>.self) { group in
            for caller in callers {
                group.addTask {
                    do { return .success(try await env.claimJob(job, by: caller)) } catch let error as RPCError { return .failure(error) }
                }
            }
            var orders: [Nomad_Jobs_V1_Order] = [], refusals: [RPCError.Code] = []
            for try await outcome in group {
                switch outcome {
                case .success(let order): orders.append(order)
                case .failure(let error): refusals.append(error.code)
                }
            }
            return (orders, refusals)
        }
    }

    @Test("200 nomads claim a single-seat job at once: exactly one gets it")
    func singleSeatRace() async throws {
        try await withJobs { env in
            let job = try await env.insertJob(by: env.enterprise(), seats: 1, claimable: true)
            let (orders, refusals) = try await Self.claimAtOnce(env, job: job, nomads: 200)
            #expect(orders.count == 1)
            #expect(refusals.count == 199 && refusals.allSatisfy { $0 == .failedPrecondition })
            #expect(try await env.orderCount(job: job) == 1)
            #expect(try await env.seats(of: job) == (2, 1))
            #expect(orders.first?.status == .active)
        }
    }

    @Test("200 nomads claim a 5-seat job at once: exactly five get it and the job is filled")
    func fiveSeatRace() async throws {
        try await withJobs { env in
            let job = try await env.insertJob(by: env.enterprise(), seats: 5, claimable: true)
            let (orders, refusals) = try await Self.claimAtOnce(env, job: job, nomads: 200)
            #expect(orders.count == 5)
            #expect(Set(orders.map(\.nomadID)).count == 5)
            #expect(refusals.count == 195 && refusals.allSatisfy { $0 == .failedPrecondition })
            #expect(try await env.orderCount(job: job) == 5)
            #expect(try await env.seats(of: job) == (2, 5))
        }
    }

    @Test("a claim retried with the same request_id returns the same order and takes one seat")
    func idempotentClaim() async throws {
        try await withJobs { env in
            let nomad = env.nomad()
            let job = try await env.insertJob(by: env.enterprise(), seats: 3, claimable: true)
            let requestID = UUID().uuidString
            let first = try await env.claimJob(job, by: nomad, requestID: requestID)
            let retries = try await withThrowingTaskGroup(of: Nomad_Jobs_V1_Order.self) { group in
                for _ in 0..<10 { group.addTask { try await env.claimJob(job, by: nomad, requestID: requestID) } }
                var orders: [Nomad_Jobs_V1_Order] = []
                for try await order in group { orders.append(order) }
                return orders
            }
            #expect(retries.allSatisfy { $0 == first })
            #expect(try await env.seats(of: job) == (1, 1))
            #expect(try await env.app.outboxCount(type: "jobs.claim.accepted", subject: first.orderID) == 1)
            // A new request by the same nomad is a second live order: refused.
            await expectRPCError(.alreadyExists) { _ = try await env.claimJob(job, by: nomad) }
            #expect(try await env.seats(of: job) == (1, 1))
        }
    }

    @Test("claims are refused on closed, full, late, unclaimable or missing jobs")
    func refusals() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise(), nomad = env.nomad()
            let closed = try await env.insertJob(by: enterprise, status: .closed)
            await expectRPCError(.failedPrecondition) { _ = try await env.claimJob(closed, by: nomad) }
            let unclaimable = try await env.insertJob(by: enterprise, claimable: false)
            let zh = await expectRPCError(.failedPrecondition) {
                _ = try await env.client.claimJob(
                    .with {
                        $0.requestID = UUID().uuidString; $0.jobID = unclaimable.jobID
                    }, metadata: nomad.metadata(language: "zh-CN"))
            }
            #expect(zh?.contains("不接受直接接单") == true)
            let late = try await env.insertJob(by: enterprise, deadline: Date().addingTimeInterval(-60))
            await expectRPCError(.failedPrecondition) { _ = try await env.claimJob(late, by: nomad) }
            await expectRPCError(.notFound) { _ = try await env.claimJob(.with { $0.jobID = UUID().uuidString }, by: nomad) }
            await expectRPCError(.invalidArgument) { _ = try await env.claimJob(.with { $0.jobID = "x" }, by: nomad) }
            let full = try await env.insertJob(by: enterprise, seats: 1)
            _ = try await env.claimJob(full, by: env.nomad())
            await expectRPCError(.failedPrecondition) { _ = try await env.claimJob(full, by: nomad) }
            for job in [closed, unclaimable, late] { #expect(try await env.orderCount(job: job) == 0) }
        }
    }

    /// A retry arriving after an upgrade: the first call took the
    /// many-statement path and stored a sealed response; `claim_job` finds
    /// that key, and the service answers with the stored response.
    @Test("a retry of a claim answered before the one-statement path gets the stored response back")
    func retryAcrossTheUpgrade() async throws {
        try await withJobs { env in
            let nomad = env.nomad()
            let job = try await env.insertJob(by: env.enterprise(), seats: 3, claimable: true)
            let request = Nomad_Jobs_V1_ClaimJobRequest.with {
                $0.requestID = UUID().uuidString
                $0.jobID = job.jobID
            }
            let earlier = Nomad_Jobs_V1_Order.with {
                $0.orderID = UUID().uuidString.lowercased()
                $0.jobID = job.jobID
                $0.nomadID = nomad.id
                $0.status = .active
            }
            try await env.app.storeEarlierResponse(
                earlier, method: "ClaimJob", requestID: request.requestID, request: request, callerID: nomad.id)
            #expect(try await env.client.claimJob(request, metadata: nomad.metadata) == earlier)
            #expect(try await env.seats(of: job) == (1, 0))
        }
    }

    /// The function writes its outbox row in SQL, yet the row keeps the
    /// caller's trace (the statement sets it for the outbox's default), and a
    /// call in no trace leaves nothing behind for the next statement.
    @Test("a claim's outbox event keeps the trace of the call that made it")
    func claimEventKeepsTheTrace() async throws {
        try await withJobs { env in
            let job = try await env.insertJob(by: env.enterprise(), seats: 3, claimable: true)
            let trace = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
            let nomad = env.nomad()
            var metadata = nomad.metadata
            metadata.addString("00-\(trace)-00f067aa0ba902b7-01", forKey: "traceparent")
            let traced = try await env.client.claimJob(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.jobID = job.jobID
                }, metadata: metadata)
            let untraced = try await env.claimJob(job, by: env.nomad())
            let stored = try await env.app.withSchemaConnection { tx in
                var found: [String: String?] = [:]
                let rows = try await tx.query(
                    """
                    SELECT subject_ids->>'order_id', traceparent FROM outbox WHERE type = 'jobs.claim.accepted'
                    """)
                for try await (order, traceparent) in rows.decode((String, String?).self) { found[order] = traceparent }
                return found
            }
            let tracedParent = try #require(stored[traced.orderID] ?? nil)
            #expect(tracedParent.hasPrefix("00-\(trace)-"))
            #expect(stored[untraced.orderID] != nil)
            #expect(stored[untraced.orderID]??.contains(trace) != true)
        }
    }

    /// A claim is a signed contract: it emits the event an accepted
    /// application emits, which analytics counts (filled jobs, nomads introduced).
    @Test("a claim emits jobs.contract.signed like an accepted application")
    func claimSignsAContract() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise()
            let job = try await env.insertJob(by: enterprise, mode: .flexible, seats: 2)
            let nomad = env.nomad()
            let order = try await env.claimJob(job, by: nomad)
            let events = try await env.app.withSchemaConnection { tx in
                var found: [[String]] = []
                let rows = try await tx.query(
                    """
                    SELECT type, subject_ids->>'nomad_id', subject_ids->>'enterprise_id', payload->>'kind',
                           payload->>'start', payload->>'long_term', payload->>'seats_taken'
                    FROM outbox WHERE subject_ids->>'order_id' = \(order.orderID) ORDER BY type
                    """)
                for try await (type, nomadID, enterpriseID, kind, start, longTerm, seatsTaken)
                    in rows.decode((String, String, String, String?, String?, String?, String?).self)
                {
                    found.append([type, nomadID, enterpriseID, kind ?? "", start ?? "", longTerm ?? "", seatsTaken ?? ""])
                }
                return found
            }
            #expect(events.map { $0[0] } == ["jobs.claim.accepted", "jobs.contract.signed"])
            let signed = try #require(events.last)
            #expect(signed[1] == nomad.id && signed[2] == enterprise.id)
            #expect(signed[3] == "\(Nomad_Jobs_V1_ContractKind.flexible.rawValue)")
            #expect(signed[4] == ZoneDay.today().iso && signed[5] == "false" && signed[6] == "1")
        }
    }

    @Test("cancelling a claimed order reopens the filled job for the next claim")
    func cancelReopens() async throws {
        try await withJobs { env in
            let job = try await env.insertJob(by: env.enterprise(), mode: .flexible, seats: 1)
            let nomad = env.nomad()
            let order = try await env.claimJob(job, by: nomad)
            #expect(order.contract.kind == .flexible)
            #expect(try await env.seats(of: job) == (2, 1))
            _ = try await env.cancelOrder(order, by: nomad)
            #expect(try await env.seats(of: job) == (1, 0))
            #expect(try await env.claimJob(job, by: env.nomad()).status == .active)
            #expect(try await env.seats(of: job) == (2, 1))
        }
    }
}
