import NomadKit

/// Applied in order under the chassis' advisory lock; never edit a shipped one.
let eventsMigrations: [Migration] = [
    Migration(11, "open days", migration0011OpenDays),
    Migration(12, "competitions", migration0012Competitions),
    Migration(13, "awards and docking", migration0013AwardsDocking),
]
