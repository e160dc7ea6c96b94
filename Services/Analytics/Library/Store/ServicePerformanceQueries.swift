import Foundation
import Logging
import NomadKit
import PostgresNIO

/// One-card service performance from identity's application events (see
/// REWARDS.md): applications submitted in the period, joined by
/// application_id with their decision and rating whenever those came.
enum ServicePerformanceQueries {
    /// A page of per-entry rows (ordered by department, then service code)
    /// and the total row over every matching application, in one statement.
    static func page(
        _ tx: Tx, period: ReportPeriod, department: String?, serviceCode: String?,
        page: Page
    ) async throws -> (rows: [ServicePerformanceFigures], total: ServicePerformanceFigures) {
        let rows = try await tx.query(
            """
            WITH submitted AS (
              -- One row per application, should identity ever emit it twice.
              SELECT DISTINCT ON (e.subject_ids->>'application_id')
                     e.subject_ids->>'application_id' AS app, e.occurred_at AS submitted_at,
                     e.payload->>'service_code' AS code, e.payload->>'department' AS dept,
                     coalesce((e.payload->>'processing_days')::int, 0) AS limit_days
              FROM ingested_events e
              WHERE e.type = 'identity.application.submitted'
                AND e.occurred_at >= (\(period.from.iso)::date::timestamp AT TIME ZONE 'Asia/Shanghai')
                AND e.occurred_at < ((\(period.to.iso)::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
                AND e.subject_ids->>'application_id' IS NOT NULL
                AND (\(department)::text IS NULL OR e.payload->>'department' = \(department)::text)
                AND (\(serviceCode)::text IS NULL OR e.payload->>'service_code' = \(serviceCode)::text)
              ORDER BY e.subject_ids->>'application_id', e.occurred_at, e.id
            ),
            decided AS (
              SELECT DISTINCT ON (d.subject_ids->>'application_id')
                     d.subject_ids->>'application_id' AS app, d.occurred_at AS decided_at,
                     (d.payload->>'late')::boolean AS late
              FROM ingested_events d
              WHERE d.type = 'identity.application.decided'
                AND d.subject_ids->>'application_id' IN (SELECT app FROM submitted)
              ORDER BY d.subject_ids->>'application_id', d.occurred_at, d.id
            ),
            rated AS (
              SELECT DISTINCT ON (r.subject_ids->>'application_id')
                     r.subject_ids->>'application_id' AS app, (r.payload->>'stars')::int AS stars
              FROM ingested_events r
              WHERE r.type = 'identity.application.rated'
                AND r.subject_ids->>'application_id' IN (SELECT app FROM submitted)
              ORDER BY r.subject_ids->>'application_id', r.occurred_at, r.id
            ),
            joined AS (
              SELECT s.code, s.dept, s.submitted_at, s.limit_days, d.decided_at, r.stars,
                     (extract(epoch FROM d.decided_at - s.submitted_at) / 86400.0)::float8 AS days,
                     -- identity's own rule: due limit_days * 24 hours after
                     -- submission; its decision event says whether it was late.
                     CASE WHEN d.app IS NOT NULL
                          THEN coalesce(d.late, d.decided_at > s.submitted_at + make_interval(hours => s.limit_days * 24))
                          ELSE now() > s.submitted_at + make_interval(hours => s.limit_days * 24) END AS overdue
              FROM submitted s LEFT JOIN decided d ON d.app = s.app LEFT JOIN rated r ON r.app = s.app
            ),
            grouped AS (
              SELECT GROUPING(dept, code) <> 0 AS is_total,
                     coalesce(dept, '') AS dept, coalesce(code, '') AS code,
                     count(*) AS received, count(decided_at) AS completed,
                     round((percentile_cont(0.5) WITHIN GROUP (ORDER BY days))::numeric, 1)::float8 AS median_days,
                     round((percentile_cont(0.9) WITHIN GROUP (ORDER BY days))::numeric, 1)::float8 AS p90_days,
                     (array_agg(limit_days ORDER BY submitted_at DESC))[1] AS limit_days,
                     count(*) FILTER (WHERE overdue) AS overdue,
                     round(avg(stars)::numeric, 2)::float8 AS average_rating, count(stars) AS ratings
              FROM joined
              GROUP BY GROUPING SETS ((dept, code), ())
            ),
            numbered AS (
              SELECT *, row_number() OVER (PARTITION BY is_total ORDER BY dept, code) AS n FROM grouped
            )
            SELECT is_total, dept, code, received, completed, median_days, p90_days, limit_days, overdue,
                   average_rating, ratings
            FROM numbered
            WHERE is_total OR (n > \(page.offset) AND n <= \(page.offset + page.fetchLimit))
            ORDER BY is_total, n
            """)
        var entries: [ServicePerformanceFigures] = []
        var total: ServicePerformanceFigures?
        for try await (isTotal, dept, code, received, completed, median, p90, limit, overdue, average, ratings)
            in rows.decode((Bool, String, String, Int64, Int64, Double?, Double?, Int32?, Int64, Double?, Int64).self)
        {
            let figures = ServicePerformanceFigures(
                serviceCode: isTotal ? "" : code, department: isTotal ? "" : dept, received: received, completed: completed,
                medianDays: median, p90Days: p90, timeLimitDays: isTotal ? 0 : (limit ?? 0), overdue: overdue,
                averageRating: average, ratings: ratings)
            if isTotal { total = figures } else { entries.append(figures) }
        }
        // GROUPING SETS yields the () row even over no input rows.
        return (
            entries,
            total
                ?? ServicePerformanceFigures(
                    serviceCode: "", department: "", received: 0, completed: 0, medianDays: nil, p90Days: nil,
                    timeLimitDays: 0, overdue: 0, averageRating: nil, ratings: 0)
        )
    }
}
