import Foundation
@testable import Analytics
import NomadKit
import NomadLocal
import NomadProtos
import NomadTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// NOMAD_ANALYTICS_REWARD_TIERS as the executable reads it: defaults when
/// unset, the tiers given otherwise, and a clear refusal of a bad value.
@Suite struct RewardTierConfigTests {
    @Test func unsetMeansTheDefaults() throws {
        #expect(try AnalyticsSettings.rewardTiers(Environment([:])) == .defaults)
        #expect(try AnalyticsSettings.rewardTiers(Environment(["NOMAD_ANALYTICS_REWARD_TIERS": "  "])) == .defaults)
        #expect(
            RewardTiers.defaults.tiers.map(\.code) == ["introduced_10", "introduced_50", "long_contract_5", "flexible_20", "trained_30"])
        // Every criterion has at least one default tier.
        #expect(Set(RewardTiers.defaults.tiers.map(\.criterion)) == Set(RewardCriterionKind.allCases))
    }

    @Test func aGivenValueIsParsedInOrder() throws {
        let tiers = try AnalyticsSettings.rewardTiers(
            Environment([
                "NOMAD_ANALYTICS_REWARD_TIERS": "trained_5:nomads_trained:5, long_1:long_contracts:1,intro_100:nomads_introduced:100"
            ]))
        #expect(
            tiers.tiers == [
                RewardTier(code: "trained_5", criterion: .nomadsTrained, minimum: 5),
                RewardTier(code: "long_1", criterion: .longContracts, minimum: 1),
                RewardTier(code: "intro_100", criterion: .nomadsIntroduced, minimum: 100),
            ])
        #expect(tiers.tiers[0].message.name.zhCn == "培训数字游民达到5人")
        #expect(tiers.tiers[1].message.name.en == "1 contracts of one year or more")
    }

    @Test(arguments: [
        "introduced_20:nomads_introduced",  // no minimum
        "introduced_20:nomads_imported:20",  // unknown criterion
        "introduced_20:nomads_introduced:0",  // minimum below 1
        "introduced_20:nomads_introduced:twenty",  // not a number
        "Introduced:nomads_introduced:20",  // upper case code
        "a:nomads_introduced:1,a:long_contracts:2",  // duplicate code
        "a:nomads_introduced:1,,b:long_contracts:2",  // empty entry
    ])
    func aBadValueIsRefusedNamingTheVariable(_ value: String) {
        do {
            _ = try AnalyticsSettings.rewardTiers(Environment(["NOMAD_ANALYTICS_REWARD_TIERS": value]))
            Issue.record("accepted \(value)")
        } catch let error as ConfigError {
            #expect(error.description.contains("NOMAD_ANALYTICS_REWARD_TIERS"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}

/// The real executable refuses a bad tier configuration before it starts.
@Suite struct RewardTierStartupTests {
    @Test func aBadTierValueStopsNomadAnalyticsWithExitTwo() async throws {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let bundle = String(decoding: buffer[0..<max(0, length)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let executable = URL(fileURLWithPath: bundle).deletingLastPathComponent().appendingPathComponent("nomad-analytics").path
        try #require(FileManager.default.isExecutableFile(atPath: executable), "run `swift build` before `swift test`")
        let stderr = FileManager.default.temporaryDirectory.appendingPathComponent("tiers-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: stderr) }
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("NOMAD_") }
        environment["NOMAD_ANALYTICS_REWARD_TIERS"] = "introduced_20:nomads_imported:20"
        // Nothing to connect to: the configuration is refused before any of it is used.
        environment["NOMAD_DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/none"
        let process = try ChildProcess.spawn(
            name: "analytics-bad-tiers", executable: executable, arguments: [], environment: environment, stderrPath: stderr)
        _ = await process.waitForExit()
        #expect(process.exitCode == 2)
        let message = try String(contentsOfFile: stderr, encoding: .utf8)
        #expect(message.contains("NOMAD_ANALYTICS_REWARD_TIERS"))
        #expect(message.contains("nomads_imported"))
    }
}
