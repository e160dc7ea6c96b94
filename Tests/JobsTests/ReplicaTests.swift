import Foundation
import GRPCCore
@testable import Jobs
import NomadKit
import NomadProtos
import NomadTesting
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
            let job = try await clients[0].publishJob(.with {
                $0.requestID = UUID().uuidString
                $0.job = JobsEnv.posting(seats: seats, claimable: true)
            }, metadata: enterprise.metadata)

            let outcomes = await withTaskGroup(of: Result<Nomad_Jobs_V1_Order, RPCError>.self) { group in
                for index in 0..<Self.claims {
                    let client = clients[index % clients.count]
                    group.addTask {
                        let nomad = JobsEnv.caller(.nomad, standing: .certified)
                        do {
                            return .success(try await client.claimJob(.with {
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
}
