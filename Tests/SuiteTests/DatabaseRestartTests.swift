import Foundation
import GRPCCore
import NomadKit
import NomadLocal
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Synchronization
import Testing

/// PostgreSQL restarted under light load (a failover, a minor upgrade): every
/// service reports NOT_SERVING while it is away and SERVING again by itself
/// once it is back, and every write a caller saw acknowledged is still there.
/// Runs on a cluster of its own, since it stops it.
@Suite struct DatabaseRestartTests {
    @Test func servicesGoNotServingAndRecoverWithNoAcknowledgedWriteLost() async throws {
        let base = NSTemporaryDirectory() + "nomad-restart-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: base) }
        let first = try LocalPostgres.start(.init(baseDirectory: base))
        let port = first.port
        let second = Mutex<LocalPostgres?>(nil)
        defer { second.withLock { $0?.stop() } }
        try await WholeSuite.run(databaseURL: first.url()) { suite in
            let identity = IdentityClient(wrapping: try suite["identity"].client)
            let jobs = JobsClient(wrapping: try suite["jobs"].client)
            let enterprise = TestCaller.make(.enterprise)
            let tag = UUID().uuidString.prefix(6).lowercased()
            let load = LightLoad(callers: ["identity", "jobs"])

            let writers = Task {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        await load.loop("identity") { index in
                            try await ScenarioIdentity.registerNomad(
                                identity, username: "restart-\(tag)-\(index)", nationality: "DE", options: LightLoad.options
                            ).id
                        }
                    }
                    group.addTask {
                        await load.loop("jobs") { index in
                            try await jobs.publishJob(
                                .with {
                                    $0.requestID = UUID().text
                                    $0.job = .with {
                                        $0.title = "Remote data cleaning \(index)"
                                        $0.description_p = "Cleaning Danzhou's tourism records."
                                        $0.requiredSkills = [
                                            .with {
                                                $0.skillCode = "software.mobile.ios"; $0.minLevel = 2; $0.weight = 3
                                            }
                                        ]
                                        $0.budget = .with {
                                            $0.currencyCode = "CNY"; $0.minorUnits = 200_000
                                        }
                                        $0.mode = .remoteOrder
                                        $0.seats = 1
                                        $0.deadline = .init(date: Date().addingTimeInterval(30 * 86400))
                                        $0.languages = ["zh-CN"]
                                    }
                                }, metadata: enterprise.metadata, options: LightLoad.options
                            ).jobID
                        }
                    }
                }
            }
            defer { writers.cancel() }

            #expect(try await eventually { load.acknowledged(atLeast: 3) }, "no writes acknowledged before the restart")
            let members = WholeSuite.services.map { suite[$0] }
            first.stop()
            let away = try await eventually(cap: 900, every: .milliseconds(100)) {
                for member in members where await WholeSuite.health(member) != .notServing { return false }
                return true
            }
            #expect(away, "not every service reported NOT_SERVING while PostgreSQL was away")

            second.withLock { $0 = nil }
            let restarted = try LocalPostgres.start(.init(port: port, baseDirectory: base))
            second.withLock { $0 = restarted }
            let clock = ContinuousClock()
            let back = clock.now
            let recovered = try await eventually(cap: 900, every: .milliseconds(100)) {
                for member in members where await WholeSuite.health(member) != .serving { return false }
                return true
            }
            #expect(recovered, "not every service came back to SERVING by itself")
            print("DatabaseRestartTests: every service SERVING again \(clock.now - back) after PostgreSQL was back")

            // Writes go through again after the restart, then the load stops.
            let marks = load.counts()
            #expect(
                try await eventually(cap: 1200) { load.acknowledged(beyond: marks, atLeast: 3) },
                "no writes acknowledged after the restart")
            writers.cancel()
            await writers.value

            let admin = TestCaller.make(.admin)
            let accounts = load.ids("identity")
            let postings = load.ids("jobs")
            for id in accounts {
                _ = try await identity.getAccount(.with { $0.accountID = id }, metadata: admin.metadata)
            }
            for id in postings {
                _ = try await jobs.getJob(.with { $0.jobID = id }, metadata: admin.metadata)
            }
            print(
                "DatabaseRestartTests: \(accounts.count) registrations and \(postings.count) jobs acknowledged, all found; \(load.failures()) calls failed while the database was away"
            )
        }
    }
}

/// Callers writing one at a time, a few a second each, keeping the ids of
/// what was acknowledged. Failures while the database is away are expected
/// and only counted.
final class LightLoad: Sendable {
    static let options: CallOptions = {
        var options = CallOptions.defaults
        options.timeout = .seconds(5)
        return options
    }()

    let callers: [String]
    private let state = Mutex<(acknowledged: [String: [String]], failed: Int)>(([:], 0))

    init(callers: [String]) {
        self.callers = callers
    }

    func loop(_ name: String, _ write: @Sendable (Int) async throws -> String) async {
        var index = 0
        while !Task.isCancelled {
            index += 1
            do {
                let id = try await write(index)
                state.withLock { $0.acknowledged[name, default: []].append(id) }
            } catch {
                state.withLock { $0.failed += 1 }
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    func ids(_ name: String) -> [String] { state.withLock { $0.acknowledged[name] ?? [] } }
    func failures() -> Int { state.withLock { $0.failed } }
    func counts() -> [String: Int] { state.withLock { $0.acknowledged.mapValues(\.count) } }

    /// Whether every caller has had `atLeast` writes acknowledged beyond `marks`.
    func acknowledged(beyond marks: [String: Int] = [:], atLeast: Int) -> Bool {
        state.withLock { state in
            callers.allSatisfy { (state.acknowledged[$0]?.count ?? 0) - (marks[$0] ?? 0) >= atLeast }
        }
    }
}
