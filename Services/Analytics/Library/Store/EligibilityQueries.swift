import Foundation
import Logging
import NomadKit
import NomadProtos
import PostgresNIO

/// Reward eligibility computed from `ingested_events` at query time (see
/// REWARDS.md for the definitions). The lead's CSV export calls `all`.
public enum EligibilityQueries {
    /// One enterprise's counts and up to `evidenceLimit` items of evidence
    /// per criterion (ordered by subject id), with whether more were left out.
    static func one(
        _ tx: Tx, enterpriseID: String, year: Int, evidenceLimit: Int
    ) async throws -> (counts: CriterionCounts, evidence: [EvidenceItem]) {
        let rows = try await tx.query(
            """
            WITH \(itemsOf: year, enterprise: enterpriseID),
            ranked AS (
              SELECT criterion, subject, event_ids,
                     row_number() OVER (PARTITION BY criterion ORDER BY subject) AS rank,
                     count(*) OVER (PARTITION BY criterion) AS total
              FROM items
            )
            SELECT criterion, total, subject, event_ids FROM ranked WHERE rank <= \(evidenceLimit)::int
            ORDER BY criterion, rank
            """)
        var counts = CriterionCounts()
        var evidence: [EvidenceItem] = []
        for try await (criterion, total, subject, eventIDs) in rows.decode((Int, Int64, String, [String]).self) {
            guard let kind = RewardCriterionKind(rawValue: criterion) else { continue }
            counts[kind] = total
            evidence.append(EvidenceItem(criterion: kind, subjectID: subject, eventIDs: eventIDs))
        }
        return (counts, evidence)
    }

    /// Every enterprise with at least one counted item in the year, ordered
    /// by enterprise id; `onlyEligible` keeps those meeting a tier. `limit`
    /// nil returns them all (the CSV export).
    static func list(
        _ tx: Tx, year: Int, tiers: RewardTiers, onlyEligible: Bool,
        limit: Int?, offset: Int
    ) async throws -> [EligibilityRow] {
        let criteria = tiers.tiers.map { $0.criterion.rawValue }, minimums = tiers.tiers.map(\.minimum)
        let rows = try await tx.query(
            """
            WITH \(itemsOf: year, enterprise: nil),
            per AS (
              SELECT enterprise,
                     count(*) FILTER (WHERE criterion = 1) AS c1, count(*) FILTER (WHERE criterion = 2) AS c2,
                     count(*) FILTER (WHERE criterion = 3) AS c3, count(*) FILTER (WHERE criterion = 4) AS c4
              FROM items GROUP BY enterprise
            )
            SELECT enterprise, c1, c2, c3, c4 FROM per
            WHERE NOT \(onlyEligible)::boolean OR EXISTS (
              SELECT 1 FROM unnest(\(criteria)::int[], \(minimums)::bigint[]) AS t(criterion, minimum)
              WHERE CASE t.criterion WHEN 1 THEN c1 WHEN 2 THEN c2 WHEN 3 THEN c3 ELSE c4 END >= t.minimum)
            ORDER BY enterprise
            LIMIT \(limit)::int OFFSET \(offset)::int
            """)
        var result: [EligibilityRow] = []
        for try await (enterprise, c1, c2, c3, c4) in rows.decode((String, Int64, Int64, Int64, Int64).self) {
            var counts = CriterionCounts()
            counts[.nomadsIntroduced] = c1
            counts[.longContracts] = c2
            counts[.flexibleEngagements] = c3
            counts[.nomadsTrained] = c4
            result.append(EligibilityRow(enterpriseID: enterprise, year: year, counts: counts, tiersMet: tiers.met(by: counts)))
        }
        return result
    }

    /// The whole year's list, every enterprise with activity, for CSV export.
    public static func all(
        _ tx: Tx, year: Int, tiers: RewardTiers
    ) async throws -> [EligibilityRow] {
        try await list(tx, year: year, tiers: tiers, onlyEligible: false, limit: nil, offset: 0)
    }
}

extension PostgresQuery.StringInterpolation {
    /// The CTEs every eligibility query starts from, ending in `items`: every
    /// counted item of `year` as (enterprise, criterion, subject, event ids),
    /// only `enterprise`'s when it is given. The year is the zone's calendar
    /// year, as a half-open range of instants so the (type, occurred_at) index
    /// serves. `WITH \(itemsOf: year, enterprise: id), ...`; the year and the
    /// enterprise are bound where the text below breaks off.
    fileprivate mutating func appendInterpolation(itemsOf year: Int, enterprise: String?) {
        appendLiteral(
            """
            bounds AS (
              SELECT make_timestamptz(
            """)
        appendInterpolation(year)
        appendLiteral(
            """
            ::int, 1, 1, 0, 0, 0, 'Asia/Shanghai') AS lo,
                     make_timestamptz(
            """)
        appendInterpolation(year)
        appendLiteral(
            """
            ::int + 1, 1, 1, 0, 0, 0, 'Asia/Shanghai') AS hi
            ),
            signed AS (
              SELECT e.id, e.occurred_at, e.subject_ids->>'enterprise_id' AS enterprise,
                     e.subject_ids->>'nomad_id' AS nomad, e.subject_ids->>'order_id' AS order_id,
                     (e.payload->>'kind')::int AS kind, coalesce((e.payload->>'long_term')::boolean, false) AS long_term
              FROM ingested_events e, bounds b
              WHERE e.type = 'jobs.contract.signed' AND e.occurred_at >= b.lo AND e.occurred_at < b.hi
                AND e.subject_ids->>'enterprise_id' IS NOT NULL
                AND (
            """)
        appendInterpolation(enterprise)
        appendLiteral("::text IS NULL OR e.subject_ids->>'enterprise_id' = ")
        appendInterpolation(enterprise)
        appendLiteral(
            """
            ::text)
            ),
            training AS (
              -- Training events by their organizer, never cancelled.
              SELECT DISTINCT ON (p.subject_ids->>'event_id')
                     p.subject_ids->>'event_id' AS event_id, p.id, coalesce(p.subject_ids->>'organizer_id', p.payload->>'organizer_id') AS organizer
              FROM ingested_events p
              WHERE p.type = 'events.event.published' AND p.payload->>'kind' = 'training'
                AND (
            """)
        appendInterpolation(enterprise)
        appendLiteral("::text IS NULL OR coalesce(p.subject_ids->>'organizer_id', p.payload->>'organizer_id') = ")
        appendInterpolation(enterprise)
        appendLiteral(
            """
            ::text)
                AND NOT EXISTS (
                  SELECT 1 FROM ingested_events x
                  WHERE x.type = 'events.event.cancelled' AND x.subject_ids->>'event_id' = p.subject_ids->>'event_id')
              ORDER BY p.subject_ids->>'event_id', p.occurred_at, p.id
            ),
            items AS (
              -- A nomad is introduced by the enterprise of their first contract
              -- in the whole history (ties broken by event id), in its year.
              SELECT s.enterprise, \(RewardCriterionKind.nomadsIntroduced.rawValue) AS criterion, s.nomad AS subject, ARRAY[s.id::text] AS event_ids
              FROM signed s
              WHERE s.nomad IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM ingested_events f
                WHERE f.type = 'jobs.contract.signed' AND f.subject_ids->>'nomad_id' = s.nomad
                  AND (f.occurred_at, f.id) < (s.occurred_at, s.id))
              UNION ALL
              SELECT s.enterprise, \(RewardCriterionKind.longContracts.rawValue), s.order_id, array_agg(s.id::text ORDER BY s.occurred_at, s.id)
              FROM signed s WHERE s.kind = \(Nomad_Jobs_V1_ContractKind.employment.rawValue) AND s.long_term AND s.order_id IS NOT NULL
              GROUP BY s.enterprise, s.order_id
              UNION ALL
              SELECT s.enterprise, \(RewardCriterionKind.flexibleEngagements.rawValue), s.order_id, array_agg(s.id::text ORDER BY s.occurred_at, s.id)
              FROM signed s WHERE s.kind = \(Nomad_Jobs_V1_ContractKind.flexible.rawValue) AND s.order_id IS NOT NULL
              GROUP BY s.enterprise, s.order_id
              UNION ALL
              -- The check-ins that prove attendance, then the event's publication
              -- that proves it was the enterprise's training.
              SELECT t.organizer, \(RewardCriterionKind.nomadsTrained.rawValue), c.subject_ids->>'attendee_id',
                     array_agg(c.id::text ORDER BY c.occurred_at, c.id) || array_agg(DISTINCT t.id::text)
              FROM ingested_events c
              JOIN training t ON t.event_id = c.subject_ids->>'event_id', bounds b
              WHERE c.type = 'events.checkin.recorded' AND c.occurred_at >= b.lo AND c.occurred_at < b.hi
                AND c.subject_ids->>'attendee_id' IS NOT NULL AND t.organizer IS NOT NULL
              GROUP BY t.organizer, c.subject_ids->>'attendee_id'
            )
            """)
    }
}
