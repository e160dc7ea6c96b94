import Foundation
import Logging
import NomadKit
import NomadProtos
import PostgresNIO

/// The events behind one KPI figure: the KPI's own facts SQL, with each
/// fact's event ids collected, so the drill-down names exactly what the
/// figure counts.
enum KpiEventQueries {
    struct Answer {
        /// The month's figure, as KpiQueries.series gives it.
        let value: Int64
        let eventCount: Int64
        let events: [IngestedEventRecord]
    }

    /// `month` is one calendar month. One statement: the figure, the count
    /// and the page come from the same snapshot.
    static func events(
        _ tx: Tx, kpi: Kpi, month: ReportPeriod, area: String?, settings: KpiSettings,
        page: Page
    ) async throws -> Answer {
        let rows = try await tx.query(
            """
            WITH params AS (
              SELECT \(month.from.iso)::date AS from_day, \(month.to.iso)::date AS to_day,
                     \(area)::text AS area, \(settings.superIndividualRevenueMinor)::bigint AS threshold),
            facts AS (\(unescaped: kpi.facts(FactEvents(collected: true)))),
            month_facts AS (SELECT f.value, f.events FROM facts f, params p WHERE f.day BETWEEN p.from_day AND p.to_day),
            ids AS (SELECT DISTINCT unnest(m.events) AS id FROM month_facts m),
            totals AS (
              SELECT coalesce((SELECT sum(value) FROM month_facts), 0)::bigint AS value,
                     (SELECT count(*) FROM ids)::bigint AS event_count)
            SELECT t.value, t.event_count, \(unescaped: IngestedEventStore.columns("pg")) FROM totals t
            LEFT JOIN LATERAL (
              SELECT e.* FROM ids JOIN ingested_events e ON e.id = ids.id
              ORDER BY e.occurred_at, e.id LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            ) pg ON true
            ORDER BY pg.occurred_at, pg.id
            """)
        var value: Int64 = 0, count: Int64 = 0
        var events: [IngestedEventRecord] = []
        for try await row in rows {
            let cells = row.makeRandomAccess()
            value = try cells[0].decode(Int64.self)
            count = try cells[1].decode(Int64.self)
            // The one row of an empty page has no event.
            if try cells[2].decode(UUID?.self) != nil {
                events.append(try IngestedEventStore.record(cells, from: 2))
            }
        }
        return Answer(value: value, eventCount: count, events: events)
    }
}
