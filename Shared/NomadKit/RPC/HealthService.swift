import GRPCCore
import NomadProtos
import SwiftProtobuf
import Synchronization

/// What the service reports on grpc.health.v1: NOT_SERVING until migrations ran
/// and the database answers, SERVING while it does, NOT_SERVING again while
/// draining. "" names the whole server; each gRPC service is listed by its
/// fully qualified name.
public final class HealthState: Sendable {
    public typealias Status = Grpc_Health_V1_HealthCheckResponse.ServingStatus

    private struct State {
        var statuses: [String: Status]
        var draining = false
        var watchers: [Int: AsyncStream<Status>.Continuation] = [:]
        var nextWatcher = 0
    }

    private let state: Mutex<State>
    private let names: [String]
    private let database = Atomic<Bool>(false)

    public init(serviceNames: [String]) {
        names = [""] + serviceNames
        state = Mutex(State(statuses: Dictionary(uniqueKeysWithValues: names.map { ($0, .notServing) })))
    }

    public func status(of service: String) -> Status? {
        state.withLock { $0.statuses[service] }
    }

    /// Database reachability decides between SERVING and NOT_SERVING, except
    /// while draining, which stays NOT_SERVING.
    public func setServing(_ serving: Bool) {
        database.store(serving, ordering: .relaxed)
        update { state in serving && !state.draining ? .serving : .notServing }
    }

    /// Whether the last database check answered. Calls are refused at once
    /// while it did not, instead of waiting on a pool that cannot connect.
    public var databaseReachable: Bool { database.load(ordering: .relaxed) }

    /// Watchers get NOT_SERVING and their streams end, so open Watch calls
    /// do not hold up the drain.
    public func beginDraining() {
        state.withLock { $0.draining = true }
        update { _ in .notServing }
        // Finish outside the lock: finishing runs onTermination, which locks.
        let watchers = state.withLock { state in
            defer { state.watchers = [:] }
            return Array(state.watchers.values)
        }
        for watcher in watchers { watcher.finish() }
    }

    private func update(_ decide: (State) -> Status) {
        state.withLock { state in
            let status = decide(state)
            for name in names { state.statuses[name] = status }
            for watcher in state.watchers.values { watcher.yield(status) }
        }
    }

    func watch(_ service: String) -> AsyncStream<Status> {
        let (stream, continuation) = AsyncStream.makeStream(of: Status.self, bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { state -> Int? in
            continuation.yield(state.statuses[service] ?? .serviceUnknown)
            // A watch that arrives during a drain gets its one answer and ends.
            if state.draining { return nil }
            let id = state.nextWatcher
            state.nextWatcher += 1
            state.watchers[id] = continuation
            return id
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.watchers.removeValue(forKey: id) }
        }
        return stream
    }
}

/// The standard grpc.health.v1.Health service, open to every caller.
public struct HealthService: Grpc_Health_V1_Health.SimpleServiceProtocol {
    let state: HealthState

    public init(state: HealthState) {
        self.state = state
    }

    public func check(
        request: Grpc_Health_V1_HealthCheckRequest, context: ServerContext
    ) async throws -> Grpc_Health_V1_HealthCheckResponse {
        guard let status = state.status(of: request.service) else {
            throw RPCError(code: .notFound, message: "unknown service \(request.service)")
        }
        return .with { $0.status = status }
    }

    public func watch(
        request: Grpc_Health_V1_HealthCheckRequest,
        response: RPCWriter<Grpc_Health_V1_HealthCheckResponse>,
        context: ServerContext
    ) async throws {
        var last: HealthState.Status?
        for await status in state.watch(request.service) where status != last {
            last = status
            try await response.write(.with { $0.status = status })
        }
    }
}
