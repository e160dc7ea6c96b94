import NomadKit

/// Applied in order under the chassis' advisory lock; never edit a shipped one.
let assetsMigrations: [Migration] = [
    Migration(1, "ledger", migration0001Ledger),
    Migration(2, "pools", migration0002Pools),
    Migration(3, "contributions", migration0003Contributions),
]
