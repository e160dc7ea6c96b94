import Foundation
import GRPCCore
@testable import Events
import Logging
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf

/// Steps the open-day, competition, judging, award and docking tests share,
/// through the public RPCs, plus direct SQL for what no RPC shows (row counts).
extension EventsEnv {

    // MARK: open days

    static func scenarioDraft(
        title: String = "港口物流调度优化", budgetMinor: Int64 = 20_000_000, currency: String = "CNY",
        deadline: Date = Date().addingTimeInterval(14 * 86400), eventID: String = ""
    ) -> Nomad_Events_V1_OpenDayScenario {
        .with {
            $0.eventID = eventID
            $0.title = .with {
                $0.zhCn = title; $0.en = "Port logistics scheduling"
            }
            $0.description_p = .with {
                $0.zhCn = "洋浦港集装箱调度"; $0.en = "Container scheduling at Yangpu port"
            }
            $0.businessProblem = "Trucks wait two hours at the gate on peak days."
            $0.dataOffered = "Six months of anonymised gate logs."
            $0.budget = .with {
                $0.currencyCode = currency; $0.minorUnits = budgetMinor
            }
            $0.deadline = .init(date: deadline)
        }
    }

    func publishOpenDayScenario(
        by enterprise: Caller, _ draft: Nomad_Events_V1_OpenDayScenario = EventsEnv.scenarioDraft(),
        requestID: String = UUID().uuidString
    ) async throws -> Nomad_Events_V1_OpenDayScenario {
        try await client.publishOpenDayScenario(
            .with {
                $0.requestID = requestID
                $0.scenario = draft
            }, metadata: enterprise.metadata)
    }

    func proposeScenarioSolution(
        _ scenario: Nomad_Events_V1_OpenDayScenario, by nomad: Caller, members: [Caller] = [],
        summary: String = "A queueing model with live gate slots.", requestID: String = UUID().uuidString
    ) async throws -> Nomad_Events_V1_ScenarioProposal {
        try await client.proposeScenarioSolution(
            .with {
                $0.requestID = requestID
                $0.scenarioID = scenario.scenarioID
                $0.memberIds = members.map(\.id)
                $0.summary = summary
                $0.links = ["https://example.org/slots"]
                $0.evidenceHash = String(repeating: "ab", count: 32)
            }, metadata: nomad.metadata)
    }

    func listScenarioProposals(
        _ scenario: Nomad_Events_V1_OpenDayScenario, as caller: Caller
    ) async throws -> [Nomad_Events_V1_ScenarioProposal] {
        try await client.listScenarioProposals(
            .with {
                $0.scenarioID = scenario.scenarioID
                $0.page.pageSize = 100
            }, metadata: caller.metadata
        ).proposals
    }

    // MARK: competitions

    static func competitionDraft(
        anonymised: Bool = true, rubric: [(String, Int32, Int32)] = [("创新性 Innovation", 3, 10), ("可行性 Feasibility", 1, 20)],
        tracks: [String] = ["数字文旅 Digital tourism", "智慧农业 Smart farming"]
    ) -> Nomad_Events_V1_Competition {
        .with {
            $0.title = .with {
                $0.zhCn = "儋州创客大赛"; $0.en = "Danzhou makers' cup"
            }
            $0.description_p = .with {
                $0.zhCn = "面向数字游民的创新创业大赛"; $0.en = "An innovation contest for nomads"
            }
            $0.anonymised = anonymised
            $0.rubric = rubric.map { criterion in
                .with {
                    $0.name = criterion.0; $0.weight = criterion.1; $0.maxScore = criterion.2
                }
            }
            $0.tracks = tracks.map { name in .with { $0.name = name } }
        }
    }

    func createCompetition(
        by organizer: Caller, _ draft: Nomad_Events_V1_Competition = EventsEnv.competitionDraft(),
        requestID: String = UUID().uuidString
    ) async throws -> Nomad_Events_V1_Competition {
        try await client.createCompetition(
            .with {
                $0.requestID = requestID
                $0.competition = draft
            }, metadata: organizer.metadata)
    }

    @discardableResult
    func advanceCompetitionPhase(
        _ competition: Nomad_Events_V1_Competition, to phase: Nomad_Events_V1_CompetitionPhase, by organizer: Caller,
        requestID: String = UUID().uuidString
    ) async throws -> Nomad_Events_V1_Competition {
        try await client.advanceCompetitionPhase(
            .with {
                $0.requestID = requestID
                $0.competitionID = competition.competitionID
                $0.phase = phase
            }, metadata: organizer.metadata)
    }

    /// Moves the competition forward step by step until `phase`.
    func advanceCompetitionPhase(
        _ competition: Nomad_Events_V1_Competition, through phase: Nomad_Events_V1_CompetitionPhase, by organizer: Caller
    ) async throws {
        var current = try await client.getCompetition(
            .with { $0.competitionID = competition.competitionID }, metadata: organizer.metadata
        ).phase
        while current.rawValue < phase.rawValue {
            current = try await advanceCompetitionPhase(competition, to: .init(rawValue: current.rawValue + 1)!, by: organizer).phase
        }
    }

    func submitCompetitionEntry(
        to competition: Nomad_Events_V1_Competition, track: Int = 0, by nomad: Caller, members: [Caller] = [],
        title: String = "Coastline guide bot", requestID: String = UUID().uuidString
    ) async throws -> Nomad_Events_V1_CompetitionSubmission {
        try await client.submitCompetitionEntry(
            .with {
                $0.requestID = requestID
                $0.competitionID = competition.competitionID
                $0.trackID = competition.tracks[track].trackID
                $0.memberIds = members.map(\.id)
                $0.projectTitle = title
                $0.description_p = "A bilingual guide for Danzhou's coast."
                $0.links = ["https://example.org/guide"]
                $0.evidenceHash = String(repeating: "cd", count: 32)
            }, metadata: nomad.metadata)
    }

    @discardableResult
    func assignCompetitionJudge(
        _ judge: Caller, to competition: Nomad_Events_V1_Competition, track: Int = 0, by organizer: Caller,
        requestID: String = UUID().uuidString
    ) async throws -> Nomad_Events_V1_Competition {
        try await client.assignCompetitionJudge(
            .with {
                $0.requestID = requestID
                $0.competitionID = competition.competitionID
                $0.trackID = competition.tracks[track].trackID
                $0.judgeID = judge.id
            }, metadata: organizer.metadata)
    }

    /// Scores by criterion name, in the draft rubric's order by default.
    @discardableResult
    func scoreCompetitionSubmission(
        _ submission: Nomad_Events_V1_CompetitionSubmission, by judge: Caller, _ scores: [(String, Int32)],
        requestID: String = UUID().uuidString
    ) async throws -> Nomad_Events_V1_CompetitionScore {
        try await client.scoreCompetitionSubmission(
            .with {
                $0.requestID = requestID
                $0.submissionID = submission.submissionID
                $0.scores = scores.map { score in
                    .with {
                        $0.criterion = score.0; $0.score = score.1
                    }
                }
            }, metadata: judge.metadata)
    }

    /// Innovation and feasibility scores for the default rubric.
    static func rubricScores(_ innovation: Int32, _ feasibility: Int32) -> [(String, Int32)] {
        [("创新性 Innovation", innovation), ("可行性 Feasibility", feasibility)]
    }

    func listCompetitionSubmissions(
        _ competition: Nomad_Events_V1_Competition, as caller: Caller, track: String = ""
    ) async throws -> [Nomad_Events_V1_CompetitionSubmission] {
        try await client.listCompetitionSubmissions(
            .with {
                $0.competitionID = competition.competitionID
                $0.trackID = track
                $0.page.pageSize = 100
            }, metadata: caller.metadata
        ).submissions
    }

    func getCompetitionRanking(
        _ competition: Nomad_Events_V1_Competition, as caller: Caller
    ) async throws -> Nomad_Events_V1_CompetitionRanking {
        try await client.getCompetitionRanking(.with { $0.competitionID = competition.competitionID }, metadata: caller.metadata)
    }

    func grantCompetitionAward(
        _ submission: Nomad_Events_V1_CompetitionSubmission, by organizer: Caller, name: (String, String) = ("一等奖", "First prize"),
        rank: Int32 = 1, requestID: String = UUID().uuidString
    ) async throws -> Nomad_Events_V1_CompetitionAward {
        try await client.grantCompetitionAward(
            .with {
                $0.requestID = requestID
                $0.submissionID = submission.submissionID
                $0.name = .with {
                    $0.zhCn = name.0; $0.en = name.1
                }
                $0.rank = rank
            }, metadata: organizer.metadata)
    }

    func listCompetitionAwards(
        _ competition: Nomad_Events_V1_Competition, as caller: Caller
    ) async throws -> [Nomad_Events_V1_CompetitionAward] {
        try await client.listCompetitionAwards(
            .with {
                $0.competitionID = competition.competitionID
                $0.page.pageSize = 100
            }, metadata: caller.metadata
        ).awards
    }

    // MARK: docking

    func requestAwardDocking(
        _ submission: Nomad_Events_V1_CompetitionSubmission, by requester: Caller, target: Caller,
        kind: Nomad_Events_V1_DockingTargetKind, requestID: String = UUID().uuidString
    ) async throws -> Nomad_Events_V1_AwardDocking {
        try await client.requestAwardDocking(
            .with {
                $0.requestID = requestID
                $0.submissionID = submission.submissionID
                $0.targetID = target.id
                $0.targetKind = kind
                $0.message = "We would like to pilot the guide with you."
            }, metadata: requester.metadata)
    }

    func answerAwardDocking(
        _ docking: Nomad_Events_V1_AwardDocking, by target: Caller, accept: Bool, note: String = "Let's talk",
        requestID: String = UUID().uuidString
    ) async throws -> Nomad_Events_V1_AwardDocking {
        try await client.answerAwardDocking(
            .with {
                $0.requestID = requestID
                $0.dockingID = docking.dockingID
                $0.accept = accept
                $0.note = note
            }, metadata: target.metadata)
    }

    func recordDockingOutcome(
        _ docking: Nomad_Events_V1_AwardDocking, by caller: Caller, _ outcome: Nomad_Events_V1_DockingOutcome,
        requestID: String = UUID().uuidString
    ) async throws -> Nomad_Events_V1_AwardDocking {
        try await client.recordDockingOutcome(
            .with {
                $0.requestID = requestID
                $0.dockingID = docking.dockingID
                $0.outcome = outcome
            }, metadata: caller.metadata)
    }

    func listAwardDockings(as caller: Caller, competition: String = "") async throws -> [Nomad_Events_V1_AwardDocking] {
        try await client.listAwardDockings(
            .with {
                $0.competitionID = competition
                $0.page.pageSize = 100
            }, metadata: caller.metadata
        ).dockings
    }

    /// A competition in review: one track-0 submission per nomad, `judges`
    /// assigned to track 0.
    func competitionInReview(
        organizer: Caller, submitters: [Caller], judges: [Caller], anonymised: Bool = true
    ) async throws -> (Nomad_Events_V1_Competition, [Nomad_Events_V1_CompetitionSubmission]) {
        var competition = try await createCompetition(by: organizer, EventsEnv.competitionDraft(anonymised: anonymised))
        for judge in judges { competition = try await assignCompetitionJudge(judge, to: competition, by: organizer) }
        try await advanceCompetitionPhase(competition, to: .submission, by: organizer)
        var submissions: [Nomad_Events_V1_CompetitionSubmission] = []
        for (index, nomad) in submitters.enumerated() {
            submissions.append(try await submitCompetitionEntry(to: competition, by: nomad, title: "Project \(index)"))
        }
        try await advanceCompetitionPhase(competition, to: .review, by: organizer)
        return (competition, submissions)
    }

    /// Arranges what no RPC of this area can (time passing, rows no RPC allows).
    func competitionSQLExec(_ query: PostgresQuery) async throws {
        try await app.withSchemaConnection { tx in
            _ = try await tx.query(query).collect()
        }
    }

    func competitionSQLCount(_ query: PostgresQuery) async throws -> Int {
        try await app.withSchemaConnection { tx in
            try await tx.query(query).collect().first!.decode(Int.self)
        }
    }
}
