import Foundation
import GRPCCore
import Hummingbird
import NomadProtos
import SwiftProtobuf

/// The administrators' pages: officer accounts (create, list, disable with a
/// reason) and community sites (create, list). Identity has no RPC to edit a
/// site yet, so a site is created right or created again.
enum AdminPages {
    static func register(on router: RouterGroup<PortalContext>, portal: Portal) {
        router.get("/admin/officers") { request, context in try await officers(request, context, portal) }
        router.post("/admin/officers") { request, context in try await createOfficer(request, context, portal) }
        router.post("/admin/officers/:id/disable") { request, context in try await disableOfficer(request, context, portal) }
        router.get("/admin/sites") { request, context in try await sites(request, context, portal) }
        router.post("/admin/sites") { request, context in try await createSite(request, context, portal) }
    }

    static func requireAdmin(_ context: PortalContext, _ request: Request, _ portal: Portal) throws {
        let session = try portal.requireSession(context, request)
        guard session.role == "admin" else { throw PageError(.forbidden, "error.page.admins_only") }
    }

    /// Department codes as the catalogues name them (`dept.talent`), sorted by the page's words.
    static func departments(_ catalogue: Catalogue, chosen: String?) -> [[String: Any]] {
        catalogue.messages.keys.filter { $0.hasPrefix("dept.") }.map { String($0.dropFirst(5)) }
            .sorted { catalogue.text("dept.\($0)") < catalogue.text("dept.\($1)") }
            .map { ["code": $0, "label": catalogue.text("dept.\($0)"), "selected": $0 == chosen] }
    }

    static func officers(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        try requireAdmin(context, request, portal)
        let call = portal.call(context)
        let officers = try await portal.backends.identity.listOfficers(
            .with { $0.page.pageSize = 200 }, metadata: call.metadata, options: call.options
        ).officers
        let catalogue = portal.catalogue(context)
        let format = Formatting(language: context.language)
        let views: [[String: Any]] = officers.map { account in
            var department = "", disabled = false
            if case .officer(let profile)? = account.profile { (department, disabled) = (profile.department, profile.disabled) }
            return [
                "id": account.id, "name": account.displayName, "username": account.username,
                "department": View.department(department, catalogue), "disabled": disabled,
                "created": format.timestamp(account.createdAt), "requestID": UUID().uuidString,
                "reasonError": context.flash?.errors["reason_\(account.id)"] ?? "",
            ]
        }
        let values = context.flash?.values ?? [:]
        return portal.renderer.page(
            "admin-officers", titleKey: "admin.officers_title", context: context, path: request.uri.path,
            data: [
                "officers": views, "none": views.isEmpty, "requestID": UUID().uuidString,
                "departments": departments(catalogue, chosen: values["department"]),
            ])
    }

    static func createOfficer(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        try requireAdmin(context, request, portal)
        let form = context.form
        let back = "/admin/officers#create"
        var errors: [String: String] = [:]
        for field in ["username", "password", "display_name", "department"]
        where (form[field] ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            errors[field] = "form.required"
        }
        if !errors.isEmpty { throw portal.backToForm(back, context: context, errors: errors) }
        do {
            let call = portal.call(context)
            _ = try await portal.backends.identity.createOfficer(
                .with {
                    $0.requestID = AccountPages.requestID(form)
                    $0.username = (form["username"] ?? "").trimmingCharacters(in: .whitespaces)
                    $0.password = form["password"] ?? ""
                    $0.displayName = WalletPages.oneLine(form["display_name"])
                    $0.department = form["department"] ?? ""
                }, metadata: call.metadata, options: call.options)
        } catch let error as RPCError where error.code != .unavailable && error.code != .unauthenticated && error.code != .deadlineExceeded
        {
            throw portal.backToForm(back, context: context, error: error, operation: "create_officer")
        }
        throw portal.done("/admin/officers", notice: "admin.officer_created")
    }

    static func disableOfficer(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        try requireAdmin(context, request, portal)
        let id = context.parameters.get("id") ?? ""
        guard UUID(uuidString: id) != nil else { throw PageError.notFound }
        let back = "/admin/officers#officer-\(id)"
        let reason = WalletPages.oneLine(context.form["reason_\(id)"])
        guard !reason.isEmpty else { throw portal.backToForm(back, context: context, errors: ["reason_\(id)": "queue.reason_required"]) }
        do {
            let call = portal.call(context)
            _ = try await portal.backends.identity.disableOfficer(
                .with {
                    $0.requestID = AccountPages.requestID(context.form)
                    $0.accountID = id
                    $0.reason = reason
                }, metadata: call.metadata, options: call.options)
        } catch let error as RPCError where error.code != .unavailable && error.code != .unauthenticated && error.code != .deadlineExceeded
        {
            throw portal.backToForm(
                back, context: context, error: error, operation: "disable_officer", fieldMap: ["reason": "reason_\(id)"])
        }
        throw portal.done("/admin/officers", notice: "admin.officer_disabled")
    }

    static func sites(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        try requireAdmin(context, request, portal)
        let call = portal.call(context)
        let sites = try await portal.backends.identity.listSites(
            .with { $0.page.pageSize = 200 }, metadata: call.metadata, options: call.options
        ).sites
        let catalogue = portal.catalogue(context)
        let format = Formatting(language: context.language)
        let values = context.flash?.values ?? [:]
        return portal.renderer.page(
            "admin-sites", titleKey: "admin.sites_title", context: context, path: request.uri.path,
            data: [
                "sites": sites.map { site in
                    [
                        "id": site.id, "name": View.text(site.name, context.language), "address": site.address,
                        "area": View.label("area", String(describing: site.area), catalogue), "capacity": format.number(Int(site.capacity)),
                        "international": site.international,
                    ] as [String: Any]
                },
                "areas": [("coreXinyingBay", "core"), ("linked", "linked")].map { name, code in
                    ["code": code, "label": View.label("area", name, catalogue), "selected": values["area"] == code]
                },
                "requestID": UUID().uuidString,
            ])
    }

    static func createSite(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        try requireAdmin(context, request, portal)
        let form = context.form
        let back = "/admin/sites#create"
        var errors: [String: String] = [:]
        for field in ["name_zh", "name_en", "address"] where WalletPages.oneLine(form[field]).isEmpty { errors[field] = "form.required" }
        let area: Nomad_Identity_V1_Area? = ["core": .coreXinyingBay, "linked": .linked][form["area"] ?? ""]
        if area == nil { errors["area"] = "form.required" }
        let capacity = Int32(WalletPages.amount(form["capacity"]).map { min($0, Int64(Int32.max)) } ?? 0)
        if capacity == 0 { errors["capacity"] = "wallet.whole_number" }
        guard errors.isEmpty, let area else { throw portal.backToForm(back, context: context, errors: errors) }
        do {
            let call = portal.call(context)
            _ = try await portal.backends.identity.createSite(
                .with {
                    $0.requestID = AccountPages.requestID(form)
                    $0.name = .with {
                        $0.zhCn = WalletPages.oneLine(form["name_zh"])
                        $0.en = WalletPages.oneLine(form["name_en"])
                    }
                    $0.area = area
                    $0.address = WalletPages.oneLine(form["address"])
                    $0.capacity = capacity
                    $0.amenities = WalletPages.oneLine(form["amenities"]).split(separator: ",").map {
                        $0.trimmingCharacters(in: .whitespaces)
                    }.filter { !$0.isEmpty }
                    $0.international = form["international"] == "1"
                }, metadata: call.metadata, options: call.options)
        } catch let error as RPCError where error.code != .unavailable && error.code != .unauthenticated && error.code != .deadlineExceeded
        {
            throw portal.backToForm(
                back, context: context, error: error, operation: "create_site", fieldMap: ["zh_cn": "name_zh", "en": "name_en"])
        }
        throw portal.done("/admin/sites", notice: "admin.site_created")
    }
}
