import Foundation
@testable import Events

enum EventsSamples {
    typealias E = EventsEvents
    static let step = E.ProposalStep(scenarioID: "s", proposalID: "p", enterpriseID: "e", proposerID: "r")

    static func all() throws -> [Encoded] {
        [
            try Encoded(
                E.EventPublished(
                    subjects: .init(eventID: "e", organizerID: "o"),
                    payload: .init(
                        eventID: "e", kind: "training", organizerID: "o", area: "core", online: false,
                        startsAt: Date(timeIntervalSince1970: 0)))),
            try Encoded(E.EventCancelled(subjects: .init(eventID: "e", organizerID: "o"), payload: .init(eventID: "e", reason: "r"))),
            try Encoded(
                E.RewardApplied(
                    subjects: .init(applicationID: "a", eventID: "e", organizerID: "o"),
                    payload: .init(applicationID: "a", eventID: "e", organizerID: "o", registered: 1, checkedIn: 1))),
            try Encoded(
                E.AwardGranted(
                    subjects: .init(competitionID: "c", trackID: "t", submissionID: "s", awardID: "a"),
                    payload: .init(
                        competitionID: "c", trackID: "t", submissionID: "s", award: .init(zhCN: "奖", en: "Prize"), rank: 1,
                        memberIDs: ["m"]))),
            try Encoded(
                E.RegistrationCancelled(
                    subjects: .init(eventID: "e", registrationID: "r", attendeeID: "a"),
                    payload: .init(eventID: "e", registrationID: "r", attendeeID: "a"))),
            try Encoded(
                E.RegistrationPromoted(
                    subjects: .init(eventID: "e", registrationID: "r", attendeeID: "a"),
                    payload: .init(eventID: "e", registrationID: "r", attendeeID: "a"))),
            try Encoded(
                E.DockingRequested(
                    subjects: .init(dockingID: "d", submissionID: "s", targetID: "t", competitionID: "c"),
                    payload: .init(dockingID: "d", submissionID: "s", targetID: "t", targetKind: "park"))),
            try Encoded(
                E.DockingAnswered(
                    subjects: .init(dockingID: "d", submissionID: "s", targetID: "t"), payload: .init(dockingID: "d", answer: "accepted"))),
            try Encoded(
                E.DockingOutcome(
                    subjects: .init(dockingID: "d", submissionID: "s", targetID: "t", competitionID: "c"),
                    payload: .init(dockingID: "d", submissionID: "s", targetID: "t", targetKind: "park", outcome: "no_deal"))),
            try Encoded(
                E.SubmissionCreated(
                    subjects: .init(competitionID: "c", trackID: "t", submissionID: "s", submitterID: "u"),
                    payload: .init(competitionID: "c", trackID: "t", submissionID: "s", memberIDs: ["m"]))),
            try Encoded(
                E.ScenarioPublished(
                    subjects: .init(scenarioID: "s", enterpriseID: "e"), payload: .init(scenarioID: "s", enterpriseID: "e", eventID: ""))),
            try Encoded(
                E.ProposalShortlisted(subjects: .init(scenarioID: "s", proposalID: "p", enterpriseID: "e", proposerID: "r"), payload: step)),
            try Encoded(
                E.PairingRecorded(subjects: .init(scenarioID: "s", proposalID: "p", enterpriseID: "e", proposerID: "r"), payload: step)),
        ]
    }
}
