import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NomadKit
import NomadProtos
import SwiftProtobuf
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The operations of the jobs load mix.
enum LoadOperation: String, CaseIterable, Sendable {
    case match, list, claim, progress
}

/// What one load run does: the mix, fixed counts and a time bound.
struct LoadPlan: Sendable {
    var requests: Int
    var concurrency: Int
    var timeLimit: Duration
    var mix: [(LoadOperation, Int)]
    /// SIGKILL the last jobs replica once this many requests have started (nil: never).
    var killReplicaAfter: Int?

    /// "match=20,list=40,claim=30,progress=10".
    static func parseMix(_ text: String) throws -> [(LoadOperation, Int)] {
        var mix: [(LoadOperation, Int)] = []
        for part in text.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, let operation = LoadOperation(rawValue: pair[0]), let weight = Int(pair[1]), weight >= 0 else {
                throw CtlError(
                    "--mix expects NAME=WEIGHT,... with NAME one of \(LoadOperation.allCases.map(\.rawValue).joined(separator: ", ")); got \(part)"
                )
            }
            mix.append((operation, weight))
        }
        guard mix.contains(where: { $0.1 > 0 }) else { throw CtlError("--mix needs at least one positive weight") }
        return mix
    }
}

/// The data a run works on: seeded through the public RPCs.
struct LoadWorld: Sendable {
    let jobIDs: [String]
    let nomads: [String]
    let nomadTokens: [String]
    let enterpriseToken: String
    let skills: [String]
}

/// A claim the service acknowledged (OK): it must be in the database at the end.
struct AcknowledgedClaim: Sendable {
    let orderID: String
    let nomadIndex: Int
}

/// Hands out call numbers to the workers.
final class Ticket: Sendable {
    private let next = Atomic<Int>(0)

    func take() -> Int { next.wrappingAdd(1, ordering: .relaxed).oldValue }
}

/// Set once, read by anyone.
final class OnceFlag: Sendable {
    private let value = Atomic<Bool>(false)

    /// True for the first caller only.
    func set() -> Bool { value.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged }

    var isSet: Bool { value.load(ordering: .relaxed) }
}

/// Latencies and outcomes, per operation.
final class LoadStats: Sendable {
    private struct State {
        var latencies: [LoadOperation: [Double]] = [:]
        var outcomes: [String: Int] = [:]
        var retries = 0
        var acknowledged: [AcknowledgedClaim] = []
        var deliverable: [AcknowledgedClaim] = []
    }

    private let state = Mutex(State())

    func record(_ operation: LoadOperation, seconds: Double, outcome: String) {
        state.withLock {
            $0.latencies[operation, default: []].append(seconds * 1000)
            $0.outcomes["\(operation.rawValue) \(outcome)", default: 0] += 1
        }
    }

    func retried() { state.withLock { $0.retries += 1 } }

    func acknowledge(_ claim: AcknowledgedClaim) {
        state.withLock {
            $0.acknowledged.append(claim)
            $0.deliverable.append(claim)
        }
    }

    /// An acknowledged order nobody has delivered yet, if any.
    func takeDeliverable() -> AcknowledgedClaim? {
        state.withLock { $0.deliverable.popLast() }
    }

    var latencies: [LoadOperation: [Double]] { state.withLock { $0.latencies } }
    var outcomes: [String: Int] { state.withLock { $0.outcomes } }
    var retries: Int { state.withLock { $0.retries } }
    var acknowledged: [AcknowledgedClaim] { state.withLock { $0.acknowledged } }
}

/// Drives the jobs replicas through one client that balances round-robin
/// over their addresses, as a department's gRPC client would.
struct LoadRunner: Sendable {
    let client: Nomad_Jobs_V1_JobsService.Client<HTTP2ClientTransport.Posix>
    let world: LoadWorld
    let stats = LoadStats()

    /// Refusals the mix provokes on purpose: a full job, a second claim by the
    /// same nomad, a delivery already made. Anything else counts as an error.
    static let expectedRefusals: Set<RPCError.Code> = [.failedPrecondition, .alreadyExists]
    /// Worth retrying with the same request_id: the call may or may not have
    /// reached a replica (one was killed, or a connection reset).
    static let retriable: Set<RPCError.Code> = [.unavailable, .deadlineExceeded, .unknown, .internalError, .aborted, .cancelled]

    func run(_ plan: LoadPlan, onRequest: @escaping @Sendable (Int) -> Void = { _ in }) async -> Duration {
        let started = ContinuousClock.now
        let deadline = started + plan.timeLimit
        let next = Ticket()
        let totalWeight = plan.mix.reduce(0) { $0 + $1.1 }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<plan.concurrency {
                group.addTask {
                    var generator = SystemRandomNumberGenerator()
                    while true {
                        let index = next.take()
                        guard index < plan.requests, ContinuousClock.now < deadline else { return }
                        onRequest(index)
                        var pick = Int.random(in: 0..<totalWeight, using: &generator)
                        var operation = plan.mix[0].0
                        for (candidate, weight) in plan.mix {
                            if pick < weight { operation = candidate; break }
                            pick -= weight
                        }
                        await perform(operation, using: &generator)
                    }
                }
            }
        }
        return ContinuousClock.now - started
    }

    private func perform(_ operation: LoadOperation, using generator: inout SystemRandomNumberGenerator) async {
        let nomadIndex = Int.random(in: 0..<world.nomads.count, using: &generator)
        let requestID = UUID().uuidString
        switch operation {
        case .list:
            let skill = world.skills.randomElement(using: &generator)!
            await call(operation) { options in
                _ = try await client.listJobs(
                    .with {
                        $0.skillCode = skill
                        $0.page = .with { $0.pageSize = 20 }
                    }, metadata: bearer(world.enterpriseToken), options: options)
            }
        case .match:
            await call(operation) { options in
                _ = try await client.matchJobs(
                    .with { $0.limit = 20 },
                    metadata: bearer(world.nomadTokens[nomadIndex]), options: options)
            }
        case .claim:
            let jobID = world.jobIDs.randomElement(using: &generator)!
            let order = await call(operation) { options in
                try await client.claimJob(
                    .with {
                        $0.requestID = requestID
                        $0.jobID = jobID
                    }, metadata: bearer(world.nomadTokens[nomadIndex]), options: options)
            }
            if let order { stats.acknowledge(AcknowledgedClaim(orderID: order.orderID, nomadIndex: nomadIndex)) }
        case .progress:
            guard let claim = stats.takeDeliverable() else {
                // Nothing claimed yet: a read keeps the mix's pace.
                await perform(.list, using: &generator)
                return
            }
            await call(operation) { options in
                _ = try await client.submitDelivery(
                    .with {
                        $0.requestID = requestID
                        $0.orderID = claim.orderID
                        $0.note = "load run delivery"
                        $0.evidenceHash = String(repeating: "ab", count: 32)
                    }, metadata: bearer(world.nomadTokens[claim.nomadIndex]), options: options)
            }
        }
    }

    /// One logical call: retried with the same request (so the same
    /// request_id) while the failure says the replica may be gone.
    @discardableResult
    private func call<Response: Sendable>(
        _ operation: LoadOperation, _ body: (CallOptions) async throws -> Response
    ) async -> Response? {
        var options = CallOptions.defaults
        options.timeout = .seconds(10)
        let started = ContinuousClock.now
        var attempt = 0
        while true {
            do {
                let response = try await body(options)
                stats.record(operation, seconds: seconds(since: started), outcome: "OK")
                return response
            } catch let error as RPCError where Self.retriable.contains(error.code) && attempt < 6 {
                attempt += 1
                stats.retried()
                try? await Task.sleep(for: .milliseconds(25 << attempt))
            } catch let error as RPCError {
                stats.record(operation, seconds: seconds(since: started), outcome: error.code.statusName)
                return nil
            } catch {
                stats.record(operation, seconds: seconds(since: started), outcome: "client error")
                return nil
            }
        }
    }

    private func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
