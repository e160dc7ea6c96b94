import NomadKit

/// Applied in order under the chassis' advisory lock; never edit a shipped one.
let eventsMigrations: [Migration] = [
    Migration(1, "events, registrations, tickets, check-ins", migration0001Events),
    Migration(2, "matchmaking", migration0002Matchmaking),
    Migration(3, "reward applications", migration0003Rewards),
    Migration(11, "open days", migration0011OpenDays),
    Migration(12, "competitions", migration0012Competitions),
    Migration(13, "awards and docking", migration0013AwardsDocking),
    Migration(14, "card numbers as keyed hashes", migration0014SealedCards),
    Migration(15, "registration and check-in functions", migration0015RegistrationFunctions),
    Migration(16, "check-ins carry the attendee's role", migration0016CheckInRole),
    Migration(17, "decision audit", migration0017DecisionAudit),
]
