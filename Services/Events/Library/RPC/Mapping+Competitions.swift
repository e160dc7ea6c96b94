import Foundation
import NomadKit
import NomadProtos
import SwiftProtobuf

private func localized(_ zh: String, _ en: String) -> Nomad_Common_V1_LocalizedText {
    .with {
        $0.zhCn = zh; $0.en = en
    }
}

extension ScenarioRecord {
    var message: Nomad_Events_V1_OpenDayScenario {
        .with {
            $0.scenarioID = id.text
            $0.enterpriseID = enterpriseID.text
            $0.eventID = eventID?.text ?? ""
            $0.title = localized(titleZh, titleEn)
            $0.description_p = localized(descriptionZh, descriptionEn)
            $0.businessProblem = businessProblem
            $0.dataOffered = dataOffered
            $0.budget = .with {
                $0.currencyCode = currency; $0.minorUnits = budgetMinor
            }
            $0.deadline = .init(date: deadline)
            $0.createTime = .init(date: createdAt)
        }
    }
}

extension ScenarioProposalRecord {
    var message: Nomad_Events_V1_ScenarioProposal {
        .with {
            $0.proposalID = id.text
            $0.scenarioID = scenarioID.text
            $0.proposerID = proposerID.text
            $0.memberIds = members.map(\.text)
            $0.summary = summary
            $0.links = links
            $0.evidenceHash = evidenceHash
            $0.status = .init(rawValue: Int(status)) ?? .unspecified
            $0.pairingNote = pairingNote
            $0.createTime = .init(date: createdAt)
            if let shortlistedAt { $0.shortlistTime = .init(date: shortlistedAt) }
            if let pairedAt { $0.pairingTime = .init(date: pairedAt) }
        }
    }
}

extension CompetitionRecord {
    var message: Nomad_Events_V1_Competition {
        .with { competition in
            competition.competitionID = id.text
            competition.organizerID = organizerID.text
            competition.eventID = eventID?.text ?? ""
            competition.title = localized(titleZh, titleEn)
            competition.description_p = localized(descriptionZh, descriptionEn)
            competition.anonymised = anonymised
            competition.rubric = rubric.map { criterion in
                .with {
                    $0.name = criterion.name; $0.weight = Int32(criterion.weight); $0.maxScore = Int32(criterion.maxScore)
                }
            }
            competition.tracks = tracks.map { track in
                .with {
                    $0.trackID = track.id.text; $0.name = track.name; $0.judgeIds = track.judges.map(\.text)
                }
            }
            competition.phase = .init(rawValue: Int(phase.rawValue)) ?? .unspecified
            competition.createTime = .init(date: createdAt)
        }
    }
}

extension SubmissionRecord {
    /// `hidden`: an anonymised review shows judges the work, not who made it.
    func message(hidden: Bool = false) -> Nomad_Events_V1_CompetitionSubmission {
        .with {
            $0.submissionID = id.text
            $0.competitionID = competitionID.text
            $0.trackID = trackID.text
            if !hidden {
                $0.submitterID = submitterID.text
                $0.memberIds = members.map(\.text)
            }
            $0.projectTitle = projectTitle
            $0.description_p = description
            $0.links = links
            $0.evidenceHash = evidenceHash
            $0.createTime = .init(date: createdAt)
        }
    }
}

extension ScoreRecord {
    func message(rubric: [CompetitionDraft.Criterion]) -> Nomad_Events_V1_CompetitionScore {
        .with {
            $0.submissionID = submissionID.text
            $0.judgeID = judgeID.text
            $0.scores = zip(rubric, points).map { criterion, score in
                .with {
                    $0.criterion = criterion.name; $0.score = Int32(score)
                }
            }
            $0.weightedTotalMilli = weightedTotalMilli
            $0.scoreTime = .init(date: scoredAt)
        }
    }
}

extension AwardRecord {
    var message: Nomad_Events_V1_CompetitionAward {
        .with {
            $0.awardID = id.text
            $0.competitionID = competitionID.text
            $0.trackID = trackID.text
            $0.submissionID = submissionID.text
            $0.name = localized(nameZh, nameEn)
            $0.rank = Int32(rank)
            $0.memberIds = members.map(\.text)
            $0.grantTime = .init(date: grantedAt)
        }
    }
}

extension DockingRecord {
    var message: Nomad_Events_V1_AwardDocking {
        .with {
            $0.dockingID = id.text
            $0.competitionID = competitionID.text
            $0.submissionID = submissionID.text
            $0.requesterID = requesterID.text
            $0.targetID = targetID.text
            $0.targetKind = .init(rawValue: Int(targetKind)) ?? .unspecified
            $0.message = requestMessage
            $0.status = .init(rawValue: Int(status)) ?? .unspecified
            $0.answerNote = answerNote
            $0.outcome = outcome.flatMap { .init(rawValue: Int($0)) } ?? .unspecified
            $0.outcomeRecordedBy = outcomeBy?.text ?? ""
            $0.createTime = .init(date: createdAt)
            if let answeredAt { $0.answerTime = .init(date: answeredAt) }
            if let outcomeAt { $0.outcomeTime = .init(date: outcomeAt) }
        }
    }
}
