/// Outbox payloads of the open-day, competition, award and docking areas.
/// Field names are the contract with analytics: snake_case, exactly as listed.

/// "events.scenario.published"
struct ScenarioPublished: Encodable {
    var scenarioID: String
    var enterpriseID: String
    /// Empty when the scenario is not tied to a calendar event.
    var eventID: String
    enum CodingKeys: String, CodingKey {
        case scenarioID = "scenario_id", enterpriseID = "enterprise_id", eventID = "event_id"
    }
}

/// "events.proposal.shortlisted" and "events.pairing.recorded"
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

/// "events.submission.created"
struct SubmissionCreated: Encodable {
    var competitionID: String
    var trackID: String
    var submissionID: String
    var memberIDs: [String]
    enum CodingKeys: String, CodingKey {
        case competitionID = "competition_id", trackID = "track_id", submissionID = "submission_id"
        case memberIDs = "member_ids"
    }
}

/// "events.award.granted"
struct AwardGranted: Encodable {
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

/// "events.docking.requested"
struct DockingRequested: Encodable {
    var dockingID: String
    var submissionID: String
    var targetID: String
    /// "enterprise" or "park".
    var targetKind: String
    enum CodingKeys: String, CodingKey {
        case dockingID = "docking_id", submissionID = "submission_id", targetID = "target_id", targetKind = "target_kind"
    }
}

/// "events.docking.answered"
struct DockingAnswered: Encodable {
    var dockingID: String
    /// "accepted" or "declined".
    var answer: String
    enum CodingKeys: String, CodingKey { case dockingID = "docking_id", answer }
}

/// "events.docking.outcome"
struct DockingConcluded: Encodable {
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
