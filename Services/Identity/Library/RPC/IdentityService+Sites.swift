import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import SwiftProtobuf

extension IdentityService {
    func createSite(request: Nomad_Identity_V1_CreateSiteRequest, context: ServerContext) async throws -> Nomad_Identity_V1_Site {
        let principal = try caller
        var site = Nomad_Identity_V1_Site()
        site.name.zhCn = try Validate.text(request.name.zhCn, "name.zh_cn", max: 100)
        site.name.en = try Validate.text(request.name.en, "name.en", max: 100)
        guard request.area == .coreXinyingBay || request.area == .linked else { throw NomadError.unknownEnum("area") }
        site.area = request.area
        site.address = try Validate.text(request.address, "address", max: 200)
        guard (1...100_000).contains(request.capacity) else {
            throw NomadError.invalid("capacity", zh: "须在 1 到 100000 之间", en: "between 1 and 100000")
        }
        site.capacity = request.capacity
        site.amenities = try Validate.list(request.amenities, "amenities", maxCount: 20, maxLength: 50)
        site.international = request.international
        return try await mutation(request) { tx in
            let id = UUID()
            try await SiteStore.insert(tx, site, id: id)
            let created = try await SiteStore.find(tx, id: id)!
            try await DecisionAudit.append(
                tx, actor: principal, action: "site.create", subject: "site/\(id.text)",
                before: nil, after: try created.jsonString())
            try await Outbox.append(
                tx,
                IdentityEvents.SiteCreated(
                    subjects: .init(siteID: id.text),
                    payload: .init(area: "\(site.area)", capacity: "\(site.capacity)", international: "\(site.international)")))
            return created
        }
    }

    /// A desk's record of a registered nomad's visit by username, for the
    /// nomads who have no one-card yet; card holders' visits are VerifyCard's
    /// (the card is checked there). The same visit table and event, so the
    /// nomad_visits KPI counts both, once per person, site and day.
    func recordSiteVisit(
        request: Nomad_Identity_V1_RecordSiteVisitRequest, context: ServerContext
    ) async throws -> Nomad_Identity_V1_RecordSiteVisitResponse {
        _ = try caller
        let siteID = try Validate.uuid(request.siteID, "site_id")
        let username = try Validate.text(request.username, "username", max: 64)
        return try await mutation(request) { tx in
            let area = try await SiteStore.area(tx, id: siteID).orNotFound("site \(siteID.text)")
            guard let nomad = try await AccountStore.find(tx, username: username),
                nomad.role == .nomad, !nomad.disabled
            else { throw IdentityErrors.noSuchNomad }
            let day = try await SiteStore.recordVisit(tx, site: siteID, holder: nomad.id)
            if let day {
                try await Outbox.append(
                    tx,
                    IdentityEvents.SiteVisited(
                        subjects: .init(accountID: nomad.id.text, siteID: siteID.text),
                        payload: .init(day: day, area: area == .coreXinyingBay ? "core" : "linked")))
            }
            return .with {
                $0.accountID = nomad.id.text
                $0.displayName = nomad.displayName
                $0.visitRecorded = day != nil
            }
        }
    }

    /// Open to anyone, signed in or not: a site is a public place (names,
    /// area, address, capacity, amenities), and nothing about its visitors
    /// is in the answer. Same answer for every caller.
    func listSites(request: Nomad_Identity_V1_ListSitesRequest, context: ServerContext) async throws -> Nomad_Identity_V1_ListSitesResponse
    {
        let page = try Page(request.page)
        let area: Nomad_Identity_V1_Area?
        switch request.area {
        case .unspecified: area = nil
        case .coreXinyingBay, .linked: area = request.area
        case .UNRECOGNIZED: throw NomadError.unknownEnum("area")
        }
        let sites = try await database.read { try await SiteStore.list($0, area: area, page: page) }
        return .listing(\.sites, sites, page)
    }
}
