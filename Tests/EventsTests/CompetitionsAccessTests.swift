import Foundation
import GRPCCore
@testable import Events
import NomadKit
import NomadProtos
import NomadTesting
import Testing

@Suite struct CompetitionsAccessTests {
    @Test func everyMethodHasARuleAndNoRuleNamesAnUnknownMethod() {
        let methods = Set(Nomad_Events_V1_EventsService.Method.descriptors)
        let ruled = Set(EventsAccess.policy.rules.keys)
        #expect(methods.subtracting(ruled).isEmpty, "methods without a rule: \(methods.subtracting(ruled))")
        #expect(Set(CompetitionsAccess.rules.keys).subtracting(methods).isEmpty)
        #expect(CompetitionsAccess.rules.values.allSatisfy { $0 != .open })
    }

    @Test func everyCompetitionAreaCallWithoutATokenIsUnauthenticated() async throws {
        try await withEvents { env in
            let anonymous = callMetadata()
            let c = env.client
            let calls: [(String, () async throws -> Void)] = [
                ("PublishOpenDayScenario", { _ = try await c.publishOpenDayScenario(.init(), metadata: anonymous) }),
                ("GetOpenDayScenario", { _ = try await c.getOpenDayScenario(.init(), metadata: anonymous) }),
                ("ListOpenDayScenarios", { _ = try await c.listOpenDayScenarios(.init(), metadata: anonymous) }),
                ("ProposeScenarioSolution", { _ = try await c.proposeScenarioSolution(.init(), metadata: anonymous) }),
                ("ListScenarioProposals", { _ = try await c.listScenarioProposals(.init(), metadata: anonymous) }),
                ("ShortlistScenarioProposal", { _ = try await c.shortlistScenarioProposal(.init(), metadata: anonymous) }),
                ("RecordScenarioPairing", { _ = try await c.recordScenarioPairing(.init(), metadata: anonymous) }),
                ("CreateCompetition", { _ = try await c.createCompetition(.init(), metadata: anonymous) }),
                ("GetCompetition", { _ = try await c.getCompetition(.init(), metadata: anonymous) }),
                ("ListCompetitions", { _ = try await c.listCompetitions(.init(), metadata: anonymous) }),
                ("AdvanceCompetitionPhase", { _ = try await c.advanceCompetitionPhase(.init(), metadata: anonymous) }),
                ("SubmitCompetitionEntry", { _ = try await c.submitCompetitionEntry(.init(), metadata: anonymous) }),
                ("ListCompetitionSubmissions", { _ = try await c.listCompetitionSubmissions(.init(), metadata: anonymous) }),
                ("AssignCompetitionJudge", { _ = try await c.assignCompetitionJudge(.init(), metadata: anonymous) }),
                ("ScoreCompetitionSubmission", { _ = try await c.scoreCompetitionSubmission(.init(), metadata: anonymous) }),
                ("GetCompetitionRanking", { _ = try await c.getCompetitionRanking(.init(), metadata: anonymous) }),
                ("GrantCompetitionAward", { _ = try await c.grantCompetitionAward(.init(), metadata: anonymous) }),
                ("ListCompetitionAwards", { _ = try await c.listCompetitionAwards(.init(), metadata: anonymous) }),
                ("RequestAwardDocking", { _ = try await c.requestAwardDocking(.init(), metadata: anonymous) }),
                ("AnswerAwardDocking", { _ = try await c.answerAwardDocking(.init(), metadata: anonymous) }),
                ("RecordDockingOutcome", { _ = try await c.recordDockingOutcome(.init(), metadata: anonymous) }),
                ("ListAwardDockings", { _ = try await c.listAwardDockings(.init(), metadata: anonymous) }),
            ]
            #expect(calls.count == CompetitionsAccess.rules.count)
            for (name, call) in calls {
                let message = await expectRPCError(.unauthenticated) { try await call() }
                #expect(message != nil, "\(name)")
            }
            // Roles outside a method's rule are refused before any handler runs.
            // An access token claiming the service role is no credential at all
            // (issue 15: that role comes only from a service token's grant).
            let service = EventsEnv.caller(.service).metadata
            await expectRPCError(.unauthenticated) { _ = try await c.scoreCompetitionSubmission(.init(), metadata: service) }
            await expectRPCError(.permissionDenied) {
                _ = try await c.answerAwardDocking(.init(), metadata: env.nomad().metadata)
            }
            await expectRPCError(.permissionDenied) {
                _ = try await c.grantCompetitionAward(.init(), metadata: env.nomad().metadata)
            }
        }
    }
}
