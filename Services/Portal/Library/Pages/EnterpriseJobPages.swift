import Foundation
import GRPCCore
import Hummingbird
import NomadKit
import NomadProtos
import SwiftProtobuf

/// An enterprise's jobs: its postings (open, filled, closed), a form to
/// publish one (skills with levels and whether each is essential, mode,
/// seats, budget, deadline, languages, tools, whether nomads may claim it at
/// once), closing one with a reason, and for an open job the nomads who
/// match best with each part of the score explained and, per nomad, the
/// skill gap with the trainings that close it.
///
/// The jobs service decides everything (its rules, the owner check on every
/// call); the portal checks first only what it can say next to a field. A
/// nomad is shown by a short reference, not by name: matching reads skill
/// profiles, and the enterprise learns who someone is when they apply.
enum EnterpriseJobPages {
    static func register(on router: RouterGroup<PortalContext>, portal: Portal) {
        router.get("/enterprise/jobs") { request, context in try await list(request, context, portal) }
        router.post("/enterprise/jobs") { request, context in try await publish(request, context, portal) }
        router.get("/enterprise/jobs/:id") { request, context in try await detail(request, context, portal) }
        router.post("/enterprise/jobs/:id/close") { request, context in try await close(request, context, portal) }
        router.get("/enterprise/jobs/:id/gap/:nomad") { request, context in try await gap(request, context, portal) }
    }

    static func requireEnterprise(_ context: PortalContext, _ request: Request, _ portal: Portal) throws -> Session {
        let session = try portal.requireSession(context, request)
        guard session.role == "enterprise" else { throw PageError(.forbidden, "error.page.enterprises_only") }
        return session
    }

    /// The modes a job is published with (open bounties have their own form).
    static let modes: [(mode: Nomad_Jobs_V1_JobMode, code: String)] = [
        (.remoteOrder, "remoteOrder"), (.longContract, "longContract"), (.flexible, "flexible"),
    ]

    /// Skill rows on the form: the first is required.
    static let skillRows = 3

    // MARK: the list and the form

    static func list(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        let session = try requireEnterprise(context, request, portal)
        let call = portal.call(context)
        func jobs(_ status: Nomad_Jobs_V1_JobStatus) async throws -> [Nomad_Jobs_V1_Job] {
            try await portal.backends.jobs.listJobs(
                .with {
                    $0.enterpriseID = session.accountID
                    $0.status = status
                    $0.page.pageSize = 100
                }, metadata: call.metadata, options: call.options
            ).jobs
        }
        async let open = jobs(.open)
        async let filled = jobs(.filled)
        async let closed = jobs(.closed)
        async let library = skillLibrary(portal, call)
        let catalogue = portal.catalogue(context)
        let format = Formatting(language: context.language)
        let values = context.flash?.values ?? [:]
        let current = try await open + filled
        let skills = try await library
        let rows: [[String: Any]] = (1...skillRows).map { row in
            [
                "n": row, "first": row == 1,
                "groups": skillGroups(skills, language: context.language, chosen: values["skill_\(row)"]),
                "levels": (1...5).map { ["level": $0, "selected": values["level_\(row)"] == String($0)] as [String: Any] },
                "essential": row == 1 ? values["essential_1"] != "0" : values["essential_\(row)"] == "1",
                "weight": values["weight_\(row)"] ?? "5",
                "skillError": context.flash?.errors["skill_\(row)"] ?? "",
                "levelError": context.flash?.errors["level_\(row)"] ?? "",
            ]
        }
        let closedViews = try await closed.map { jobView($0, catalogue, format) }
        let chosenLanguages = Set((values["languages"] ?? "").split(separator: ",").map(String.init))
        return portal.renderer.page(
            "enterprise-jobs", titleKey: "ent_jobs.title", context: context, path: request.uri.path,
            data: [
                "current": current.map { jobView($0, catalogue, format) },
                "closed": closedViews, "hasClosed": !closedViews.isEmpty,
                "noCurrent": current.isEmpty,
                "modes": modes.map { mode, code in
                    ["code": code, "label": View.label("job_mode", code, catalogue), "selected": values["mode"] == code]
                },
                "skillRows": rows,
                "languages": PortalLanguage.allCases.map { language in
                    [
                        "tag": language.tag, "name": language.nativeName,
                        "checked": chosenLanguages.contains(language.tag),
                    ] as [String: Any]
                },
                "claimable": values["claimable"] == "1",
                "deadline": values["deadline"] ?? defaultDeadline(),
                "requestID": UUID().uuidString,
            ])
    }

    /// What the list and a job's page both show.
    static func jobView(_ job: Nomad_Jobs_V1_Job, _ catalogue: Catalogue, _ format: Formatting) -> [String: Any] {
        [
            "id": job.jobID, "title": job.title,
            "mode": View.label("job_mode", String(describing: job.mode), catalogue),
            "status": View.label("job_status", String(describing: job.status), catalogue),
            "open": job.status == .open || job.status == .filled,
            "budget": format.money(job.budget),
            "deadline": job.hasDeadline ? format.timestamp(job.deadline) : "",
            "seats": catalogue.text(
                "jobs.seats",
                ["free": format.number(Int(max(0, job.seats - job.seatsTaken))), "total": format.number(Int(job.seats))]),
        ]
    }

    static func publish(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try requireEnterprise(context, request, portal)
        let form = context.form
        let back = "/enterprise/jobs#publish"
        var keep = Portal.keepable(form)
        keep["languages"] = PortalLanguage.allCases.map(\.tag).filter { form["language_\($0)"] == "1" }.joined(separator: ",")
        var errors: [String: String] = [:]
        for field in ["title", "description"] where WalletPages.oneLine(form[field]).isEmpty { errors[field] = "form.required" }
        let mode = modes.first { $0.code == form["mode"] }?.mode
        if mode == nil { errors["mode"] = "form.required" }
        let seats = WalletPages.amount(form["seats"])
        if seats == nil { errors["seats"] = "wallet.whole_number" }
        let budget = WalletPages.amount(form["budget"])
        if budget == nil { errors["budget"] = "wallet.whole_number" }
        let deadline = Self.endOfDay(form["deadline"])
        if deadline == nil { errors["deadline"] = "form.not_a_date" }
        var skills: [Nomad_Jobs_V1_RequiredSkill] = []
        for row in 1...skillRows {
            let code = form["skill_\(row)"] ?? ""
            if code.isEmpty {
                if row == 1 { errors["skill_1"] = "form.required" }
                continue
            }
            guard let level = Int32(form["level_\(row)"] ?? ""), (1...5).contains(level) else {
                errors["level_\(row)"] = "form.required"
                continue
            }
            let weight = Int32(form["weight_\(row)"] ?? "") ?? 5
            skills.append(
                .with {
                    $0.skillCode = code
                    $0.minLevel = level
                    $0.weight = min(max(weight, 1), 10)
                    $0.essential = row == 1 ? form["essential_1"] != "0" : form["essential_\(row)"] == "1"
                })
        }
        guard errors.isEmpty, let mode, let seats, let budget, let deadline else {
            throw portal.backToForm(back, context: context, errors: errors, keep: keep)
        }
        let job: Nomad_Jobs_V1_Job
        do {
            let call = portal.call(context)
            job = try await portal.backends.jobs.publishJob(
                .with {
                    $0.requestID = AccountPages.requestID(form)
                    $0.job = .with {
                        $0.title = WalletPages.oneLine(form["title"])
                        $0.description_p = (form["description"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                        $0.requiredSkills = skills
                        $0.tools = WalletPages.oneLine(form["tools"]).split(separator: ",").map {
                            $0.trimmingCharacters(in: .whitespaces)
                        }.filter { !$0.isEmpty }
                        $0.budget = .with {
                            $0.currencyCode = "CNY"
                            $0.minorUnits = budget.multipliedReportingOverflow(by: 100).overflow ? Int64.max : budget * 100
                        }
                        $0.mode = mode
                        $0.seats = Int32(clamping: seats)
                        $0.deadline = .init(date: deadline)
                        $0.languages = keep["languages"].map { $0.split(separator: ",").map(String.init) } ?? []
                        $0.claimable = form["claimable"] == "1"
                    }
                }, metadata: call.metadata, options: call.options)
        } catch let error as RPCError where EventPages.formRefusal(error) {
            throw portal.backToForm(
                back, context: context, error: error, operation: "publish_job",
                fieldMap: [
                    "required_skills": "skill_1", "skill_code": "skill_1", "min_level": "level_1", "weight": "skill_1",
                ], keep: keep)
        }
        throw portal.done("/enterprise/jobs/\(job.jobID)", notice: "ent_jobs.published")
    }

    /// Thirty days from today in the zone, as a date field holds it: the
    /// form's starting value, so a date need only be typed to change it.
    static func defaultDeadline(now: Date = Date()) -> String {
        ZoneDay.today(now: now).adding(days: 30).iso
    }

    /// The last second of a `yyyy-mm-dd` day in the zone's time, or nil when
    /// the text is not such a day.
    static func endOfDay(_ text: String?) -> Date? {
        guard let day = ZoneDay(iso: text ?? "") else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = ZoneDay.zone
        return calendar.date(
            from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 23, minute: 59, second: 59))
    }

    // MARK: one job and its matches

    static func detail(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try requireEnterprise(context, request, portal)
        let id = try EventPages.id(context)
        let call = portal.call(context)
        let job = try await portal.backends.jobs.getJob(.with { $0.jobID = id }, metadata: call.metadata, options: call.options)
        guard job.enterpriseID == context.session?.accountID else { throw PageError(.forbidden, "error.page.not_your_job") }
        let catalogue = portal.catalogue(context)
        let format = Formatting(language: context.language)
        let open = job.status == .open || job.status == .filled
        var data = jobView(job, catalogue, format)
        data["description"] = job.description_p
        data["tools"] = job.tools.joined(separator: ", ")
        data["languages"] = job.languages.joined(separator: ", ")
        data["claimable"] = job.claimable
        let names = Self.names(of: try await skillLibrary(portal, call), context.language)
        data["skills"] = job.requiredSkills.map { skill in
            [
                "name": names[skill.skillCode] ?? skill.skillCode, "level": skill.minLevel, "weight": skill.weight,
                "essential": skill.essential,
            ] as [String: Any]
        }
        if open {
            let response = try await portal.backends.jobs.matchNomads(
                .with {
                    $0.jobID = id
                    $0.limit = 20
                }, metadata: call.metadata, options: call.options)
            data["matches"] = response.matches.enumerated().map { index, match in
                matchView(index: index, match, names: names, catalogue: catalogue, format: format)
            }
            data["noMatches"] = response.matches.isEmpty
            data["considered"] = catalogue.text(
                "ent_jobs.considered",
                ["considered": format.number(Int(response.considered)), "excluded": format.number(Int(response.excluded))])
            data["closeRequestID"] = UUID().uuidString
            data["reasonError"] = context.flash?.errors["reason"] ?? ""
        }
        return portal.renderer.page(
            "enterprise-job", titleKey: "ent_jobs.job_title", titleValues: ["title": job.title], context: context,
            path: request.uri.path, data: data)
    }

    /// A nomad's place in the ranking: a reference of the id's first
    /// characters, the score and its parts, each skill's explanation.
    static func matchView(
        index: Int, _ match: Nomad_Jobs_V1_Match, names: [String: String], catalogue: Catalogue, format: Formatting
    ) -> [String: Any] {
        func points(_ value: Double) -> String { String(format: "%.2f", value) }
        return [
            "rank": index + 1, "nomadID": match.nomadID, "jobID": match.jobID, "reference": String(match.nomadID.prefix(8)),
            "score": points(match.score), "skills": points(match.skillPoints), "tools": points(match.toolsPoints),
            "availability": points(match.availabilityPoints), "language": points(match.languagePoints),
            "summary": match.summary,
            "contributions": match.contributions.map { part in
                [
                    "name": names[part.skillCode] ?? part.skillCode, "points": points(part.points),
                    "explanation": part.explanation, "essential": part.essential,
                ] as [String: Any]
            },
        ]
    }

    /// The whole skills library in code order (parents before children),
    /// a page of 100 at a time.
    static func skillLibrary(_ portal: Portal, _ call: Call) async throws -> [Nomad_Jobs_V1_Skill] {
        var skills: [Nomad_Jobs_V1_Skill] = []
        var token = ""
        // Ten pages is far beyond the library (94 skills at the start); the
        // bound keeps a service's bad paging from looping the page.
        for _ in 0..<10 {
            let page = try await portal.backends.jobs.listSkills(
                .with {
                    $0.descendants = true
                    $0.page.pageSize = 100
                    $0.page.pageToken = token
                }, metadata: call.metadata, options: call.options)
            skills += page.skills
            token = page.page.nextPageToken
            if token.isEmpty { break }
        }
        return skills
    }

    /// The picker's groups: one per top-level area, holding the area itself
    /// and every skill beneath it (a third-level one after its parent's name).
    static func skillGroups(_ skills: [Nomad_Jobs_V1_Skill], language: PortalLanguage, chosen: String?) -> [[String: Any]] {
        let names = Self.names(of: skills, language)
        var groups: [[String: Any]] = []
        for root in skills where root.parentCode.isEmpty {
            let members = skills.filter { $0.code == root.code || $0.code.hasPrefix(root.code + ".") }
            groups.append([
                "label": names[root.code] ?? root.code,
                "skills": members.map { skill in
                    let name = names[skill.code] ?? skill.code
                    let label = skill.path.count > 2 ? "\(names[skill.parentCode] ?? skill.parentCode): \(name)" : name
                    return ["code": skill.code, "name": label, "selected": chosen == skill.code] as [String: Any]
                },
            ])
        }
        return groups
    }

    /// Skill names in the page's language, by code.
    static func names(of skills: [Nomad_Jobs_V1_Skill], _ language: PortalLanguage) -> [String: String] {
        Dictionary(skills.map { ($0.code, View.text($0.name, language)["text"] ?? $0.code) }, uniquingKeysWith: { first, _ in first })
    }

    static func close(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try requireEnterprise(context, request, portal)
        let id = try EventPages.id(context)
        let back = "/enterprise/jobs/\(id)#close"
        let reason = WalletPages.oneLine(context.form["reason"])
        guard !reason.isEmpty else { throw portal.backToForm(back, context: context, errors: ["reason": "queue.reason_required"]) }
        do {
            let call = portal.call(context)
            _ = try await portal.backends.jobs.closeJob(
                .with {
                    $0.requestID = AccountPages.requestID(context.form)
                    $0.jobID = id
                    $0.reason = reason
                }, metadata: call.metadata, options: call.options)
        } catch let error as RPCError where EventPages.formRefusal(error) {
            throw portal.backToForm(back, context: context, error: error, operation: "close_job")
        }
        throw portal.done("/enterprise/jobs", notice: "ent_jobs.closed_notice")
    }

    // MARK: a nomad's gap

    static func gap(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try requireEnterprise(context, request, portal)
        let id = try EventPages.id(context)
        let nomad = try EventPages.id(context, parameter: "nomad")
        let call = portal.call(context)
        let gap = try await portal.backends.jobs.getSkillGap(
            .with {
                $0.jobID = id
                $0.nomadID = nomad
            }, metadata: call.metadata, options: call.options)
        var data = gapView(gap, context.language)
        data["back"] = "/enterprise/jobs/\(id)"
        return portal.renderer.page(
            "skill-gap", titleKey: "ent_jobs.gap_title", titleValues: ["reference": String(gap.nomadID.prefix(8))],
            context: context, path: request.uri.path, data: data)
    }

    /// What a gap page shows: whether the essential skills are met, then the
    /// essential and the other skills missing or below level, each with the
    /// trainings that prove it (the nomad's and the enterprise's view alike).
    static func gapView(_ gap: Nomad_Jobs_V1_SkillGap, _ language: PortalLanguage) -> [String: Any] {
        func items(_ list: [Nomad_Jobs_V1_GapItem]) -> [[String: Any]] {
            list.map { item in
                [
                    "name": View.text(item.name, language), "required": item.requiredLevel,
                    "current": item.currentLevel, "missing": item.missing,
                    "scenarios": item.scenarios.map { ["title": View.text($0.title, language)] },
                    "hasScenarios": !item.scenarios.isEmpty,
                ] as [String: Any]
            }
        }
        return [
            "qualified": gap.qualified,
            "essential": items(gap.essential), "optional": items(gap.optional),
            "hasEssential": !gap.essential.isEmpty, "hasOptional": !gap.optional.isEmpty,
            "noGap": gap.essential.isEmpty && gap.optional.isEmpty,
        ]
    }
}
