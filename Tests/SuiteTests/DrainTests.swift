import Foundation
import GRPCCore
import NomadKit
import NomadLocal
import NomadProtos
import NomadTesting
import PostgresNIO
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// SIGTERM, as Kubernetes and compose stop a container: the process stops
/// taking calls, finishes the ones in flight, and exits 0.
@Suite struct DrainTests {
    @Test func sigtermWithCallsInFlightFailsNoneAndExitsZero() async throws {
        // Registrations hash the password (scrypt at 2^14 here): each call
        // takes long enough that most are still running when the signal comes.
        let members = [SuiteMember("identity", environment: ["NOMAD_PASSWORD_COST_LOG2": "14"])]
        try await WholeSuite.run(members) { suite in
            let service = suite["identity"]
            let identity = IdentityClient(wrapping: try service.client)
            let process = try #require(service.process)
            let calls = 24
            let finished = Finished()
            let tag = UUID().uuidString.prefix(6).lowercased()
            let outcomes = try await withThrowingTaskGroup(of: RPCError.Code?.self) { group in
                for index in 0..<calls {
                    group.addTask {
                        defer { finished.count.add(1, ordering: .sequentiallyConsistent) }
                        do {
                            _ = try await ScenarioIdentity.registerNomad(
                                identity, username: "drain-\(tag)-\(index)", nationality: "FR")
                            return nil
                        } catch let error as RPCError {
                            return error.code
                        }
                    }
                }
                // The signal goes once the server is visibly at work: the
                // first call has come back and the others are on the wire.
                let started = try await eventually(cap: 6000, every: .milliseconds(5)) {
                    finished.count.load(ordering: .sequentiallyConsistent) > 0
                }
                #expect(started)
                process.signal(SIGTERM)
                let doneAtSignal = finished.count.load(ordering: .sequentiallyConsistent)
                #expect(doneAtSignal < calls, "every call had finished before SIGTERM: nothing was in flight")
                var outcomes: [RPCError.Code?] = []
                for try await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
            #expect(outcomes.compactMap { $0 }.isEmpty, "calls failed during the drain: \(outcomes.compactMap { $0 })")
            #expect(await process.waitForExit(timeout: .seconds(60)))
            #expect(process.exitCode == 0, "identity \(process.exitDescription)")
            // Every acknowledged registration is in identity's tables.
            let stored = try await service.withDatabase { tx in
                try await tx.query(
                    "SELECT count(*)::int FROM accounts WHERE username LIKE \("drain-\(tag)-%")"
                ).collect().first!.decode(Int.self)
            }
            #expect(stored == calls)
            await service.stop()
        }
    }
}

/// How many calls have come back, shared by the calling tasks.
final class Finished: Sendable {
    let count = Atomic(0)
}
