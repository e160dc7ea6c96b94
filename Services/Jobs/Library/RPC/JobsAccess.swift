import NomadKit
import NomadProtos

/// Which roles may call each jobs RPC. Ownership (a nomad's own profile, an
/// enterprise's own jobs, a bounty's publisher) is checked in the handlers.
enum JobsAccess {
    typealias M = Nomad_Jobs_V1_JobsService.Method

    static let signedIn: Set<Role> = Set(Role.allCases)
    static let staff: Set<Role> = [.officer, .admin]

    /// ListJobs and ListBounties are open: the portal's signed-out pages
    /// list open jobs and bounties (the handlers answer anonymous callers
    /// with public items only).
    static let policy = AccessPolicy(
        [
            M.ListSkills.descriptor: .roles(signedIn),
            M.GetSkill.descriptor: .roles(signedIn),
            M.ResolveSkills.descriptor: .roles(signedIn),
            M.CreateSkill.descriptor: .roles(staff),
            M.ListAuditEntries.descriptor: .roles(staff),
            M.AddSkillAliases.descriptor: .roles(staff),

            M.GetProfile.descriptor: .roles([.nomad, .enterprise, .officer, .admin]),
            M.UpdateProfile.descriptor: .roles([.nomad]),

            M.PublishJob.descriptor: .roles([.enterprise]),
            M.IngestJobs.descriptor: .roles([.enterprise]),
            M.GetJob.descriptor: .roles(signedIn),
            M.ListJobs.descriptor: .open,
            M.SummarizeDemand.descriptor: .roles(signedIn),
            M.CloseJob.descriptor: .roles([.enterprise, .officer, .admin]),

            M.MatchNomads.descriptor: .roles([.enterprise, .officer, .admin]),
            M.MatchJobs.descriptor: .roles([.nomad, .officer, .admin]),
            M.GetSkillGap.descriptor: .roles([.nomad, .enterprise, .officer, .admin]),

            M.ApplyToJob.descriptor: .roles([.nomad]),
            M.ClaimJob.descriptor: .roles([.nomad]),
            M.AcceptApplication.descriptor: .roles([.enterprise]),
            M.RejectApplication.descriptor: .roles([.enterprise]),
            M.SetMilestones.descriptor: .roles([.enterprise]),
            M.SubmitDelivery.descriptor: .roles([.nomad]),
            M.AcceptDelivery.descriptor: .roles([.enterprise]),
            M.RateOrder.descriptor: .roles([.nomad, .enterprise]),
            M.CancelOrder.descriptor: .roles([.nomad, .enterprise]),
            M.GetOrder.descriptor: .roles([.nomad, .enterprise, .officer, .admin]),
            M.ListOrders.descriptor: .roles([.nomad, .enterprise, .officer, .admin]),

            M.CreateScenario.descriptor: .roles(staff),
            M.ListScenarios.descriptor: .roles(signedIn),
            M.CompleteScenario.descriptor: .roles([.officer]),
            M.GetCareerChain.descriptor: .roles([.nomad, .officer, .admin]),

            M.PublishBounty.descriptor: .roles([.enterprise, .officer]),
            M.GetBounty.descriptor: .roles(signedIn),
            M.ListBounties.descriptor: .open,
            M.SubmitBountyApplication.descriptor: .roles([.nomad]),
            M.ReviewBountyApplication.descriptor: .roles([.officer]),
            M.ClaimBounty.descriptor: .roles([.nomad]),
            M.ReportBountyProgress.descriptor: .roles([.nomad]),
            M.CompleteBounty.descriptor: .roles([.enterprise, .officer]),
            M.CancelBounty.descriptor: .roles([.enterprise, .officer]),
            M.ListBountyApplications.descriptor: .roles([.enterprise, .officer, .admin]),
            M.ListMyBountyApplications.descriptor: .roles([.nomad]),
            M.ListBountyAudit.descriptor: .roles([.enterprise, .officer, .admin]),
        ], owners: JobsDecisionOwners.table)
}
