import Foundation
import GRPCCore
@testable import Jobs
import Logging
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

/// Two jobs replicas as separate processes against one database, as the
/// service runs when scaled out: seats and winners are decided in the
/// database, so which replica a claim lands on must not matter.
@Suite struct ReplicaTests {
    static let claims = 200

    @Test(arguments: [Int32(1), 5])
    func concurrentClaimsThroughTwoReplicasNeverExceedTheSeats(seats: Int32) async throws {
        try await withServiceProcesses("nomad-jobs", service: "jobs", count: 2) { replicas, _ in
            let clients = replicas.map { JobsClient(wrapping: $0.client) }
            let enterprise = JobsEnv.caller(.enterprise)
            let job = try await clients[0].publishJob(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.job = JobsEnv.posting(seats: seats, claimable: true)
                }, metadata: enterprise.metadata)

            let outcomes = await withTaskGroup(of: Result<Nomad_Jobs_V1_Order, RPCError>.self) { group in
                for index in 0..<Self.claims {
                    let client = clients[index % clients.count]
                    group.addTask {
                        let nomad = JobsEnv.caller(.nomad, standing: .certified)
                        do {
                            return .success(
                                try await client.claimJob(
                                    .with {
                                        $0.requestID = UUID().uuidString
                                        $0.jobID = job.jobID
                                    }, metadata: nomad.metadata))
                        } catch let error as RPCError {
                            return .failure(error)
                        } catch {
                            return .failure(RPCError(code: .unknown, message: "\(error)"))
                        }
                    }
                }
                var all: [Result<Nomad_Jobs_V1_Order, RPCError>] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            let winners = outcomes.compactMap { try? $0.get() }
            let refusals = outcomes.compactMap { if case .failure(let error) = $0 { error } else { nil } }
            #expect(winners.count == Int(seats))
            #expect(Set(winners.map(\.nomadID)).count == Int(seats))
            #expect(refusals.count == Self.claims - Int(seats))
            #expect(refusals.allSatisfy { $0.code == .failedPrecondition }, "\(Set(refusals.map(\.code)))")

            // Both replicas read the same truth back.
            for client in clients {
                let stored = try await client.getJob(.with { $0.jobID = job.jobID }, metadata: enterprise.metadata)
                #expect(stored.seatsTaken == seats)
                #expect(stored.status == .filled)
            }
        }
    }

    /// A client's retry may land on another replica: the stored response is
    /// sealed with the suite's data key (NOMAD_DATA_KEYS), which every replica
    /// holds, so the other replica opens it and answers the same. ClaimJob,
    /// done in one statement, stores the facts its response is built from
    /// (ids and a time, no personal number) as JSON instead.
    @Test func aRetryOnAnotherReplicaReplaysTheSealedResponse() async throws {
        try await withServiceProcesses("nomad-jobs", service: "jobs", count: 2) { replicas, schema in
            let clients = replicas.map { JobsClient(wrapping: $0.client) }
            let enterprise = JobsEnv.caller(.enterprise)
            let publish = Nomad_Jobs_V1_PublishJobRequest.with {
                $0.requestID = UUID().uuidString
                $0.job = JobsEnv.posting(seats: 2, claimable: true)
            }
            let published = try await clients[0].publishJob(publish, metadata: enterprise.metadata)
            #expect(try await clients[1].publishJob(publish, metadata: enterprise.metadata) == published)

            let nomad = JobsEnv.caller(.nomad, standing: .certified)
            let claim = Nomad_Jobs_V1_ClaimJobRequest.with {
                $0.requestID = UUID().uuidString
                $0.jobID = published.jobID
            }
            let order = try await clients[1].claimJob(claim, metadata: nomad.metadata)
            #expect(try await clients[0].claimJob(claim, metadata: nomad.metadata) == order)
            // The retry changed nothing: one seat taken, one job.
            let job = try await clients[0].getJob(.with { $0.jobID = published.jobID }, metadata: enterprise.metadata)
            #expect(job.seatsTaken == 1)

            // Both stored responses are sealed with the suite's key, not plain protobuf.
            let logger = Logger(label: "jobs-tests.replicas")
            let client = try Database.makeClient(url: try TestDatabase.baseURL(), schema: schema, poolSize: 1, logger: logger)
            let stored = try await withThrowingTaskGroup(of: [Data]?.self) { group in
                group.addTask {
                    await client.run()
                    return nil
                }
                defer { group.cancelAll() }
                return try await client.withConnection { connection in
                    var rows: [Data] = []
                    for try await response in try await connection.query(
                        """
                        SELECT response FROM idempotency_keys WHERE request_id = \(publish.requestID)
                        """, logger: logger
                    ).decode(Data.self) { rows.append(response) }
                    for try await result in try await connection.query(
                        """
                        SELECT result::text FROM idempotency_keys WHERE request_id = \(claim.requestID) AND response IS NULL
                        """, logger: logger
                    ).decode(String.self) { rows.append(Data(result.utf8)) }
                    return rows
                }
            }
            #expect(stored.count == 2)
            #expect(stored.first.map { DataProtection.keyID(of: $0) == TestKeys.dataKey.id } == true)
            let claimResult = try JSONSerialization.jsonObject(with: stored.last ?? Data()) as? [String: Any]
            #expect(
                Set(claimResult?.keys ?? [:].keys) == ["order_id", "enterprise_id", "contract_kind", "contract_start", "signed_at_micros"])
            #expect(claimResult?["order_id"] as? String == order.orderID)
        }
    }

    @Test func concurrentBountyClaimsThroughTwoReplicasHaveOneWinner() async throws {
        try await withServiceProcesses("nomad-jobs", service: "jobs", count: 2) { replicas, _ in
            let clients = replicas.map { JobsClient(wrapping: $0.client) }
            let publisher = JobsEnv.caller(.enterprise)
            let officer = JobsEnv.caller(.officer, department: "science_industry")
            let bounty = try await clients[1].publishBounty(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.bounty = JobsEnv.bountyDraft(places: 1)
                }, metadata: publisher.metadata)

            // 200 nomads apply and are qualified, spread over both replicas.
            let applicants = try await withThrowingTaskGroup(of: (JobsEnv.Caller, Nomad_Jobs_V1_BountyApplication).self) { group in
                for index in 0..<Self.claims {
                    let client = clients[index % clients.count]
                    group.addTask {
                        let nomad = JobsEnv.caller(.nomad, standing: .certified)
                        let submitted = try await client.submitBountyApplication(
                            .with {
                                $0.requestID = UUID().uuidString
                                $0.bountyID = bounty.bountyID
                                $0.kind = .individual
                                $0.proposal = "We label with a two-pass review."
                            }, metadata: nomad.metadata)
                        let qualified = try await client.reviewBountyApplication(
                            .with {
                                $0.requestID = UUID().uuidString
                                $0.applicationID = submitted.applicationID
                                $0.qualified = true
                            }, metadata: officer.metadata)
                        return (nomad, qualified)
                    }
                }
                var all: [(JobsEnv.Caller, Nomad_Jobs_V1_BountyApplication)] = []
                for try await applicant in group { all.append(applicant) }
                return all
            }

            let codes = await concurrentOutcomes(
                applicants.enumerated().map { index, applicant in
                    let client = clients[index % clients.count]
                    return {
                        _ = try await client.claimBounty(
                            .with {
                                $0.requestID = UUID().uuidString
                                $0.applicationID = applicant.1.applicationID
                            }, metadata: applicant.0.metadata)
                    }
                })
            #expect(codes.filter { $0 == nil }.count == 1)
            #expect(codes.compactMap { $0 }.allSatisfy { $0 == .failedPrecondition })
            for client in clients {
                let stored = try await client.getBounty(.with { $0.bountyID = bounty.bountyID }, metadata: publisher.metadata)
                #expect(stored.winnerApplicationIds.count == 1)
                #expect(stored.status == .inProgress)
            }
        }
    }
}
