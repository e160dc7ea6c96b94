import Foundation
import GRPCCore
import Hummingbird
import NomadProtos
import SwiftProtobuf

/// Pages anyone may open: the landing page, the one-card service catalogue,
/// upcoming events, open jobs and bounties, community sites and the KPIs.
/// Their data is read anonymously and cached for a few seconds.
enum PublicPages {
    static func register(on router: RouterGroup<PortalContext>, portal: Portal) {
        router.get("/") { request, context in
            portal.renderer.page("landing", titleKey: "landing.title", context: context, path: request.uri.path)
        }
        router.get("/catalogue") { request, context in
            try await catalogue(request, context, portal)
        }
        router.get("/catalogue/:code") { request, context in
            try await entry(request, context, portal)
        }
        router.get("/events") { request, context in
            try await events(request, context, portal)
        }
        router.get("/jobs") { request, context in
            try await jobs(request, context, portal)
        }
        router.get("/sites") { request, context in
            try await sites(request, context, portal)
        }
        router.get("/kpis") { request, context in
            try await kpis(request, context, portal)
        }
    }

    /// Anonymous calls: the same answer for every visitor, so it can be shared.
    static func anonymous(_ portal: Portal) -> Call { portal.backends.call(nil, .en) }

    /// Public data: read anonymously and shared through the cache. A service
    /// that still wants a token for the read (UNAUTHENTICATED) is asked again
    /// as the signed-in person, uncached; signed out, the page asks to sign in.
    static func read<Value: Sendable>(
        _ key: String, _ portal: Portal, _ context: PortalContext,
        _ load: @escaping @Sendable (Call) async throws -> Value
    ) async throws -> Value {
        do {
            return try await portal.cache.value(key) { try await load(anonymous(portal)) }
        } catch let error as RPCError where error.code == .unauthenticated || error.code == .permissionDenied {
            guard context.session != nil else { throw PageError(.forbidden, "error.page.sign_in_needed") }
            return try await load(portal.backends.call(context.session, .en))
        }
    }

    static func catalogueEntries(_ portal: Portal) async throws -> [Nomad_Identity_V1_CatalogueEntry] {
        try await portal.cache.value("catalogue") {
            let call = anonymous(portal)
            var entries: [Nomad_Identity_V1_CatalogueEntry] = []
            var token = ""
            for _ in 0..<10 {
                let page = try await portal.backends.identity.listCatalogue(
                    .with {
                        $0.page.pageSize = 100; $0.page.pageToken = token
                    }, metadata: call.metadata, options: call.options)
                entries += page.entries
                token = page.page.nextPageToken
                if token.isEmpty { break }
            }
            return entries
        }
    }

    static func entryView(_ entry: Nomad_Identity_V1_CatalogueEntry, _ context: PortalContext, _ portal: Portal) -> [String: Any] {
        let catalogue = portal.catalogue(context)
        let format = Formatting(language: context.language)
        return [
            "code": entry.code,
            "name": View.text(entry.name, context.language),
            "description": View.text(entry.description_p, context.language),
            "department": View.department(entry.department, catalogue),
            "audience": View.label("audience", String(describing: entry.audience), catalogue),
            "criteria": entry.eligibilityCriteria.map { View.text($0, context.language) },
            "evidence": entry.requiredEvidence.map { View.text($0, context.language) },
            "cost": entry.cost.minorUnits == 0 ? catalogue.text("catalogue.free") : format.money(entry.cost),
            "channels": entry.channels.map { View.label("channel", String(describing: $0), catalogue) }.joined(
                separator: catalogue.text("list.separator")),
            "days": catalogue.text("catalogue.days", ["n": format.number(Int(entry.processingDays))]),
            "forNomads": entry.audience == .nomad || entry.audience == .both,
        ]
    }

    static func catalogue(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        let entries = try await catalogueEntries(portal)
        return portal.renderer.page(
            "catalogue", titleKey: "catalogue.title", context: context, path: request.uri.path,
            data: ["entries": entries.map { entryView($0, context, portal) }, "empty": entries.isEmpty])
    }

    static func entry(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        let code = context.parameters.get("code") ?? ""
        guard code.count <= 64, let entry = try await catalogueEntries(portal).first(where: { $0.code == code }) else {
            throw PageError.notFound
        }
        var data = entryView(entry, context, portal)
        data["canApply"] =
            context.session?.isNomad == true && (entry.audience == .nomad || entry.audience == .both)
            || context.session?.role == "enterprise" && (entry.audience == .enterprise || entry.audience == .both)
        data["signedOut"] = context.session == nil
        data["form"] = CatalogueForms.fields(for: entry.code, catalogue: portal.catalogue(context)).map { field in
            var field = field
            let id = field["id"] as? String ?? ""
            field["value"] = context.flash?.values[field["name"] as? String ?? ""] ?? ""
            field["error"] = context.flash?.errors[id] ?? ""
            return field
        }
        data["requestID"] = UUID().uuidString
        if context.session != nil {
            data["documents"] = await DocumentSupport.documentChoices(portal, context, purpose: .serviceApplication)
        }
        let title = View.text(entry.name, context.language)["text"] ?? code
        return portal.renderer.page(
            "catalogue-entry", titleKey: "catalogue.entry_title", titleValues: ["name": title], context: context,
            path: request.uri.path, data: data)
    }

    /// The upcoming published events, read anonymously and shared through the cache.
    static func upcomingEvents(_ portal: Portal, _ context: PortalContext) async throws -> [Nomad_Events_V1_Event] {
        try await read("events", portal, context) { call in
            try await portal.backends.events.listEvents(
                .with {
                    $0.startsAfter = .init(date: Date())
                    $0.page.pageSize = 50
                }, metadata: call.metadata, options: call.options
            ).events
        }
    }

    /// The longest search kept; a longer one is cut, not refused.
    static let maxQuery = 100

    /// Upcoming events, each linking to its own page, searchable by title in
    /// the page's language (ListEvents has no text query: the portal filters
    /// the listed events, ignoring case, accents and width).
    static func events(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        let events = try await upcomingEvents(portal, context)
        let query = String(
            (request.uri.queryParameters.get("q") ?? "").split(whereSeparator: { $0.isWhitespace || $0.isNewline }).joined(separator: " ")
                .prefix(maxQuery))
        let format = Formatting(language: context.language)
        let catalogue = portal.catalogue(context)
        let shown = events.filter { event in
            query.isEmpty
                || (View.text(event.title, context.language)["text"] ?? "").range(
                    of: query, options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive]) != nil
        }
        let views: [[String: Any]] = shown.sorted { $0.startTime.seconds < $1.startTime.seconds }.map { event in
            var view = EventPages.eventView(event, context, portal)
            view["description"] = View.text(event.description_p, context.language)
            return view
        }
        return portal.renderer.page(
            "events", titleKey: "events.title", context: context, path: request.uri.path,
            data: [
                "events": views, "empty": events.isEmpty, "query": query, "searched": !query.isEmpty,
                "noMatch": !events.isEmpty && views.isEmpty,
                "searchSummary": catalogue.text("events.search_results", ["query": query, "count": format.number(views.count)]),
            ])
    }

    static func jobs(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        async let jobs = read("jobs", portal, context) { call in
            try await portal.backends.jobs.listJobs(.with { $0.page.pageSize = 50 }, metadata: call.metadata, options: call.options).jobs
        }
        async let bounties = read("bounties", portal, context) { call in
            try await portal.backends.jobs.listBounties(
                .with {
                    $0.status = .open; $0.page.pageSize = 50
                }, metadata: call.metadata, options: call.options
            ).bounties
        }
        let format = Formatting(language: context.language)
        let catalogue = portal.catalogue(context)
        let jobViews: [[String: Any]] = try await jobs.map { job in
            [
                "title": job.title, "description": job.description_p,
                "mode": View.label("job_mode", String(describing: job.mode), catalogue),
                "budget": format.money(job.budget),
                "deadline": job.hasDeadline ? format.timestamp(job.deadline) : "",
                "seats": catalogue.text(
                    "jobs.seats",
                    [
                        "free": format.number(Int(max(0, job.seats - job.seatsTaken))), "total": format.number(Int(job.seats)),
                    ]),
                "tools": job.tools.joined(separator: ", "),
            ]
        }
        let bountyViews: [[String: Any]] = try await bounties.map { bounty in
            [
                "id": bounty.bountyID, "title": bounty.title, "description": bounty.description_p,
                "budget": format.money(bounty.budget),
                "deadline": bounty.hasDeadline ? format.timestamp(bounty.deadline) : "",
                "places": format.number(Int(bounty.winnerPlaces)),
                "certifiedOnly": bounty.qualification.certifiedOnly,
            ]
        }
        return portal.renderer.page(
            "jobs", titleKey: "jobs.title", context: context, path: request.uri.path,
            data: ["jobs": jobViews, "bounties": bountyViews, "noJobs": jobViews.isEmpty, "noBounties": bountyViews.isEmpty])
    }

    static func sites(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        let sites = try await read("sites", portal, context) { call in
            try await portal.backends.identity.listSites(.with { $0.page.pageSize = 100 }, metadata: call.metadata, options: call.options)
                .sites
        }
        let format = Formatting(language: context.language)
        let catalogue = portal.catalogue(context)
        let views: [[String: Any]] = sites.map { site in
            [
                "name": View.text(site.name, context.language),
                "area": View.label("area", String(describing: site.area), catalogue),
                "address": site.address,
                "capacity": format.number(Int(site.capacity)),
                "amenities": site.amenities.joined(separator: catalogue.text("list.separator")),
            ]
        }
        return portal.renderer.page(
            "sites", titleKey: "sites.title", context: context, path: request.uri.path,
            data: ["sites": views, "empty": views.isEmpty])
    }

    static func kpis(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        let kpis = try await read("kpis", portal, context) { call in
            try await portal.backends.analytics.listKpis(.init(), metadata: call.metadata, options: call.options)
        }
        let format = Formatting(language: context.language)
        let catalogue = portal.catalogue(context)
        // Staff drill into each KPI's months and events.
        let staff = context.session?.role == "officer" || context.session?.role == "admin"
        var rows: [[String: Any]] = []
        var bars: [BarChart.Bar] = []
        for progress in kpis.kpis {
            let kpi = progress.kpi
            let name = View.catalogued("kpi.\(kpi.code).name", else: kpi.name, context.language, catalogue)
            let hasTarget = kpi.targetKind != .none && kpi.targetKind != .unspecified && kpi.target > 0
            let target = hasTarget ? format.amount(kpi.target, kpi.unit) : catalogue.text("kpis.no_target")
            let share = hasTarget ? format.percent(basisPoints: progress.shareBasisPoints) : ""
            rows.append([
                "name": name,
                "definition": View.catalogued("kpi.\(kpi.code).definition", else: kpi.definition, context.language, catalogue),
                "value": format.amount(progress.value, kpi.unit), "target": target, "share": share,
                "kind": View.label("target_kind", String(describing: kpi.targetKind), catalogue),
                "dashboard": staff ? "/staff/kpis/\(kpi.code)" : "", "code": kpi.code,
            ])
            if hasTarget {
                bars.append(
                    BarChart.Bar(
                        label: name["text"] ?? kpi.code,
                        share: Double(progress.shareBasisPoints) / 10000,
                        caption: catalogue.text(
                            "kpis.caption", ["value": format.amount(progress.value, kpi.unit), "target": target, "share": share])))
            }
        }
        let chart = BarChart(bars: bars, title: catalogue.text("kpis.chart_title"), rightToLeft: context.language.isRightToLeft)
        var period = ""
        if kpis.hasPeriod {
            period = catalogue.text("kpis.period", ["from": format.day(kpis.period.from), "to": format.day(kpis.period.to)])
        }
        return portal.renderer.page(
            "kpis", titleKey: "kpis.title", context: context, path: request.uri.path,
            data: [
                "kpis": rows, "chartSvg": bars.isEmpty ? "" : chart.svg(), "hasChart": !bars.isEmpty, "period": period,
                "empty": rows.isEmpty,
            ])
    }
}
