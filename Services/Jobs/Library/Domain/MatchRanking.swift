import Foundation

/// The exact top N of `MatchNomads` without scoring every candidate.
///
/// A popular skill has tens of thousands of holders; scoring each in Swift
/// (and reading each one's tools) was where MatchNomads spent its time. So
/// the database ranks the candidates by an *upper bound* of their score,
/// and only the first few, read in that order, are scored exactly here.
///
/// Why the result is exactly the ranking of scoring everyone:
///
/// 1. **Scores are integers in disguise.** Every part of a score is rounded
///    to hundredths, and the total is the rounded sum of the rounded parts, so
///    a score is `k / 100` for the integer `k` that is the sum of the parts'
///    hundredths (the float error of adding at most 33 such parts is far below
///    half a hundredth, so rounding lands on that sum). Two scores compare as
///    their `k` do. `hundredths(_:)` recovers `k`.
/// 2. **The bound is never below the score.** The database adds, per
///    candidate, the hundredths each held skill earns (a table computed here by
///    the scorer itself, for every level and proven level, so nothing of the
///    formula is written twice), the availability points, the language points
///    for a count of matched languages that is at least the true one, and the
///    most the tools can give (they are the one part not read in the scan).
///    Each term is at least the score's own term, so `bound ≥ k`.
/// 3. **Candidates arrive in (bound desc, id asc) order**, the same order
///    `ranksBefore` uses for scores. Say the exact top N of those read so far
///    ends with `(T, idT)` and the last one read was `(b, id)`. Every unread
///    candidate `c` has `(bound_c, id_c)` after `(b, id)`, and its score
///    `k_c ≤ bound_c`. If `(b, id)` does not rank before `(T, idT)`, then
///    neither can `(k_c, id_c)`: a higher or equal score with a smaller id would
///    need `bound_c ≥ k_c ≥ T` together with `(bound_c, id_c)` after `(b, id)`,
///    which is at or after `(T, idT)`. So no unread candidate can enter the
///    top N, ties at the cut included, and reading stops.
/// 4. Otherwise every candidate that could still enter has `bound ≥ T`; one
///    more read fetches all of them past `(b, id)`, and the top N over
///    everything read is the answer (T only rises as more are scored).
///
/// Nothing here trusts the bound beyond "never below": a looser bound only
/// means more candidates read, never a different answer.
struct MatchRanking {
    /// Candidates scored exactly: the id as sent (the tie-breaker), the score.
    private(set) var scored: [(key: String, score: Double)] = []
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    mutating func add(key: String, score: Double) {
        scored.append((key, score))
    }

    /// The hundredths below which no unread candidate can enter the top
    /// `limit`, when one might still: nil once reading can stop. `last` is the
    /// last candidate read, `(bound, key)` in the database's order.
    func threshold(afterLast last: (bound: Int, key: String)) -> Int? {
        guard scored.count >= limit else {
            // Fewer scored than asked for: every unread candidate could enter.
            return Int.min
        }
        let cut = top[limit - 1]
        let cutHundredths = MatchScoring.hundredths(cut.score)
        let lastRanksBeforeCut = last.bound != cutHundredths ? last.bound > cutHundredths : last.key < cut.key
        return lastRanksBeforeCut ? cutHundredths : nil
    }

    /// The best `limit`, best first, equal scores in id order.
    var top: [(key: String, score: Double)] {
        Array(scored.sorted { MatchScoring.ranksBefore(($0.score, $0.key), ($1.score, $1.key)) }.prefix(limit))
    }
}

extension MatchScoring {
    /// A score or part in hundredths of a point: exact, since every part is
    /// rounded to hundredths (see `MatchRanking`).
    static func hundredths(_ points: Double) -> Int {
        Int((points * 100).rounded())
    }

    /// Levels and proven levels the bound tables cover (the schema's checks:
    /// level 1 to 5, proven level 0 to 5; level 0 is there for plain indexing).
    static let levels = 0...5

    /// What the database needs to bound a candidate's score for one job, in
    /// hundredths, each entry computed by the scorer itself.
    struct BoundTables: Sendable, Equatable {
        /// Per requirement (in the job's order), 36 entries: the points of
        /// holding it at `level * 6 + provenLevel`.
        var skillPoints: [Int32]
        /// The job's languages, as the scorer compares them (primary subtags).
        var languageKeys: [String]
        /// Language points by the number of the job's languages matched.
        var languagePoints: [Int32]
        /// The most the tools can give.
        var toolsMax: Int32

        init(_ scorer: Scorer) {
            var skillPoints: [Int32] = []
            skillPoints.reserveCapacity(scorer.job.requirements.count * 36)
            for requirement in scorer.job.requirements {
                for level in MatchScoring.levels {
                    for proven in MatchScoring.levels {
                        let points = scorer.points(requirement, held: Held(level: level, verifiedLevel: proven)).points
                        skillPoints.append(Int32(MatchScoring.hundredths(points)))
                    }
                }
            }
            self.skillPoints = skillPoints
            languageKeys = scorer.jobLanguages.sorted()
            languagePoints = (0...languageKeys.count).map {
                Int32(MatchScoring.hundredths(scorer.languagePoints(matched: $0)))
            }
            toolsMax = Int32(MatchScoring.hundredths(scorer.toolsPoints(matched: scorer.wantedTools.count)))
        }
    }
}
