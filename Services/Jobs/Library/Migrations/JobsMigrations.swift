import NomadKit

/// Applied in order under the chassis' advisory lock; never edit a shipped one.
let jobsMigrations = [
    Migration(1, "core", migration0001Core),
    Migration(2, "skill seed", migration0002SkillSeed),
    Migration(3, "orders", migration0003Orders),
    Migration(4, "bounties", migration0004Bounties),
    Migration(5, "match indexes", migration0005MatchIndexes),
    Migration(6, "claim function", migration0006ClaimFunction),
    Migration(7, "claim signs a contract", migration0007ClaimSignsContract),
    Migration(8, "match ranking", migration0008MatchRanking),
    Migration(9, "orders carry the nomad's permit", migration0009OrderPermits),
    Migration(10, "decision audit", migration0010DecisionAudit),
    Migration(11, "ranking by combination", migration0011RankingByCombination),
]
