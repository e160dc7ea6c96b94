import Foundation
import GRPCCore
import Hummingbird
import NomadKit
import NomadProtos
import SwiftProtobuf

/// The staff's KPI dashboard: one KPI's months of a year (and area) against
/// its target, drawn on the server, its CSV, and a drill-down from a month's
/// figure to the events that make it up. Officers and admins only: the
/// events name people and enterprises.
enum StaffKpiPages {
    static func register(on router: RouterGroup<PortalContext>, portal: Portal) {
        router.get("/staff/kpis/:code") { request, context in try await series(request, context, portal) }
        router.get("/staff/kpis/:code/csv") { request, context in try await csv(request, context, portal) }
        router.get("/staff/kpis/:code/events/:month") { request, context in try await events(request, context, portal) }
    }

    /// What a dashboard URL asks for; anything odd falls back to the default
    /// (this year, the whole zone) rather than an error page.
    struct Query {
        let code: String
        let year: Int
        let area: Nomad_Analytics_V1_Area

        init(_ request: Request, _ context: PortalContext) {
            code = context.parameters.get("code") ?? ""
            let thisYear = ZoneDay.today().year
            let asked = request.uri.queryParameters.get("year").flatMap { Int($0) } ?? thisYear
            year = (2000...2100).contains(asked) ? asked : thisYear
            switch request.uri.queryParameters.get("area") {
            case "core": area = .core
            case "linked": area = .linked
            default: area = .unspecified
            }
        }

        var areaName: String? {
            switch area {
            case .core: return "core"
            case .linked: return "linked"
            default: return nil
            }
        }

        var period: Nomad_Analytics_V1_Period {
            .with {
                $0.from = .with {
                    $0.year = Int32(year); $0.month = 1; $0.day = 1
                }
                $0.to = .with {
                    $0.year = Int32(year); $0.month = 12; $0.day = 31
                }
            }
        }

        func path(_ suffix: String = "", year: Int? = nil, area: String?? = nil) -> String {
            var query = "year=\(year ?? self.year)"
            if let area = area ?? areaName { query += "&area=\(area)" }
            return "/staff/kpis/\(FormBody.encode(code))\(suffix)?\(query)"
        }
    }

    static func series(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try portal.requireStaff(context, request)
        let query = Query(request, context)
        let call = portal.call(context)
        let series = try await portal.backends.analytics.getKpiSeries(
            .with {
                $0.code = query.code
                $0.period = query.period
                $0.area = query.area
            }, metadata: call.metadata, options: call.options)
        let kpi = series.progress.kpi
        let catalogue = portal.catalogue(context)
        let format = Formatting(language: context.language)
        let hasTarget = kpi.targetKind != .none && kpi.targetKind != .unspecified && kpi.target > 0
        let target = hasTarget ? format.amount(kpi.target, kpi.unit) : catalogue.text("kpis.no_target")
        let largest = series.points.map(\.value).max() ?? 0
        var bars: [BarChart.Bar] = []
        var months: [[String: Any]] = []
        for point in series.points {
            let month = format.month(point.month)
            let value = format.amount(point.value, kpi.unit)
            let running = format.amount(point.runningTotal, kpi.unit)
            // Against the target, the running total; without one, each month
            // against the year's largest.
            let share =
                hasTarget
                ? Double(point.runningTotal) / Double(kpi.target)
                : largest > 0 ? Double(point.value) / Double(largest) : 0
            bars.append(
                BarChart.Bar(
                    label: month, share: share, caption: catalogue.text("staff_kpi.bar_caption", ["value": value, "total": running])))
            months.append([
                "month": month, "value": value, "total": running, "hasEvents": point.value != 0,
                "events": query.path("/events/\(point.month)"),
            ])
        }
        let chart = BarChart(
            bars: bars, title: catalogue.text("staff_kpi.chart_title", ["year": String(query.year)]),
            rightToLeft: context.language.isRightToLeft, showsTarget: hasTarget)
        let name = View.catalogued("kpi.\(kpi.code).name", else: kpi.name, context.language, catalogue)
        let areas: [[String: Any]] =
            kpi.byArea
            ? [("all", nil), ("core", "core"), ("linked", "linked")].map { label, area in
                [
                    "label": catalogue.text("staff_kpi.area_\(label)"), "path": query.path(area: .some(area)),
                    "current": area == query.areaName,
                ]
            } : []
        return portal.renderer.page(
            "staff_kpi", titleKey: "staff_kpi.title", titleValues: ["name": name["text"] ?? kpi.code], context: context,
            path: request.uri.path,
            data: [
                "name": name,
                "definition": View.catalogued("kpi.\(kpi.code).definition", else: kpi.definition, context.language, catalogue),
                "year": String(query.year), "target": target, "hasTarget": hasTarget,
                "kind": View.label("target_kind", String(describing: kpi.targetKind), catalogue),
                "value": format.amount(series.progress.value, kpi.unit),
                "share": hasTarget ? format.percent(basisPoints: series.progress.shareBasisPoints) : "",
                "chartSvg": chart.svg(), "months": months, "areas": areas, "hasAreas": !areas.isEmpty,
                "previous": query.path(year: query.year - 1), "next": query.path(year: query.year + 1),
                "csv": query.path("/csv"),
            ])
    }

    static func events(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try portal.requireStaff(context, request)
        let query = Query(request, context)
        let month = context.parameters.get("month") ?? ""
        let token = request.uri.queryParameters.get("page").map { String($0) } ?? ""
        let call = portal.call(context)
        let answer = try await portal.backends.analytics.listKpiEvents(
            .with {
                $0.code = query.code
                $0.month = month
                $0.area = query.area
                $0.page = .with {
                    $0.pageSize = 50; $0.pageToken = token
                }
            }, metadata: call.metadata, options: call.options)
        let kpi = answer.kpi
        let catalogue = portal.catalogue(context)
        let format = Formatting(language: context.language)
        let rows: [[String: Any]] = answer.events.map { ingested in
            let event = ingested.event
            return [
                "time": format.timestamp(event.occurredAt), "type": event.type, "source": event.sourceService,
                "subjects": event.subjectIds.sorted { $0.key < $1.key }.map { ["key": $0.key, "value": $0.value] },
                "payload": event.payloadJson.count > 300 ? String(event.payloadJson.prefix(300)) + "…" : event.payloadJson,
            ]
        }
        var next = ""
        if !answer.page.nextPageToken.isEmpty {
            next = query.path("/events/\(month)") + "&page=" + FormBody.encode(answer.page.nextPageToken)
        }
        let name = View.catalogued("kpi.\(kpi.code).name", else: kpi.name, context.language, catalogue)
        let unit = kpi.unit
        return portal.renderer.page(
            "staff_kpi_events", titleKey: "staff_kpi_events.title",
            titleValues: ["name": name["text"] ?? query.code, "month": format.month(month)],
            context: context, path: request.uri.path,
            data: [
                "name": name, "month": format.month(month),
                "summary": catalogue.text(
                    "staff_kpi_events.summary",
                    [
                        "value": format.amount(answer.value, unit), "count": format.number(answer.eventCount),
                    ]),
                "events": rows, "empty": rows.isEmpty, "next": next, "back": query.path(),
            ])
    }

    static func csv(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try portal.requireStaff(context, request)
        let query = Query(request, context)
        let call = portal.call(context)
        let exportRequest = Nomad_Analytics_V1_ExportCsvRequest.with {
            $0.kpiSeries = .with {
                $0.code = query.code
                $0.period = query.period
                $0.area = query.area
            }
        }
        let data = try await portal.backends.analytics.exportCsv(
            request: ClientRequest(message: exportRequest, metadata: call.metadata), options: call.options
        ) { response in
            var data = Data()
            for try await chunk in response.messages { data.append(chunk.data) }
            return data
        }
        let file =
            "kpi-\(query.code.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })-\(query.year)"
            + (query.areaName.map { "-\($0)" } ?? "") + ".csv"
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"\(file)\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
