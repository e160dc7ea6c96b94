import NomadKit

/// Applied in order under the chassis' advisory lock; never edit a shipped one.
let jobsMigrations = [
    Migration(1, "core", migration0001Core),
    Migration(5, "match indexes", migration0005MatchIndexes),
]
