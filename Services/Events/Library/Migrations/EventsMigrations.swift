import NomadKit

/// Applied in order under the chassis' advisory lock; never edit a shipped one.
let eventsMigrations: [Migration] = [
]
