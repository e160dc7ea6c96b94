import NomadKit

/// Applied in order under the chassis' advisory lock; never edit a shipped one.
let assetsMigrations: [Migration] = [
    Migration(11, "data assets and trading", migration0011DataAssets),
    Migration(12, "RWA tokens and the QFLP whitelist", migration0012Tokens),
    Migration(13, "registry chain", migration0013RegistryChain),
    Migration(14, "bubble alerts", migration0014BubbleAlerts),
]
