import Foundation
import NomadKit
import NomadProtos

/// A competition as created, after validation.
struct CompetitionDraft: Sendable {
    struct Criterion: Sendable, Equatable {
        var name: String
        var weight: Int
        var maxScore: Int
    }

    var eventID: UUID?
    var title: (zh: String, en: String)
    var description: (zh: String, en: String)
    var anonymised: Bool
    var rubric: [Criterion]
    var tracks: [String]
}

/// A submission as entered, after validation. `members` starts with the submitter.
struct SubmissionDraft: Sendable {
    var members: [UUID]
    var projectTitle: String
    var description: String
    var links: [String]
    var evidenceHash: String
}

/// Maker competitions (创客赛事): the rubric, the phase order and what each
/// phase allows. Plain Swift, so every rule reads in one place.
enum CompetitionRules {
    static let maxTitle = 200
    static let maxText = 5000
    static let maxCriteria = 20
    static let maxTracks = 20
    static let maxWeight = 100
    static let maxMaxScore = 1000

    /// The proto enum's numbers; the order is the only order phases move in.
    enum Phase: Int16, Comparable {
        case draft = 1, submission = 2, review = 3, ranking = 4, closed = 5

        static func < (a: Phase, b: Phase) -> Bool { a.rawValue < b.rawValue }
    }

    static func draft(_ competition: Nomad_Events_V1_Competition) throws -> CompetitionDraft {
        let eventID = try EntryInput.optionalID(competition.eventID, "competition.event_id")
        let title = try Validate.localized(competition.title, "competition.title", max: maxTitle)
        let description = try Validate.localized(competition.description_p, "competition.description", max: maxText)
        guard !competition.rubric.isEmpty else { throw NomadError.required("competition.rubric") }
        guard competition.rubric.count <= maxCriteria else {
            throw NomadError.invalid("competition.rubric", zh: "最多 \(maxCriteria) 项", en: "at most \(maxCriteria) criteria")
        }
        var rubric: [CompetitionDraft.Criterion] = []
        for criterion in competition.rubric {
            let name = try Validate.text(criterion.name, "competition.rubric.name", max: maxTitle)
            guard (1...maxWeight).contains(Int(criterion.weight)) else {
                throw NomadError.invalid(
                    "competition.rubric.weight", zh: "权重须为 1 到 \(maxWeight) 的正整数",
                    en: "a weight must be a positive integer up to \(maxWeight)")
            }
            guard (1...maxMaxScore).contains(Int(criterion.maxScore)) else {
                throw NomadError.invalid(
                    "competition.rubric.max_score", zh: "满分须为 1 到 \(maxMaxScore) 的正整数",
                    en: "a maximum score must be a positive integer up to \(maxMaxScore)")
            }
            guard !rubric.contains(where: { $0.name == name }) else {
                throw NomadError.invalid("competition.rubric.name", zh: "评分项重复：\(name)", en: "duplicate criterion \(name)")
            }
            rubric.append(.init(name: name, weight: Int(criterion.weight), maxScore: Int(criterion.maxScore)))
        }
        guard !competition.tracks.isEmpty else { throw NomadError.required("competition.tracks") }
        guard competition.tracks.count <= maxTracks else {
            throw NomadError.invalid("competition.tracks", zh: "最多 \(maxTracks) 个赛道", en: "at most \(maxTracks) tracks")
        }
        var tracks: [String] = []
        for track in competition.tracks {
            let name = try Validate.text(track.name, "competition.tracks.name", max: maxTitle)
            guard !tracks.contains(name) else {
                throw NomadError.invalid("competition.tracks.name", zh: "赛道重复：\(name)", en: "duplicate track \(name)")
            }
            tracks.append(name)
        }
        return CompetitionDraft(
            eventID: eventID, title: title, description: description, anonymised: competition.anonymised,
            rubric: rubric, tracks: tracks)
    }

    static func requestedPhase(_ raw: Int) throws -> Phase {
        guard let phase = Phase(rawValue: Int16(clamping: raw)) else { throw NomadError.unknownEnum("phase") }
        return phase
    }

    /// Phases move forward one step at a time, never back or over one.
    static func advance(from current: Phase, to next: Phase) throws {
        guard next.rawValue == current.rawValue + 1 else {
            throw NomadError.wrongState(
                "赛事阶段须按 草稿→征集→评审→排名→结束 依次推进（当前 \(current.rawValue)，请求 \(next.rawValue)）",
                "phases move draft → submission → review → ranking → closed one step at a time (now \(current), asked \(next))")
        }
    }

    static func submission(_ request: Nomad_Events_V1_SubmitCompetitionEntryRequest, submitter: UUID) throws -> SubmissionDraft {
        SubmissionDraft(
            members: try EntryInput.team(lead: submitter, others: request.memberIds),
            projectTitle: try Validate.text(request.projectTitle, "project_title", max: maxTitle),
            description: try Validate.text(request.description_p, "description", max: maxText),
            links: try EntryInput.links(request.links),
            evidenceHash: try Validate.sha256Hex(request.evidenceHash, "evidence_hash", required: false))
    }

    static func requirePhase(_ phase: Phase, _ allowed: Set<Phase>, zh: String, en: String) throws {
        guard allowed.contains(phase) else { throw NomadError.wrongState(zh, en) }
    }

    /// One score per rubric criterion, each within 0...max, returned in
    /// rubric order with the weighted total's numerator and denominator.
    static func scores(
        _ given: [Nomad_Events_V1_CriterionScore], rubric: [CompetitionDraft.Criterion]
    ) throws -> (points: [Int], weighted: Int, weights: Int) {
        var byName: [String: Int32] = [:]
        for score in given {
            let name = score.criterion.trimmingCharacters(in: .whitespacesAndNewlines)
            guard rubric.contains(where: { $0.name == name }) else {
                throw NomadError.invalid("scores.criterion", zh: "评分标准中没有该项：\(name)", en: "no such criterion in the rubric: \(name)")
            }
            guard byName[name] == nil else {
                throw NomadError.invalid("scores.criterion", zh: "评分项重复：\(name)", en: "criterion scored twice: \(name)")
            }
            byName[name] = score.score
        }
        var points: [Int] = []
        for criterion in rubric {
            guard let score = byName[criterion.name] else {
                throw NomadError.invalid("scores", zh: "缺少评分项：\(criterion.name)", en: "missing a score for \(criterion.name)")
            }
            guard (0...Int32(criterion.maxScore)).contains(score) else {
                throw NomadError.invalid(
                    "scores.score", zh: "“\(criterion.name)”的分数须在 0 到 \(criterion.maxScore) 之间",
                    en: "the score for \(criterion.name) must be between 0 and \(criterion.maxScore)")
            }
            points.append(Int(score))
        }
        let weighted = zip(points, rubric).reduce(0) { $0 + $1.0 * $1.1.weight }
        return (points, weighted, rubric.reduce(0) { $0 + $1.weight })
    }
}
