import Foundation
import GRPCCore
@testable import Events
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

/// Many callers at once, as they would arrive across replicas: the database
/// alone keeps the competition consistent.
@Suite struct CompetitionConcurrencyTests {
    enum Outcome: Sendable, Equatable {
        case done
        case refused(RPCError.Code)
        case failed(String)
    }

    static func outcome(_ body: @Sendable () async throws -> Void) async -> Outcome {
        do {
            try await body()
            return .done
        } catch let error as RPCError {
            return .refused(error.code)
        } catch {
            return .failed("\(error)")
        }
    }

    @Test func thirtyJudgesScoringAtOnceAreAllCountedInTheRanking() async throws {
        try await withEvents { env in
            let organizer = env.officer()
            let judges = (0..<30).map { _ in env.nomad() }
            let (competition, entries) = try await env.competitionInReview(
                organizer: organizer, submitters: [env.nomad()], judges: judges)
            let outcomes = await withTaskGroup(of: Outcome.self) { group in
                for (index, judge) in judges.enumerated() {
                    group.addTask {
                        await Self.outcome {
                            try await env.scoreCompetitionSubmission(entries[0], by: judge, EventsEnv.rubricScores(Int32(index % 11), 20))
                        }
                    }
                }
                return await group.reduce(into: [Outcome]()) { $0.append($1) }
            }
            #expect(outcomes.allSatisfy { $0 == .done }, "\(outcomes.filter { $0 != .done }.prefix(3))")
            try await env.advanceCompetitionPhase(competition, to: .ranking, by: organizer)
            let ranked = try await env.getCompetitionRanking(competition, as: organizer).tracks[0].submissions[0]
            #expect(ranked.judgeCount == 30)
            // Each judge: (3 × (i mod 11) + 20) / 4; the mean over i in 0..<30.
            var totalMilli = 0
            for index in 0..<30 { totalMilli += (3 * (index % 11) + 20) * 250 }
            let meanMilli = (Double(totalMilli) / 30).rounded()
            #expect(ranked.scoreMilli == Int64(meanMilli))
        }
    }

    @Test func scoresRacingTheEndOfTheReviewEitherLandBeforeItOrAreRefused() async throws {
        try await withEvents { env in
            let organizer = env.enterprise()
            let judges = (0..<40).map { _ in env.nomad() }
            let (competition, entries) = try await env.competitionInReview(
                organizer: organizer, submitters: [env.nomad()], judges: judges)
            let (scores, phaseChange) = await withTaskGroup(of: (Bool, Outcome).self) { group in
                for judge in judges {
                    group.addTask {
                        (
                            false,
                            await Self.outcome {
                                try await env.scoreCompetitionSubmission(entries[0], by: judge, EventsEnv.rubricScores(5, 5))
                            }
                        )
                    }
                }
                group.addTask {
                    (true, await Self.outcome { try await env.advanceCompetitionPhase(competition, to: .ranking, by: organizer) })
                }
                var scores: [Outcome] = [], phase: Outcome = .failed("missing")
                for await (isPhase, outcome) in group {
                    if isPhase { phase = outcome } else { scores.append(outcome) }
                }
                return (scores, phase)
            }
            #expect(phaseChange == .done)
            let accepted = scores.filter { $0 == .done }.count
            #expect(scores.allSatisfy { $0 == .done || $0 == .refused(.failedPrecondition) }, "\(scores)")
            let submissionID = UUID(uuidString: entries[0].submissionID)!
            #expect(
                try await env.competitionSQLCount(
                    "SELECT count(*) FROM competition_scores WHERE submission_id = \(submissionID)") == accepted)
            let ranked = try await env.getCompetitionRanking(competition, as: organizer).tracks[0].submissions[0]
            #expect(Int(ranked.judgeCount) == accepted)
        }
    }

    @Test func concurrentPhaseChangesMoveTheCompetitionExactlyOnce() async throws {
        try await withEvents { env in
            let organizer = env.officer()
            let competition = try await env.createCompetition(by: organizer)
            let outcomes = await withTaskGroup(of: Outcome.self) { group in
                for index in 0..<24 {
                    let target: Nomad_Events_V1_CompetitionPhase = index.isMultiple(of: 2) ? .submission : .review
                    group.addTask { await Self.outcome { try await env.advanceCompetitionPhase(competition, to: target, by: organizer) } }
                }
                return await group.reduce(into: [Outcome]()) { $0.append($1) }
            }
            // One move to submission wins; after it one move to review may win too.
            let done = outcomes.filter { $0 == .done }.count
            #expect((1...2).contains(done), "\(outcomes)")
            #expect(outcomes.allSatisfy { $0 == .done || $0 == .refused(.failedPrecondition) })
            let phase = try await env.client.getCompetition(
                .with { $0.competitionID = competition.competitionID }, metadata: organizer.metadata
            ).phase
            #expect(phase.rawValue == 1 + done)
        }
    }

    /// Each nomad submits to a track while the organizer makes them its
    /// judge: the track lock lets exactly one of the two through.
    @Test func aJudgeAssignmentRacingTheJudgesOwnSubmissionNeverLetsBothThrough() async throws {
        try await withEvents { env in
            let organizer = env.officer()
            let competition = try await env.createCompetition(by: organizer)
            try await env.advanceCompetitionPhase(competition, to: .submission, by: organizer)
            let nomads = (0..<15).map { _ in env.nomad() }
            let outcomes = await withTaskGroup(of: (String, Bool, Outcome).self) { group in
                for nomad in nomads {
                    group.addTask {
                        (nomad.id, true, await Self.outcome { try await env.assignCompetitionJudge(nomad, to: competition, by: organizer) })
                    }
                    group.addTask {
                        (nomad.id, false, await Self.outcome { _ = try await env.submitCompetitionEntry(to: competition, by: nomad) })
                    }
                }
                return await group.reduce(into: [(String, Bool, Outcome)]()) { $0.append($1) }
            }
            for nomad in nomads {
                let mine = outcomes.filter { $0.0 == nomad.id }.map(\.2)
                #expect(mine.filter { $0 == .done }.count == 1, "\(mine)")
                #expect(mine.filter { $0 == .refused(.permissionDenied) }.count == 1, "\(mine)")
            }
            let crossed = try await env.competitionSQLCount(
                """
                SELECT count(*) FROM competition_judges j JOIN competition_submissions s
                  ON s.track_id = j.track_id AND j.judge_id = ANY(s.member_ids)
                """)
            #expect(crossed == 0)
        }
    }

    @Test func oneLeadSubmittingManyTimesAtOnceGetsOneSubmission() async throws {
        try await withEvents { env in
            let organizer = env.enterprise(), lead = env.nomad()
            let competition = try await env.createCompetition(by: organizer)
            try await env.advanceCompetitionPhase(competition, to: .submission, by: organizer)
            let outcomes = await withTaskGroup(of: Outcome.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        await Self.outcome { _ = try await env.submitCompetitionEntry(to: competition, by: lead, title: "Try \(index)") }
                    }
                }
                return await group.reduce(into: [Outcome]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == .done }.count == 1)
            #expect(outcomes.filter { $0 == .refused(.alreadyExists) }.count == 19, "\(outcomes)")
            #expect(try await env.competitionSQLCount("SELECT count(*) FROM competition_submissions") == 1)
            #expect(try await env.competitionSQLCount("SELECT count(*) FROM outbox WHERE type = 'events.submission.created'") == 1)
        }
    }
}
