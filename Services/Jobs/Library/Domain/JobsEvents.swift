import Foundation
import NomadKit
import NomadProtos

/// Every event jobs emits from Swift: its type, subject ids and payload.
/// Subject and payload keys are the Swift names in snake_case (`Outbox.append`);
/// analytics reads them, so they are a contract (EventContractTests).
/// Mind the acronyms: `memberIDs` is stored as "member_i_ds"; renaming it
/// would change what is stored.
///
/// Written in SQL instead: "jobs.claim.accepted" and the claim's
/// "jobs.contract.signed" (migrations 6 and 7).
enum JobsEvents {
    struct ApplicationSubmitted: OutboxEvent {
        static let type = "jobs.application.submitted"
        var subjects: OrderSubjects
        var payload: Payload
        struct Payload: Encodable {
            var mode: Int
        }
    }

    /// Analytics rewards contracts of one year or more and flexible
    /// employment, so both are spelled out.
    struct ContractSigned: OutboxEvent {
        static let type = "jobs.contract.signed"
        var subjects: OrderSubjects
        var payload: Payload
        struct Payload: Encodable {
            var kind: Int
            var start: String
            var end: String
            var wholeMonths: Int
            var longTerm: Bool
            var mode: Int
            var seatsTaken: Int
            var seats: Int
        }
    }

    struct ApplicationRejected: OutboxEvent {
        static let type = "jobs.application.rejected"
        var subjects: OrderSubjects
        var payload: OrderStep
    }

    struct DeliverySubmitted: OutboxEvent {
        static let type = "jobs.delivery.submitted"
        var subjects: OrderSubjects
        var payload: OrderStep
    }

    struct OrderRated: OutboxEvent {
        static let type = "jobs.order.rated"
        var subjects: OrderSubjects
        var payload: Payload
        struct Payload: Encodable {
            var by: String
            var stars: Int
        }
    }

    struct OrderCancelled: OutboxEvent {
        static let type = "jobs.order.cancelled"
        var subjects: OrderSubjects
        var payload: Payload
        struct Payload: Encodable {
            var by: String
            var previousStatus: Int
            var seatReleased: Bool
        }
    }

    struct OrderCompleted: OutboxEvent {
        static let type = "jobs.order.completed"
        var subjects: OrderSubjects
        var payload: Payload
        struct Payload: Encodable {
            var mode: Int
            var contractKind: Int
            var skillCodes: [String]
            var budgetCurrency: String
            var budgetMinor: Int64
            var milestones: Int
        }
    }

    struct PostingUpdated: OutboxEvent {
        static let type = "jobs.posting.updated"
        var subjects: Subjects
        struct Subjects: Encodable { var jobID, enterpriseID: String }
        var payload: JobPublished
    }

    struct PostingClosed: OutboxEvent {
        static let type = "jobs.posting.closed"
        var subjects: Subjects
        struct Subjects: Encodable { var jobID, enterpriseID, actorID: String }
        var payload: Payload
        struct Payload: Encodable {
            var mode: Int
            var seats: Int
            var seatsTaken: Int
            var byRole: String
            var reason: String
        }
    }

    struct PostingPublished: OutboxEvent {
        static let type = "jobs.posting.published"
        var subjects: Subjects
        struct Subjects: Encodable { var jobID, enterpriseID: String }
        var payload: JobPublished
    }

    struct SkillCreated: OutboxEvent {
        static let type = "jobs.skill.created"
        var subjects: Subjects
        struct Subjects: Encodable { var skillCode, actorID: String }
        var payload: SkillChanged
    }

    struct SkillAliasesAdded: OutboxEvent {
        static let type = "jobs.skill.aliases_added"
        var subjects: Subjects
        struct Subjects: Encodable { var skillCode, actorID: String }
        var payload: SkillChanged
    }

    struct ScenarioCreated: OutboxEvent {
        static let type = "jobs.scenario.created"
        var subjects: Subjects
        struct Subjects: Encodable { var scenarioID: String }
        var payload: Payload
        struct Payload: Encodable {
            var skillCode: String
            var level: Int
            var provider: String
            var hours: Int
        }
    }

    /// Analytics counts nomads trained per provider and department.
    struct TrainingCompleted: OutboxEvent {
        static let type = "jobs.training.completed"
        var subjects: Subjects
        struct Subjects: Encodable { var nomadID, scenarioID, officerID: String }
        var payload: Payload
        struct Payload: Encodable {
            var skillCode: String
            var level: Int
            var provider: String
            var hours: Int
            var department: String
        }
    }

    struct ProfileUpdated: OutboxEvent {
        static let type = "jobs.profile.updated"
        var subjects: Subjects
        struct Subjects: Encodable { var nomadID: String }
        var payload: Payload
        struct Payload: Encodable {
            var skillCount: Int
            var fields: [String]
            var standing: String
            var availability: Int
        }
    }

    struct BountyPublished: OutboxEvent {
        static let type = "jobs.bounty.published"
        var subjects: Subjects
        struct Subjects: Encodable { var bountyID, jobID, publisherID: String }
        var payload: Payload
        struct Payload: Encodable {
            var publisherRole: String
            var winnerPlaces: Int
            var currency: String
            var budgetMinor: Int64
            var requiredSkills: [String]
            var milestones: Int
        }
    }

    struct BountyApplied: OutboxEvent {
        static let type = "jobs.bounty.applied"
        var subjects: Subjects
        struct Subjects: Encodable { var bountyID, applicationID, leadID: String }
        var payload: Payload
        struct Payload: Encodable {
            var kind: Int
            var memberIDs: [String]
        }
    }

    /// Analytics counts bounty winners.
    struct BountyWon: OutboxEvent {
        static let type = "jobs.bounty.won"
        var subjects: Subjects
        struct Subjects: Encodable { var bountyID, applicationID, leadID, publisherID: String }
        var payload: Payload
        struct Payload: Encodable {
            var memberIDs: [String]
            var kind: Int
            var place: Int
            var winnerPlaces: Int
            var filled: Bool
        }
    }

    struct BountyCompleted: OutboxEvent {
        static let type = "jobs.bounty.completed"
        var subjects: Subjects
        struct Subjects: Encodable { var bountyID, publisherID: String }
        var payload: Payload
        struct Payload: Encodable {
            var winnerApplicationIDs: [String]
            var leadIDs: [String]
            var currency: String
            var rewardMinor: Int64
        }
    }

    struct BountyCancelled: OutboxEvent {
        static let type = "jobs.bounty.cancelled"
        var subjects: Subjects
        struct Subjects: Encodable { var bountyID, publisherID: String }
        var payload: Payload
        struct Payload: Encodable { var reason: String }
    }

    struct JobPublished: Encodable {
        var mode: Int
        var seats: Int
        var skillCodes: [String]
        var essentialCodes: [String]
        var budgetMinor: Int64
        var currency: String
        var claimable: Bool
        var externalID: String?
    }

    /// The ids of an order's events.
    struct OrderSubjects: Encodable { var orderID: String, jobID: String, nomadID: String, enterpriseID: String }

    /// The payload of order steps analytics only counts.
    struct OrderStep: Encodable {
        var status: Int
    }

    struct SkillChanged: Encodable {
        var parentCode: String?
        var aliases: [String]
    }
}

// In an extension, so the memberwise initialiser stays for the contract tests.
extension JobsEvents.JobPublished {
    init(_ posting: JobPosting) {
        self.init(
            mode: posting.mode.rawValue, seats: Int(posting.seats), skillCodes: posting.skills.map(\.code),
            essentialCodes: posting.skills.filter(\.essential).map(\.code), budgetMinor: posting.budgetMinor,
            currency: posting.currency, claimable: posting.claimable, externalID: posting.externalID)
    }
}
