import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NomadKit
import NomadLocal
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The relay as it runs in production: inside the real nomad-jobs executable,
/// configured only by environment variables, two replicas on one schema:
/// 1,000 mutations while analytics is stopped, then analytics started and
/// one replica killed once delivery has begun; every event arrives once.
@Suite struct RelayProcessTests {
    @Test func jobsReplicasRelayExactlyOnceThroughAnOutageAndASIGKILL() async throws {
        let port = try Loopback.portForLater()
        let environment = [
            "NOMAD_ANALYTICS_ADDRESS": "127.0.0.1:\(port)",
            "NOMAD_SERVICE_TOKEN_KEY": AnalyticsEnv.serviceKey.encoded,
            "NOMAD_RELAY_MAX_BACKOFF_SECONDS": "1",
        ]
        let admin = TestKeys.token(for: Principal(accountID: UUID(), role: .admin))
        let prefix = "relay\(UUID().uuidString.prefix(8).lowercased())"
        let count = 1000
        try await withServiceProcesses("nomad-jobs", service: "jobs", count: 2, environment: environment) { replicas, _ in
            // Analytics is not running: every mutation's event waits in the outbox.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<count {
                    let client = Nomad_Jobs_V1_JobsService.Client(wrapping: replicas[i % 2].client)
                    group.addTask {
                        _ = try await client.createSkill(
                            .with {
                                $0.requestID = UUID().text
                                $0.code = "\(prefix)-\(i)"
                                $0.name = .with {
                                    $0.zhCn = "技能\(i)"; $0.en = "skill \(i)"
                                }
                            }, metadata: callMetadata(token: admin))
                    }
                }
                try await group.waitForAll()
            }
            try await withAnalytics(port: port) { analytics in
                let skills = "type = 'jobs.skill.created' AND subject_ids->>'skill_code' LIKE '\(prefix)-%'"
                // Kill one replica without warning as soon as delivery has begun:
                // whatever it held uncommitted is rolled back and goes out again.
                let started = try await eventually { try await analytics.storedCount(skills).rows > 0 }
                #expect(started)
                replicas[0].process.signal(SIGKILL)
                let all = try await eventually { try await analytics.storedCount(skills).rows >= count }
                #expect(all)
                let stored = try await analytics.storedCount(skills)
                #expect(stored.rows == count)
                #expect(stored.distinct == count)
            }
        }
    }
}
