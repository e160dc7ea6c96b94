import NomadKit

// 1–3 came from the ledger side and 11–14 from the registry side, built in
// parallel; the gap is harmless (versions only need to be unique and ordered).

/// Applied in order under the chassis' advisory lock; never edit a shipped one.
let assetsMigrations: [Migration] = [
    Migration(1, "ledger", migration0001Ledger),
    Migration(2, "pools", migration0002Pools),
    Migration(3, "contributions", migration0003Contributions),
    Migration(11, "data assets and trading", migration0011DataAssets),
    Migration(12, "RWA tokens and the QFLP whitelist", migration0012Tokens),
    Migration(13, "registry chain", migration0013RegistryChain),
    Migration(14, "bubble alerts", migration0014BubbleAlerts),
    Migration(15, "points functions", migration0015PointsFunctions),
    Migration(16, "exchange function", migration0016ExchangeFunction),
    Migration(17, "decision audit", migration0017DecisionAudit),
]
