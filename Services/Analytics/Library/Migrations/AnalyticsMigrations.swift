import NomadKit

/// Applied in order under the chassis' advisory lock; never edit a shipped one.
let analyticsMigrations: [Migration] = [
    Migration(1, "ingested events", migration0001IngestedEvents),
    Migration(11, "revenue reports", migration0011RevenueReports),
    Migration(12, "recognitions", migration0012Recognitions),
    Migration(13, "kpi indexes", migration0013KpiIndexes),
    Migration(21, "reward and service performance indexes", migration0021RewardIndexes),
    Migration(22, "decision audit", migration0022DecisionAudit),
]
