@testable import Jobs

enum JobsSamples {
    typealias E = JobsEvents
    static let order = E.OrderSubjects(orderID: "o", jobID: "j", nomadID: "n", enterpriseID: "e")
    static let posting = E.JobPublished(
        mode: 1, seats: 2, skillCodes: ["s"], essentialCodes: ["s"], budgetMinor: 1, currency: "CNY", claimable: true,
        externalID: "x")

    static func all() throws -> [Encoded] {
        [
            try Encoded(E.ApplicationSubmitted(subjects: order, payload: .init(mode: 1))),
            try Encoded(
                E.ContractSigned(
                    subjects: order,
                    payload: .init(kind: 1, start: "2026-01-01", end: "", wholeMonths: 3, longTerm: false, mode: 1, seatsTaken: 1, seats: 2)
                )),
            try Encoded(E.ApplicationRejected(subjects: order, payload: .init(status: 1))),
            try Encoded(E.DeliverySubmitted(subjects: order, payload: .init(status: 1))),
            try Encoded(E.OrderRated(subjects: order, payload: .init(by: "nomad", stars: 5))),
            try Encoded(E.OrderCancelled(subjects: order, payload: .init(by: "nomad", previousStatus: 1, seatReleased: true))),
            try Encoded(
                E.OrderCompleted(
                    subjects: order,
                    payload: .init(mode: 1, contractKind: 1, skillCodes: ["s"], budgetCurrency: "CNY", budgetMinor: 1, milestones: 1))),
            try Encoded(E.PostingUpdated(subjects: .init(jobID: "j", enterpriseID: "e"), payload: posting)),
            try Encoded(E.PostingPublished(subjects: .init(jobID: "j", enterpriseID: "e"), payload: posting)),
            try Encoded(
                E.PostingClosed(
                    subjects: .init(jobID: "j", enterpriseID: "e", actorID: "a"),
                    payload: .init(mode: 1, seats: 2, seatsTaken: 1, byRole: "enterprise", reason: "r"))),
            try Encoded(E.SkillCreated(subjects: .init(skillCode: "s", actorID: "a"), payload: .init(parentCode: "p", aliases: ["a"]))),
            try Encoded(
                E.SkillAliasesAdded(
                    subjects: .init(skillCode: "s", actorID: "a"), payload: .init(parentCode: "p", aliases: ["a"]))),
            try Encoded(
                E.ScenarioCreated(
                    subjects: .init(scenarioID: "s"), payload: .init(skillCode: "s", level: 1, provider: "p", hours: 2))),
            try Encoded(
                E.TrainingCompleted(
                    subjects: .init(nomadID: "n", scenarioID: "s", officerID: "o"),
                    payload: .init(skillCode: "s", level: 1, provider: "p", hours: 2, department: "d"))),
            try Encoded(
                E.ProfileUpdated(
                    subjects: .init(nomadID: "n"), payload: .init(skillCount: 1, fields: ["f"], standing: "s", availability: 1))),
            try Encoded(
                E.BountyPublished(
                    subjects: .init(bountyID: "b", jobID: "j", publisherID: "p"),
                    payload: .init(
                        publisherRole: "officer", winnerPlaces: 1, currency: "CNY", budgetMinor: 1, requiredSkills: ["s"], milestones: 1))),
            try Encoded(
                E.BountyApplied(
                    subjects: .init(bountyID: "b", applicationID: "a", leadID: "l"), payload: .init(kind: 1, memberIDs: ["m"]))),
            try Encoded(
                E.BountyWon(
                    subjects: .init(bountyID: "b", applicationID: "a", leadID: "l", publisherID: "p"),
                    payload: .init(memberIDs: ["m"], kind: 1, place: 1, winnerPlaces: 1, filled: true))),
            try Encoded(
                E.BountyCompleted(
                    subjects: .init(bountyID: "b", publisherID: "p"),
                    payload: .init(winnerApplicationIDs: ["a"], leadIDs: ["l"], currency: "CNY", rewardMinor: 1))),
            try Encoded(E.BountyCancelled(subjects: .init(bountyID: "b", publisherID: "p"), payload: .init(reason: "r"))),
        ]
    }
}
