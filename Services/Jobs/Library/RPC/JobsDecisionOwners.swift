import NomadKit
import NomadProtos

/// The department whose officers make each jobs decision (README, "Who
/// decides what"). The plan puts the work distribution platform, its skills
/// library and scenario training (item 5) and the open-bounty programme
/// (揭榜挂帅, item 12) under the Science, Technology, Industry and IT Bureau.
enum JobsDecisionOwners {
    typealias M = Nomad_Jobs_V1_JobsService.Method

    static let scienceIndustry = "science_industry"

    static let table = DecisionOwners([
        M.CreateSkill.descriptor: scienceIndustry,
        M.AddSkillAliases.descriptor: scienceIndustry,
        M.CloseJob.descriptor: scienceIndustry,
        M.CreateScenario.descriptor: scienceIndustry,
        M.CompleteScenario.descriptor: scienceIndustry,
        M.PublishBounty.descriptor: scienceIndustry,
        M.ReviewBountyApplication.descriptor: scienceIndustry,
        M.CompleteBounty.descriptor: scienceIndustry,
        M.CancelBounty.descriptor: scienceIndustry,
    ])
}
