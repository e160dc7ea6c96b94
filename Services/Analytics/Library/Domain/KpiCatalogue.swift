import Foundation
import NomadProtos
import SwiftProtobuf

/// One KPI: what it means, its target, and how it is counted from
/// `ingested_events`. KPIS.md explains each one for people.
struct Kpi: Sendable {
    let code: String
    let nameZh: String, nameEn: String
    let definitionZh: String, definitionEn: String
    let unit: Nomad_Analytics_V1_KpiUnit
    let targetKind: Nomad_Analytics_V1_TargetKind
    /// In the KPI's unit (fen for money); 0 without a target. The
    /// programme's figure; `KpiSettings` may set another.
    var target: Int64
    let byArea: Bool
    let eventTypes: [String]
    /// "Facts": rows of (day date, value bigint, events uuid[]), each a
    /// contribution to the KPI on a zone day and the ingested events it comes
    /// from. KpiQueries wraps it in a CTE `params p` with from_day, to_day
    /// (date), area (text, NULL = whole zone) and threshold (bigint, fen) and
    /// buckets the facts by month. A fact must already be deduplicated (e.g.
    /// an account's first day), because months are summed. Facts may leave
    /// out days outside the period, except for CUMULATIVE KPIs, which also sum
    /// everything before it. The same SQL makes the figures and names their
    /// events, so a drill-down shows exactly what a figure counts.
    let facts: @Sendable (FactEvents) -> String

    /// The facts without their events: what the figures need.
    var factsSQL: String { facts(FactEvents(collected: false)) }

    var definition: Nomad_Analytics_V1_KpiDefinition {
        .with {
            $0.code = code
            $0.name = .with {
                $0.zhCn = nameZh; $0.en = nameEn
            }
            $0.definition = .with {
                $0.zhCn = definitionZh; $0.en = definitionEn
            }
            $0.unit = unit
            $0.targetKind = targetKind
            $0.target = target
            $0.byArea = byArea
            $0.eventTypes = eventTypes
        }
    }
}

/// How a fact names the ingested events behind it. Figures skip the ids (a
/// year of visits would aggregate hundreds of thousands for nothing); the
/// drill-down collects them.
struct FactEvents: Sendable {
    let collected: Bool

    /// Every event of the fact's group.
    func all(_ id: String) -> String {
        collected ? "array_agg(\(id))" : "NULL::uuid[]"
    }

    /// The group's first event by `order`: the one that made a subject count.
    func first(_ id: String, by order: String) -> String {
        collected ? "(array_agg(\(id) ORDER BY \(order), \(id)))[1:1]" : "NULL::uuid[]"
    }

    /// The fact is one event.
    func one(_ id: String) -> String {
        collected ? "ARRAY[\(id)]" : "NULL::uuid[]"
    }
}

/// The zone day of an event that carries no day of its own.
private let zoneDay = "(e.occurred_at AT TIME ZONE 'Asia/Shanghai')::date"

/// Each subject counted once, on its first day.
private func firstDayPer(_ type: String, _ subject: String) -> @Sendable (FactEvents) -> String {
    { events in
        """
        SELECT min(\(zoneDay)) AS day, 1::bigint AS value, \(events.first("e.id", by: "e.occurred_at")) AS events
        FROM ingested_events e WHERE e.type = '\(type)'
        GROUP BY e.subject_ids->>'\(subject)'
        """
    }
}

/// Confirmed revenue reports count in the month their period ends.
private func reportedSum(_ field: String) -> @Sendable (FactEvents) -> String {
    { events in
        """
        SELECT (e.payload->>'period_to')::date AS day, (e.payload->>'\(field)')::bigint AS value,
               \(events.one("e.id")) AS events
        FROM ingested_events e, params p
        WHERE e.type = 'analytics.revenue.confirmed'
          AND (e.payload->>'period_to')::date BETWEEN p.from_day AND p.to_day
        """
    }
}

/// The programme's KPIs, in the order reports list them.
enum KpiCatalogue {
    static let all: [Kpi] = [
        Kpi(
            code: "nomad_visits", nameZh: "数字游民到访人次", nameEn: "Nomad visits",
            definitionZh:
                "社区站点到访（identity.site.visited）与数字游民的活动签到（events.checkin.recorded，官员、企业人员签到不计）合计，每人每个到访日计一次：同一天既到站点又参加活动只算一次；按区域统计时每人每天每区域计一次。线上活动签到不计入。年度目标 5 万人次。",
            definitionEn:
                "Community site visits (identity.site.visited) and nomads' event check-ins (events.checkin.recorded; officers and enterprise staff checked in are not counted) together, counted once per person per visit day (zone time): a person at a site and at an event on the same day is one visit; by area, once per person per day per area. Check-ins at online events are not visits. Target: 50,000 a year.",
            unit: .count, targetKind: .annual, target: 50_000, byArea: true,
            eventTypes: ["identity.site.visited", "events.checkin.recorded"],
            facts: { events in
                """
                SELECT v.day, 1::bigint AS value, \(events.all("v.id")) AS events FROM (
                  SELECT e.id, e.subject_ids->>'account_id' AS person, (e.payload->>'day')::date AS day, e.payload->>'area' AS area
                  FROM ingested_events e WHERE e.type = 'identity.site.visited'
                  UNION ALL
                  SELECT e.id, e.payload->>'attendee_id', (e.payload->>'visit_day')::date, e.payload->>'area'
                  FROM ingested_events e WHERE e.type = 'events.checkin.recorded'
                    -- Version 1 check-ins did not say who passed; they were
                    -- counted then, and still are, so a published month keeps
                    -- its figure.
                    AND COALESCE(e.payload->>'attendee_role', 'nomad') = 'nomad'
                ) v, params p
                WHERE v.area IN ('core', 'linked') AND (p.area IS NULL OR v.area = p.area)
                  AND v.day BETWEEN p.from_day AND p.to_day
                GROUP BY v.person, v.day
                """
            }),
        Kpi(
            code: "high_tech_enterprises", nameZh: "孵化数字经济高新技术企业", nameEn: "High-tech digital enterprises incubated",
            definitionZh: "经官员登记认定的数字经济高新技术企业（analytics.enterprise.recognized），每家企业计一次，计入认定生效日所在月。累计目标不少于 10 家。",
            definitionEn:
                "Enterprises an officer recorded as recognised high-tech digital enterprises (analytics.enterprise.recognized), each once, in the month the recognition took effect. Cumulative target: at least 10.",
            unit: .count, targetKind: .cumulative, target: 10, byArea: false,
            eventTypes: ["analytics.enterprise.recognized"],
            facts: { events in
                """
                SELECT min((e.payload->>'recognized_on')::date) AS day, 1::bigint AS value,
                       \(events.first("e.id", by: "(e.payload->>'recognized_on')::date")) AS events
                FROM ingested_events e WHERE e.type = 'analytics.enterprise.recognized'
                GROUP BY e.subject_ids->>'enterprise_id'
                """
            }),
        Kpi(
            code: "super_individuals", nameZh: "超级个体", nameEn: "Super individuals",
            definitionZh: "个体申报人（数字游民或个体工商户、工作室）在一个自然年内经确认的营收合计达到阈值（默认 2000 万元，可配置）即计一人，计入该年合计首次达到阈值的报告期末所在月；每个申报人只计一次。累计目标不少于 10 人。",
            definitionEn:
                "An individual reporter (a nomad, or an individual business or studio) whose officer-confirmed revenue within one calendar year reaches the threshold (20 million yuan by default, configurable), counted once per reporter ever, in the month whose report period end first brings the year's total to the threshold. Cumulative target: at least 10.",
            unit: .count, targetKind: .cumulative, target: 10, byArea: false,
            eventTypes: ["analytics.revenue.confirmed"],
            // The events of a super individual: the year's confirmed reports
            // up to the day its total reached the threshold.
            facts: { events in
                """
                SELECT DISTINCT ON (s.reporter) s.day, 1::bigint AS value, s.events FROM (
                  SELECT r.reporter, r.day,
                         sum(r.revenue) OVER (PARTITION BY r.reporter, extract(year FROM r.day)
                                              ORDER BY r.day ROWS UNBOUNDED PRECEDING) AS year_total,
                         \(events.collected ? "array_agg(r.id) OVER (PARTITION BY r.reporter, extract(year FROM r.day) ORDER BY r.day RANGE UNBOUNDED PRECEDING)" : "NULL::uuid[]") AS events
                  FROM (
                    SELECT e.id, e.subject_ids->>'reporter_id' AS reporter, (e.payload->>'period_to')::date AS day,
                           (e.payload->>'revenue_minor')::bigint AS revenue
                    FROM ingested_events e
                    WHERE e.type = 'analytics.revenue.confirmed' AND (e.payload->>'individual')::boolean
                  ) r
                ) s, params p
                WHERE s.year_total >= p.threshold
                ORDER BY s.reporter, s.day
                """
            }),
        Kpi(
            code: "settled_migrants", nameZh: "落户数字移民", nameEn: "Settled digital migrants",
            definitionZh: "办理落户的数字游民（identity.nomad.settled），每个账户计一次，计入首次落户日所在月。累计目标不少于 5000 人。",
            definitionEn:
                "Nomads who settled in the zone (identity.nomad.settled), each account once, in the month of its first settlement. Cumulative target: at least 5,000.",
            unit: .count, targetKind: .cumulative, target: 5_000, byArea: false,
            eventTypes: ["identity.nomad.settled"],
            facts: firstDayPer("identity.nomad.settled", "account_id")),
        Kpi(
            code: "settled_from_nomads", nameZh: "数字游民转化落户", nameEn: "Nomads who settled",
            definitionZh:
                "落户数字移民（identity.nomad.settled）中，首次落户前已获数字游民认证（identity.nomad.certified）的账户：游民向移民的转化。每个账户计一次，计入首次落户日所在月。无单独目标（落户总目标见“落户数字移民”）。",
            definitionEn:
                "Settled digital migrants (identity.nomad.settled) who had been certified as nomads (identity.nomad.certified) before their first settlement: nomads converted to migrants. Each account once, in the month of its first settlement. No target of its own (the settlement target is settled_migrants').",
            unit: .count, targetKind: .none, target: 0, byArea: false,
            eventTypes: ["identity.nomad.settled", "identity.nomad.certified"],
            facts: { events in
                """
                SELECT s.day, 1::bigint AS value, s.events || c.events AS events
                FROM (
                  SELECT e.subject_ids->>'account_id' AS account, min(e.occurred_at) AS at, min(\(zoneDay)) AS day,
                         \(events.first("e.id", by: "e.occurred_at")) AS events
                  FROM ingested_events e WHERE e.type = 'identity.nomad.settled'
                  GROUP BY e.subject_ids->>'account_id'
                ) s
                CROSS JOIN LATERAL (
                  SELECT \(events.first("e.id", by: "e.occurred_at")) AS events
                  FROM ingested_events e
                  WHERE e.type = 'identity.nomad.certified' AND e.subject_ids->>'account_id' = s.account
                    AND e.occurred_at <= s.at
                  HAVING count(*) > 0
                ) c
                """
            }),
        Kpi(
            code: "international_sites", nameZh: "国际数字游民社区示范点", nameEn: "International nomad community sites",
            definitionZh: "官员创建时认定为国际数字游民社区的社区示范点（identity.site.created，international 为 true），每个站点计一次，计入创建日所在月。计划要求“打造一批”，未给出数字，故无目标。",
            definitionEn:
                "Community demonstration sites an officer designated international digital-nomad communities when creating them (identity.site.created with international true), each site once, in the month it was created. The plan asks for \"a batch\" without a figure, so there is no target.",
            unit: .count, targetKind: .none, target: 0, byArea: false,
            eventTypes: ["identity.site.created"],
            facts: { events in
                """
                SELECT min(\(zoneDay)) AS day, 1::bigint AS value, \(events.first("e.id", by: "e.occurred_at")) AS events
                FROM ingested_events e
                WHERE e.type = 'identity.site.created' AND e.payload->>'international' = 'true'
                GROUP BY e.subject_ids->>'site_id'
                """
            }),
        Kpi(
            code: "digital_economy_revenue", nameZh: "数字经济核心产业营收", nameEn: "Core digital-economy revenue",
            definitionZh: "经官员确认的营收申报（analytics.revenue.confirmed）中的营收合计（分），整笔计入报告期末所在月；被驳回或待审的申报不计。年度目标 20 亿元。",
            definitionEn:
                "Revenue of officer-confirmed reports (analytics.revenue.confirmed), in fen, the whole amount in the month the report's period ends; rejected and pending reports do not count. Target: 2 billion yuan a year.",
            unit: .cnyMinor, targetKind: .annual, target: 200_000_000_000, byArea: false,
            eventTypes: ["analytics.revenue.confirmed"],
            facts: reportedSum("revenue_minor")),
        Kpi(
            code: "tax_revenue", nameZh: "税收", nameEn: "Tax revenue",
            definitionZh: "经官员确认的申报中的纳税额合计（分），整笔计入报告期末所在月。年度目标 2 亿元。",
            definitionEn:
                "Tax of officer-confirmed reports (analytics.revenue.confirmed), in fen, the whole amount in the month the report's period ends. Target: 200 million yuan a year.",
            unit: .cnyMinor, targetKind: .annual, target: 20_000_000_000, byArea: false,
            eventTypes: ["analytics.revenue.confirmed"],
            facts: reportedSum("tax_minor")),
        Kpi(
            code: "certified_nomads", nameZh: "认证数字游民", nameEn: "Certified nomads",
            definitionZh: "获得认证的数字游民（identity.nomad.certified），每个账户计一次，计入首次认证日所在月。无目标。",
            definitionEn:
                "Nomads certified (identity.nomad.certified), each account once, in the month of its first certification. No target.",
            unit: .count, targetKind: .none, target: 0, byArea: false,
            eventTypes: ["identity.nomad.certified"],
            facts: firstDayPer("identity.nomad.certified", "account_id")),
        Kpi(
            code: "jobs_posted", nameZh: "发布岗位", nameEn: "Jobs posted",
            definitionZh: "发布的岗位（jobs.posting.published），每个岗位计一次。无目标。",
            definitionEn: "Job postings published (jobs.posting.published), each posting once. No target.",
            unit: .count, targetKind: .none, target: 0, byArea: false,
            eventTypes: ["jobs.posting.published"],
            facts: firstDayPer("jobs.posting.published", "job_id")),
        Kpi(
            code: "jobs_filled", nameZh: "岗位签约", nameEn: "Jobs filled",
            definitionZh: "签订的合同（jobs.contract.signed），每个订单计一次，计入签约日所在月；订单其后被取消（jobs.order.cancelled）的不计。无目标。",
            definitionEn:
                "Contracts signed (jobs.contract.signed), each order once, in the month of signing; an order later cancelled (jobs.order.cancelled) does not count. No target.",
            unit: .count, targetKind: .none, target: 0, byArea: false,
            eventTypes: ["jobs.contract.signed", "jobs.order.cancelled"],
            facts: { events in
                """
                SELECT min(\(zoneDay)) AS day, 1::bigint AS value, \(events.first("e.id", by: "e.occurred_at")) AS events
                FROM ingested_events e
                WHERE e.type = 'jobs.contract.signed'
                  AND NOT EXISTS (
                    SELECT 1 FROM ingested_events c
                    WHERE c.type = 'jobs.order.cancelled' AND c.subject_ids->>'order_id' = e.subject_ids->>'order_id')
                GROUP BY e.subject_ids->>'order_id'
                """
            }),
        Kpi(
            code: "bounties_completed", nameZh: "揭榜挂帅完成", nameEn: "Bounties completed",
            definitionZh: "完成的揭榜挂帅项目（jobs.bounty.completed），每个项目计一次。无目标。",
            definitionEn: "Open bounties completed (jobs.bounty.completed), each bounty once. No target.",
            unit: .count, targetKind: .none, target: 0, byArea: false,
            eventTypes: ["jobs.bounty.completed"],
            facts: firstDayPer("jobs.bounty.completed", "bounty_id")),
        Kpi(
            code: "pow_credited", nameZh: "POW 贡献入账", nameEn: "POW credited",
            definitionZh: "数据贡献入账的 POW 单位合计（assets.contribution.credited 的 units），其后被冲正（assets.contribution.rejected）的贡献不计。无目标。",
            definitionEn:
                "POW units credited for data contributions (units of assets.contribution.credited); a contribution later reversed (assets.contribution.rejected) does not count. No target.",
            unit: .ledgerUnits, targetKind: .none, target: 0, byArea: false,
            eventTypes: ["assets.contribution.credited", "assets.contribution.rejected"],
            facts: { events in
                """
                SELECT \(zoneDay) AS day, (e.payload->>'units')::bigint AS value, \(events.one("e.id")) AS events
                FROM ingested_events e, params p
                WHERE e.type = 'assets.contribution.credited'
                  AND \(zoneDay) BETWEEN p.from_day AND p.to_day
                  AND NOT EXISTS (
                    SELECT 1 FROM ingested_events r
                    WHERE r.type = 'assets.contribution.rejected'
                      AND r.subject_ids->>'contribution_id' = e.subject_ids->>'contribution_id')
                """
            }),
        Kpi(
            code: "points_redeemed", nameZh: "积分兑换", nameEn: "Points redeemed",
            definitionZh: "在商户兑换的积分合计（assets.points.redeemed 的 points）。无目标。",
            definitionEn: "Points redeemed at merchants (points of assets.points.redeemed). No target.",
            unit: .ledgerUnits, targetKind: .none, target: 0, byArea: false,
            eventTypes: ["assets.points.redeemed"],
            facts: { events in
                """
                SELECT \(zoneDay) AS day, (e.payload->>'points')::bigint AS value, \(events.one("e.id")) AS events
                FROM ingested_events e, params p
                WHERE e.type = 'assets.points.redeemed' AND \(zoneDay) BETWEEN p.from_day AND p.to_day
                """
            }),
        Kpi(
            code: "event_attendance", nameZh: "活动参与人次", nameEn: "Event attendance",
            definitionZh: "活动签到（events.checkin.recorded）：每个活动每位参与者计一次，计入其首次签到日所在月（分会场签到不重复计）；按区域统计时按活动所在区域。无目标。",
            definitionEn:
                "Event check-ins (events.checkin.recorded): each attendee once per event, in the month of their first check-in (session check-ins do not add); by area, the event's area. No target.",
            unit: .count, targetKind: .none, target: 0, byArea: true,
            eventTypes: ["events.checkin.recorded"],
            facts: { events in
                """
                SELECT min((e.payload->>'visit_day')::date) AS day, 1::bigint AS value,
                       \(events.first("e.id", by: "(e.payload->>'visit_day')::date")) AS events
                FROM ingested_events e, params p
                WHERE e.type = 'events.checkin.recorded' AND (p.area IS NULL OR e.payload->>'area' = p.area)
                GROUP BY e.payload->>'event_id', e.payload->>'attendee_id'
                """
            }),
    ]

    static func find(_ code: String) -> Kpi? {
        all.first { $0.code == code }
    }
}
