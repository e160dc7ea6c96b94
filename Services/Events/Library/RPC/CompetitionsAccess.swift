import GRPCCore
import NomadKit
import NomadProtos

/// Who may call each open-day, competition, judging, award and docking RPC.
/// Ownership (the scenario's publisher, the competition's organizer, a
/// track's judges, a submission's members, a docking's parties) is checked in
/// the handlers.
enum CompetitionsAccess {
    typealias M = Nomad_Events_V1_EventsService.Method

    static let signedIn: Set<Role> = Set(Role.allCases)
    /// Judges are people: nomads, enterprise staff, officers, admins.
    static let people: Set<Role> = [.nomad, .enterprise, .officer, .admin]
    static let organizers: Set<Role> = [.enterprise, .officer]

    static let rules: [MethodDescriptor: AccessPolicy.Rule] = [
        M.PublishOpenDayScenario.descriptor: .roles([.enterprise]),
        M.GetOpenDayScenario.descriptor: .roles(signedIn),
        M.ListOpenDayScenarios.descriptor: .roles(signedIn),
        M.ProposeScenarioSolution.descriptor: .roles([.nomad]),
        M.ListScenarioProposals.descriptor: .roles([.nomad, .enterprise, .officer, .admin]),
        M.ShortlistScenarioProposal.descriptor: .roles([.enterprise]),
        M.RecordScenarioPairing.descriptor: .roles([.enterprise]),

        M.CreateCompetition.descriptor: .roles(organizers),
        M.GetCompetition.descriptor: .roles(signedIn),
        M.ListCompetitions.descriptor: .roles(signedIn),
        M.AdvanceCompetitionPhase.descriptor: .roles(organizers),
        M.SubmitCompetitionEntry.descriptor: .roles([.nomad]),
        M.ListCompetitionSubmissions.descriptor: .roles(people),
        M.AssignCompetitionJudge.descriptor: .roles(organizers),
        M.ScoreCompetitionSubmission.descriptor: .roles(people),
        M.GetCompetitionRanking.descriptor: .roles(people),
        M.GrantCompetitionAward.descriptor: .roles(organizers),
        M.ListCompetitionAwards.descriptor: .roles(signedIn),

        M.RequestAwardDocking.descriptor: .roles([.nomad, .enterprise, .officer]),
        M.AnswerAwardDocking.descriptor: .roles([.enterprise, .officer]),
        M.RecordDockingOutcome.descriptor: .roles([.nomad, .enterprise, .officer]),
        M.ListAwardDockings.descriptor: .roles(people),
    ]
}
