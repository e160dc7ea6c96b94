import NomadKit

/// Applied in order under the chassis' advisory lock; never edit a shipped one.
let analyticsMigrations: [Migration] = [
    Migration(1, "ingested events", migration0001IngestedEvents),
    Migration(21, "reward and service performance indexes", migration0021RewardIndexes),
]
