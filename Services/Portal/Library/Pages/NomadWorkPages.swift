import Foundation
import GRPCCore
import Hummingbird
import NomadProtos
import SwiftProtobuf

/// A nomad's work: their skill profile (declared and proven levels), the
/// open jobs that match them best with each part of the score explained in
/// their language, taking a place at once where the enterprise allows it or
/// applying with a note, and for each job the skills they lack with the
/// trainings that prove them. The orders that follow are /orders.
///
/// The jobs service decides (the essential rule, seats, a foreign nomad's
/// permit, a second application); the portal checks the path's id and the
/// note's length before asking.
enum NomadWorkPages {
    static func register(on router: RouterGroup<PortalContext>, portal: Portal) {
        router.get("/work") { request, context in try await work(request, context, portal) }
        router.post("/work/jobs/:id/claim") { request, context in try await claim(request, context, portal) }
        router.post("/work/jobs/:id/apply") { request, context in try await apply(request, context, portal) }
        router.get("/work/jobs/:id/gap") { request, context in try await gap(request, context, portal) }
    }

    /// Matched jobs shown: enough to choose from on a phone.
    static let shown: Int32 = 10

    /// The longest cover note the form takes (the service's own limit is checked there too).
    static let maxNote = 2000

    static func work(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try portal.requireNomad(context, request)
        let call = portal.call(context)
        let catalogue = portal.catalogue(context)
        let format = Formatting(language: context.language)
        let profile: Nomad_Jobs_V1_Profile
        do {
            profile = try await portal.backends.jobs.getProfile(.init(), metadata: call.metadata, options: call.options)
        } catch let error as RPCError where error.code == .notFound {
            // No profile yet: nothing can match.
            return portal.renderer.page(
                "work", titleKey: "work.title", context: context, path: request.uri.path, data: ["noProfile": true])
        }
        let names = EnterpriseJobPages.names(of: try await EnterpriseJobPages.skillLibrary(portal, call), context.language)
        let matches = try await portal.backends.jobs.matchJobs(
            .with { $0.limit = shown }, metadata: call.metadata, options: call.options
        ).matches
        let jobs = try await withThrowingTaskGroup(of: Nomad_Jobs_V1_Job.self) { group in
            for match in matches {
                group.addTask {
                    try await portal.backends.jobs.getJob(.with { $0.jobID = match.jobID }, metadata: call.metadata, options: call.options)
                }
            }
            var byID: [String: Nomad_Jobs_V1_Job] = [:]
            for try await job in group { byID[job.jobID] = job }
            return byID
        }
        let views: [[String: Any]] = matches.enumerated().compactMap { index, match in
            guard let job = jobs[match.jobID] else { return nil }
            var view = EnterpriseJobPages.matchView(index: index, match, names: names, catalogue: catalogue, format: format)
            view.merge(EnterpriseJobPages.jobView(job, catalogue, format)) { _, job in job }
            view["description"] = job.description_p
            view["claimable"] = job.claimable
            view["requestID"] = UUID().uuidString
            view["noteError"] = context.flash?.errors["note_\(job.jobID)"] ?? ""
            return view
        }
        let skills: [[String: Any]] = profile.skills.map { skill in
            [
                "name": names[skill.skillCode] ?? skill.skillCode, "level": skill.level,
                "proven": skill.verifiedLevel > 0 ? String(skill.verifiedLevel) : "",
            ]
        }
        return portal.renderer.page(
            "work", titleKey: "work.title", context: context, path: request.uri.path,
            data: ["skills": skills, "matches": views, "noMatches": views.isEmpty, "hasProfile": true])
    }

    static func claim(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try portal.requireNomad(context, request)
        let id = try EventPages.id(context)
        do {
            let call = portal.call(context)
            _ = try await portal.backends.jobs.claimJob(
                .with {
                    $0.requestID = AccountPages.requestID(context.form)
                    $0.jobID = id
                }, metadata: call.metadata, options: call.options)
        } catch let error as RPCError where EventPages.formRefusal(error) || error.code == .notFound {
            throw portal.backToForm("/work#job-\(id)", context: context, error: error, operation: "claim_job")
        }
        throw portal.done("/orders", notice: "work.claimed")
    }

    static func apply(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try portal.requireNomad(context, request)
        let id = try EventPages.id(context)
        let back = "/work#job-\(id)"
        let note = (context.form["note_\(id)"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard note.count <= maxNote else {
            throw portal.backToForm(back, context: context, errors: ["note_\(id)": "work.note_too_long"])
        }
        do {
            let call = portal.call(context)
            _ = try await portal.backends.jobs.applyToJob(
                .with {
                    $0.requestID = AccountPages.requestID(context.form)
                    $0.jobID = id
                    $0.coverNote = note
                }, metadata: call.metadata, options: call.options)
        } catch let error as RPCError where EventPages.formRefusal(error) || error.code == .notFound {
            throw portal.backToForm(
                back, context: context, error: error, operation: "apply_job", fieldMap: ["cover_note": "note_\(id)"])
        }
        throw portal.done("/orders", notice: "work.applied")
    }

    static func gap(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try portal.requireNomad(context, request)
        let id = try EventPages.id(context)
        let call = portal.call(context)
        let gap = try await portal.backends.jobs.getSkillGap(.with { $0.jobID = id }, metadata: call.metadata, options: call.options)
        var data = EnterpriseJobPages.gapView(gap, context.language)
        data["back"] = "/work#job-\(id)"
        data["own"] = true
        return portal.renderer.page("skill-gap", titleKey: "work.gap_title", context: context, path: request.uri.path, data: data)
    }
}
