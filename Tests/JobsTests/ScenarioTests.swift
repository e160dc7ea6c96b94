import Foundation
import GRPCCore
@testable import Jobs
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

extension JobsEnv {
    static func scenario(skill: String = "software.mobile.ios", level: Int32 = 3, hours: Int32 = 40) -> Nomad_Jobs_V1_Scenario {
        .with {
            $0.skillCode = skill
            $0.level = level
            $0.title = .with {
                $0.zhCn = "民宿预订 App 实训"; $0.en = "Homestay booking app lab"
            }
            $0.description_p = .with {
                $0.zhCn = "在真实项目中交付"; $0.en = "Ship a real project"
            }
            $0.provider = "Danzhou Digital Nomad Academy"
            $0.hours = hours
        }
    }

    func createScenario(
        _ scenario: Nomad_Jobs_V1_Scenario = JobsEnv.scenario(), by caller: Caller? = nil,
        requestID: String = UUID().uuidString
    ) async throws -> Nomad_Jobs_V1_Scenario {
        try await client.createScenario(
            .with {
                $0.requestID = requestID
                $0.scenario = scenario
            }, metadata: (caller ?? officer()).metadata)
    }

    func completeScenario(
        _ scenario: Nomad_Jobs_V1_Scenario, nomad: Caller, by officer: Caller? = nil,
        requestID: String = UUID().uuidString
    ) async throws -> Nomad_Jobs_V1_ScenarioCompletion {
        try await client.completeScenario(
            .with {
                $0.requestID = requestID
                $0.scenarioID = scenario.scenarioID
                $0.nomadID = nomad.id
                $0.evidenceHash = JobsEnv.evidence
            }, metadata: (officer ?? self.officer()).metadata)
    }
}

@Suite("Training scenarios")
struct ScenarioTests {
    @Test("officers and admins create scenarios for known skills, with every field checked")
    func creating() async throws {
        try await withJobs { env in
            try await env.insertSkills(["software.mobile.ios"])
            let created = try await env.createScenario(by: env.admin())
            #expect(!created.scenarioID.isEmpty)
            #expect(created.skillCode == "software.mobile.ios" && created.level == 3 && created.hours == 40)
            #expect(created.title.zhCn == "民宿预订 App 实训")
            #expect(created.provider == "Danzhou Digital Nomad Academy")
            let officer = env.officer()
            let once = try await env.createScenario(by: officer, requestID: "same-request")
            #expect(try await env.createScenario(by: officer, requestID: "same-request") == once)
            #expect(try await env.app.outboxCount(type: "jobs.scenario.created", subject: once.scenarioID) == 1)

            await expectRPCError(.permissionDenied) { _ = try await env.createScenario(by: env.nomad()) }
            await expectRPCError(.permissionDenied) { _ = try await env.createScenario(by: env.enterprise()) }
            let unknown = await expectRPCError(.invalidArgument) {
                _ = try await env.createScenario(JobsEnv.scenario(skill: "cooking.hainan"))
            }
            #expect(unknown?.contains("cooking.hainan") == true)
            var bad: [Nomad_Jobs_V1_Scenario] = [
                JobsEnv.scenario(level: 0), JobsEnv.scenario(level: 6), JobsEnv.scenario(hours: 0), JobsEnv.scenario(hours: 2001),
                JobsEnv.scenario(skill: ""),
            ]
            var noTitle = JobsEnv.scenario(); noTitle.title.en = ""; bad.append(noTitle)
            var noProvider = JobsEnv.scenario(); noProvider.provider = " "; bad.append(noProvider)
            for scenario in bad {
                await expectRPCError(.invalidArgument) { _ = try await env.createScenario(scenario) }
            }
            let zh = await expectRPCError(.invalidArgument) {
                _ = try await env.client.createScenario(
                    .with {
                        $0.requestID = UUID().uuidString; $0.scenario = JobsEnv.scenario(level: 9)
                    }, metadata: env.officer().metadata(language: "zh-CN"))
            }
            #expect(zh?.contains("须在 1 到 5 之间") == true)
        }
    }

    @Test("listing by skill includes the skills beneath it, page by page")
    func listing() async throws {
        try await withJobs { env in
            try await env.insertSkills(["software.mobile.ios", "software.mobile_web", "design.ui"])
            let ios = try await env.createScenario(JobsEnv.scenario(skill: "software.mobile.ios"))
            let mobile = try await env.createScenario(JobsEnv.scenario(skill: "software.mobile", level: 2))
            let web = try await env.createScenario(JobsEnv.scenario(skill: "software.mobile_web"))
            let design = try await env.createScenario(JobsEnv.scenario(skill: "design.ui"))
            func list(_ skill: String, size: Int32 = 0, token: String = "") async throws -> Nomad_Jobs_V1_ListScenariosResponse {
                try await env.client.listScenarios(
                    .with {
                        $0.skillCode = skill; $0.page.pageSize = size; $0.page.pageToken = token
                    }, metadata: env.nomad().metadata)
            }
            #expect(try await list("software.mobile").scenarios.map(\.scenarioID) == [mobile.scenarioID, ios.scenarioID])
            #expect(try await list("software").scenarios.map(\.scenarioID) == [mobile.scenarioID, ios.scenarioID, web.scenarioID])
            #expect(try await list("software.mobile.ios").scenarios.map(\.scenarioID) == [ios.scenarioID])
            // A prefix that is not a whole code segment matches nothing beneath it.
            #expect(try await list("software.mob").scenarios.isEmpty)
            #expect(try await list("").scenarios.count == 4)
            #expect(try await list("design").scenarios.map(\.scenarioID) == [design.scenarioID])
            let first = try await list("", size: 3)
            #expect(first.scenarios.count == 3 && !first.page.nextPageToken.isEmpty)
            let rest = try await list("", size: 3, token: first.page.nextPageToken)
            #expect(rest.scenarios.count == 1 && rest.page.nextPageToken.isEmpty)
            await expectRPCError(.invalidArgument) { _ = try await list("", token: "forged") }
        }
    }

    @Test("completing a scenario verifies the skill at its level, once per nomad")
    func completing() async throws {
        try await withJobs { env in
            try await env.insertSkills(["software.mobile.ios"])
            let scenario = try await env.createScenario(JobsEnv.scenario(level: 4))
            let nomad = env.nomad(), officer = env.officer()
            let requestID = UUID().uuidString
            let completion = try await env.completeScenario(scenario, nomad: nomad, by: officer, requestID: requestID)
            #expect(completion.nomadID == nomad.id && completion.scenarioID == scenario.scenarioID)
            #expect(completion.skillCode == "software.mobile.ios" && completion.verifiedLevel == 4)
            #expect(completion.hasCompletedAt)
            #expect(try await env.completeScenario(scenario, nomad: nomad, by: officer, requestID: requestID) == completion)
            let verified = try await env.verified(nomad, "software.mobile.ios")
            #expect(verified?.level == 4 && verified?.source == 3)
            #expect(try await env.app.outboxCount(type: "jobs.training.completed", subject: nomad.id) == 1)
            let payload = try await env.outboxPayloadJSON(type: "jobs.training.completed", subject: nomad.id)
            #expect(payload["skill_code"] as? String == "software.mobile.ios" && payload["level"] as? Int == 4)

            let again = await expectRPCError(.alreadyExists) { _ = try await env.completeScenario(scenario, nomad: nomad) }
            #expect(again?.isEmpty == false)
            #expect(try await env.app.outboxCount(type: "jobs.training.completed", subject: nomad.id) == 1)

            // A lower-level scenario later does not lower the proven level.
            let easy = try await env.createScenario(JobsEnv.scenario(level: 2))
            _ = try await env.completeScenario(easy, nomad: nomad)
            #expect(try await env.verified(nomad, "software.mobile.ios")?.level == 4)

            await expectRPCError(.notFound) {
                _ = try await env.completeScenario(.with { $0.scenarioID = UUID().uuidString }, nomad: nomad)
            }
            await expectRPCError(.permissionDenied) { _ = try await env.completeScenario(scenario, nomad: env.nomad(), by: env.admin()) }
            await expectRPCError(.permissionDenied) { _ = try await env.completeScenario(scenario, nomad: nomad, by: nomad) }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.completeScenario(
                    .with {
                        $0.requestID = UUID().uuidString; $0.scenarioID = scenario.scenarioID; $0.nomadID = env.nomad().id
                        $0.evidenceHash = "not-a-hash"
                    }, metadata: env.officer().metadata)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.completeScenario(
                    .with {
                        $0.requestID = UUID().uuidString; $0.scenarioID = scenario.scenarioID
                    }, metadata: env.officer().metadata)
            }
        }
    }
}
