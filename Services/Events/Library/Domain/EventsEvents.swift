import Foundation
import NomadKit

/// Every event the events service emits from Swift: its type, subject ids and payload.
/// Subject and payload keys are the Swift names in snake_case (`Outbox.append`);
/// analytics reads them, so they are a contract (EventContractTests).
///
/// Written in SQL instead: "events.registration.confirmed" and
/// "events.registration.waitlisted" (`register_for_event`, migration 15) and
/// "events.checkin.recorded" (migrations 15 and 16).
enum EventsEvents {
    struct EventPublished: OutboxEvent {
        static let type = "events.event.published"
        var subjects: Subjects
        struct Subjects: Encodable { var eventID, organizerID: String }
        var payload: Payload
        struct Payload: Encodable {
            var eventID: String
            var kind: String
            var organizerID: String
            /// "core", "linked", or "" for an online event.
            var area: String
            var online: Bool
            var startsAt: Date

            enum CodingKeys: String, CodingKey {
                case eventID = "event_id", kind, organizerID = "organizer_id", area, online, startsAt = "starts_at"
            }
        }
    }

    struct EventCancelled: OutboxEvent {
        static let type = "events.event.cancelled"
        var subjects: Subjects
        struct Subjects: Encodable { var eventID, organizerID: String }
        var payload: Payload
        struct Payload: Encodable {
            var eventID: String
            var reason: String

            enum CodingKeys: String, CodingKey {
                case eventID = "event_id", reason
            }
        }
    }

    struct RewardApplied: OutboxEvent {
        static let type = "events.reward.applied"
        var subjects: Subjects
        struct Subjects: Encodable { var applicationID, eventID, organizerID: String }
        var payload: Payload
        struct Payload: Encodable {
            var applicationID: String
            var eventID: String
            var organizerID: String
            var registered: Int
            var checkedIn: Int

            enum CodingKeys: String, CodingKey {
                case applicationID = "application_id", eventID = "event_id", organizerID = "organizer_id", registered,
                    checkedIn = "checked_in"
            }
        }
    }

    struct AwardGranted: OutboxEvent {
        static let type = "events.award.granted"
        var subjects: Subjects
        struct Subjects: Encodable { var competitionID, trackID, submissionID, awardID: String }
        var payload: Payload
        struct Payload: Encodable {
            struct Name: Encodable {
                var zhCN: String
                var en: String
                enum CodingKeys: String, CodingKey { case zhCN = "zh_cn", en }
            }

            var competitionID: String
            var trackID: String
            var submissionID: String
            var award: Name
            var rank: Int
            var memberIDs: [String]
            enum CodingKeys: String, CodingKey {
                case competitionID = "competition_id", trackID = "track_id", submissionID = "submission_id", award, rank
                case memberIDs = "member_ids"
            }
        }
    }

    struct RegistrationCancelled: OutboxEvent {
        static let type = "events.registration.cancelled"
        var subjects: Subjects
        struct Subjects: Encodable { var eventID, registrationID, attendeeID: String }
        var payload: Payload
        struct Payload: Encodable {
            var eventID: String
            var registrationID: String
            var attendeeID: String

            enum CodingKeys: String, CodingKey {
                case eventID = "event_id", registrationID = "registration_id", attendeeID = "attendee_id"
            }
        }
    }

    struct RegistrationPromoted: OutboxEvent {
        static let type = "events.registration.promoted"
        var subjects: Subjects
        struct Subjects: Encodable { var eventID, registrationID, attendeeID: String }
        var payload: Payload
        struct Payload: Encodable {
            var eventID: String
            var registrationID: String
            var attendeeID: String

            enum CodingKeys: String, CodingKey {
                case eventID = "event_id", registrationID = "registration_id", attendeeID = "attendee_id"
            }
        }
    }

    struct DockingRequested: OutboxEvent {
        static let type = "events.docking.requested"
        var subjects: Subjects
        struct Subjects: Encodable { var dockingID, submissionID, targetID, competitionID: String }
        var payload: Payload
        struct Payload: Encodable {
            var dockingID: String
            var submissionID: String
            var targetID: String
            /// "enterprise" or "park".
            var targetKind: String
            enum CodingKeys: String, CodingKey {
                case dockingID = "docking_id", submissionID = "submission_id", targetID = "target_id", targetKind = "target_kind"
            }
        }
    }

    struct DockingAnswered: OutboxEvent {
        static let type = "events.docking.answered"
        var subjects: Subjects
        struct Subjects: Encodable { var dockingID, submissionID, targetID: String }
        var payload: Payload
        struct Payload: Encodable {
            var dockingID: String
            /// "accepted" or "declined".
            var answer: String
            enum CodingKeys: String, CodingKey { case dockingID = "docking_id", answer }
        }
    }

    struct DockingOutcome: OutboxEvent {
        static let type = "events.docking.outcome"
        var subjects: Subjects
        struct Subjects: Encodable { var dockingID, submissionID, targetID, competitionID: String }
        var payload: Payload
        struct Payload: Encodable {
            var dockingID: String
            var submissionID: String
            var targetID: String
            var targetKind: String
            /// "signed_agreement", "incubated_in_park" or "no_deal".
            var outcome: String
            enum CodingKeys: String, CodingKey {
                case dockingID = "docking_id", submissionID = "submission_id", targetID = "target_id", targetKind = "target_kind"
                case outcome
            }
        }
    }

    struct SubmissionCreated: OutboxEvent {
        static let type = "events.submission.created"
        var subjects: Subjects
        struct Subjects: Encodable { var competitionID, trackID, submissionID, submitterID: String }
        var payload: Payload
        struct Payload: Encodable {
            var competitionID: String
            var trackID: String
            var submissionID: String
            var memberIDs: [String]
            enum CodingKeys: String, CodingKey {
                case competitionID = "competition_id", trackID = "track_id", submissionID = "submission_id"
                case memberIDs = "member_ids"
            }
        }
    }

    struct ScenarioPublished: OutboxEvent {
        static let type = "events.scenario.published"
        var subjects: Subjects
        struct Subjects: Encodable { var scenarioID, enterpriseID: String }
        var payload: Payload
        struct Payload: Encodable {
            var scenarioID: String
            var enterpriseID: String
            /// Empty when the scenario is not tied to a calendar event.
            var eventID: String
            enum CodingKeys: String, CodingKey {
                case scenarioID = "scenario_id", enterpriseID = "enterprise_id", eventID = "event_id"
            }
        }
    }

    struct ProposalShortlisted: OutboxEvent {
        static let type = "events.proposal.shortlisted"
        var subjects: Subjects
        struct Subjects: Encodable { var scenarioID, proposalID, enterpriseID, proposerID: String }
        var payload: ProposalStep
    }

    struct PairingRecorded: OutboxEvent {
        static let type = "events.pairing.recorded"
        var subjects: Subjects
        struct Subjects: Encodable { var scenarioID, proposalID, enterpriseID, proposerID: String }
        var payload: ProposalStep
    }

    struct ProposalStep: Encodable {
        var scenarioID: String
        var proposalID: String
        var enterpriseID: String
        var proposerID: String
        enum CodingKeys: String, CodingKey {
            case scenarioID = "scenario_id", proposalID = "proposal_id", enterpriseID = "enterprise_id"
            case proposerID = "proposer_id"
        }
    }
}
