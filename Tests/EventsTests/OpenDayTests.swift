import Foundation
import GRPCCore
@testable import Events
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

@Suite struct OpenDayTests {
    @Test func anEnterprisePublishesAScenarioOnceAndAnyoneReadsIt() async throws {
        try await withEvents { env in
            let enterprise = env.enterprise()
            let eventID = try await env.publishedEvent(by: env.officer(), EventsEnv.eventDraft(kind: .openDay)).eventID
            let requestID = UUID().uuidString
            let draft = EventsEnv.scenarioDraft(eventID: eventID)
            let scenario = try await env.publishOpenDayScenario(by: enterprise, draft, requestID: requestID)
            #expect(scenario.enterpriseID == enterprise.id)
            #expect(scenario.eventID == eventID)
            #expect(scenario.title.zhCn == "港口物流调度优化" && scenario.title.en == "Port logistics scheduling")
            #expect(scenario.budget.minorUnits == 20_000_000 && scenario.budget.currencyCode == "CNY")

            let again = try await env.publishOpenDayScenario(by: enterprise, draft, requestID: requestID)
            #expect(again == scenario)
            #expect(try await env.competitionSQLCount("SELECT count(*) FROM open_day_scenarios") == 1)
            #expect(try await env.app.outboxCount(type: "events.scenario.published", subject: scenario.scenarioID) == 1)
            let payload = try #require(try await env.app.outboxPayloadText(type: "events.scenario.published", subject: scenario.scenarioID))
            #expect(payload.contains("\"event_id\": \"\(eventID)\"") && payload.contains("\"enterprise_id\": \"\(enterprise.id)\""))

            let read = try await env.client.getOpenDayScenario(
                .with { $0.scenarioID = scenario.scenarioID }, metadata: env.nomad().metadata)
            #expect(read == scenario)
            let other = try await env.publishOpenDayScenario(by: env.enterprise())
            let all = try await env.client.listOpenDayScenarios(.with { $0.page.pageSize = 10 }, metadata: env.nomad().metadata)
            #expect(all.scenarios.map(\.scenarioID) == [other.scenarioID, scenario.scenarioID])
            let mine = try await env.client.listOpenDayScenarios(
                .with { $0.enterpriseID = enterprise.id }, metadata: env.officer().metadata)
            #expect(mine.scenarios.map(\.scenarioID) == [scenario.scenarioID])
        }
    }

    @Test func publishingRefusesBadInputAndOtherRolesAndChangesNothing() async throws {
        try await withEvents { env in
            let enterprise = env.enterprise()
            var noBudget = EventsEnv.scenarioDraft()
            noBudget.clearBudget()
            let cases: [(String, Nomad_Events_V1_OpenDayScenario)] = [
                ("title", EventsEnv.scenarioDraft(title: "")),
                ("budget", EventsEnv.scenarioDraft(budgetMinor: -1)),
                ("budget", noBudget),
                ("currency_code", EventsEnv.scenarioDraft(currency: "rmb")),
                ("deadline", EventsEnv.scenarioDraft(deadline: Date().addingTimeInterval(-60))),
                ("event_id", EventsEnv.scenarioDraft(eventID: "not-an-id")),
            ]
            for (field, draft) in cases {
                let message = await expectRPCError(.invalidArgument) { _ = try await env.publishOpenDayScenario(by: enterprise, draft) }
                #expect(message?.contains(field) == true, "\(field): \(message ?? "")")
            }
            let zh = await expectRPCError(.invalidArgument) {
                _ = try await env.client.publishOpenDayScenario(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.scenario = EventsEnv.scenarioDraft(budgetMinor: -5)
                    }, metadata: enterprise.metadata(language: "zh-CN"))
            }
            #expect(zh?.contains("金额不能为负数") == true)
            await expectRPCError(.permissionDenied) { _ = try await env.publishOpenDayScenario(by: env.nomad()) }
            await expectRPCError(.permissionDenied) { _ = try await env.publishOpenDayScenario(by: env.officer()) }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.publishOpenDayScenario(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.scenario = EventsEnv.scenarioDraft()
                    }, metadata: callMetadata())
            }
            let scenarios = try await env.competitionSQLCount("SELECT count(*) FROM open_day_scenarios")
            let events = try await env.competitionSQLCount("SELECT count(*) FROM outbox")
            #expect(scenarios == 0 && events == 0)
        }
    }

    @Test func nomadsProposeAndSeeOnlyTheirOwnWhileThePublisherSeesAll() async throws {
        try await withEvents { env in
            let enterprise = env.enterprise()
            let scenario = try await env.publishOpenDayScenario(by: enterprise)
            let alone = env.nomad(), lead = env.nomad(), mate = env.nomad(), outsider = env.nomad()
            let single = try await env.proposeScenarioSolution(scenario, by: alone)
            #expect(single.memberIds == [alone.id] && single.proposerID == alone.id && single.status == .submitted)
            let team = try await env.proposeScenarioSolution(scenario, by: lead, members: [mate, lead])
            #expect(team.memberIds == [lead.id, mate.id])

            await expectRPCError(.alreadyExists) { _ = try await env.proposeScenarioSolution(scenario, by: alone) }
            await expectRPCError(.invalidArgument) { _ = try await env.proposeScenarioSolution(scenario, by: outsider, summary: " ") }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.proposeScenarioSolution(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.scenarioID = scenario.scenarioID
                        $0.summary = "x"
                    }, metadata: env.enterprise().metadata)
            }
            await expectRPCError(.notFound) {
                _ = try await env.client.proposeScenarioSolution(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.scenarioID = UUID().uuidString
                        $0.summary = "x"
                    }, metadata: outsider.metadata)
            }

            #expect(
                try await env.listScenarioProposals(scenario, as: enterprise).map(\.proposalID) == [single.proposalID, team.proposalID])
            #expect(try await env.listScenarioProposals(scenario, as: env.officer()).count == 2)
            #expect(try await env.listScenarioProposals(scenario, as: alone).map(\.proposalID) == [single.proposalID])
            #expect(try await env.listScenarioProposals(scenario, as: mate).map(\.proposalID) == [team.proposalID])
            #expect(try await env.listScenarioProposals(scenario, as: outsider).isEmpty)
            await expectRPCError(.permissionDenied) { _ = try await env.listScenarioProposals(scenario, as: env.enterprise()) }
        }
    }

    @Test func proposalsPastTheDeadlineAreRefused() async throws {
        try await withEvents { env in
            let scenario = try await env.publishOpenDayScenario(by: env.enterprise())
            let id = UUID(uuidString: scenario.scenarioID)!
            try await env.competitionSQLExec(
                "UPDATE open_day_scenarios SET deadline = now() - interval '1 minute' WHERE id = \(id)")
            await expectRPCError(.failedPrecondition) { _ = try await env.proposeScenarioSolution(scenario, by: env.nomad()) }
        }
    }

    @Test func onlyThePublisherShortlistsAndPairsInOrder() async throws {
        try await withEvents { env in
            let enterprise = env.enterprise()
            let scenario = try await env.publishOpenDayScenario(by: enterprise)
            let nomad = env.nomad()
            let proposal = try await env.proposeScenarioSolution(scenario, by: nomad)
            let shortlist = { (caller: EventsEnv.Caller, requestID: String) in
                try await env.client.shortlistScenarioProposal(
                    .with {
                        $0.requestID = requestID
                        $0.proposalID = proposal.proposalID
                    }, metadata: caller.metadata)
            }
            let pair = { (caller: EventsEnv.Caller, requestID: String) in
                try await env.client.recordScenarioPairing(
                    .with {
                        $0.requestID = requestID
                        $0.proposalID = proposal.proposalID
                        $0.note = "Pilot at gate 3 from March"
                    }, metadata: caller.metadata)
            }
            await expectRPCError(.permissionDenied) { _ = try await shortlist(env.enterprise(), UUID().uuidString) }
            await expectRPCError(.permissionDenied) { _ = try await shortlist(nomad, UUID().uuidString) }
            await expectRPCError(.permissionDenied) { _ = try await shortlist(env.officer(), UUID().uuidString) }
            await expectRPCError(.failedPrecondition) { _ = try await pair(enterprise, UUID().uuidString) }
            #expect(try await env.app.outboxCount(type: "events.proposal.shortlisted", subject: proposal.proposalID) == 0)

            let requestID = UUID().uuidString
            let shortlisted = try await shortlist(enterprise, requestID)
            #expect(shortlisted.status == .shortlisted && shortlisted.hasShortlistTime)
            #expect(try await shortlist(enterprise, requestID) == shortlisted)
            await expectRPCError(.failedPrecondition) { _ = try await shortlist(enterprise, UUID().uuidString) }
            #expect(try await env.app.outboxCount(type: "events.proposal.shortlisted", subject: proposal.proposalID) == 1)

            await expectRPCError(.permissionDenied) { _ = try await pair(env.enterprise(), UUID().uuidString) }
            let paired = try await pair(enterprise, UUID().uuidString)
            #expect(paired.status == .paired && paired.pairingNote == "Pilot at gate 3 from March" && paired.hasPairingTime)
            await expectRPCError(.failedPrecondition) { _ = try await pair(enterprise, UUID().uuidString) }
            #expect(try await env.app.outboxCount(type: "events.pairing.recorded", subject: proposal.proposalID) == 1)
            let payload = try #require(try await env.app.outboxPayloadText(type: "events.pairing.recorded", subject: proposal.proposalID))
            for field in ["scenario_id", "proposal_id", "enterprise_id", "proposer_id"] {
                #expect(payload.contains("\"\(field)\""), "\(payload)")
            }
            #expect(payload.contains(nomad.id) && payload.contains(enterprise.id))
        }
    }
}
