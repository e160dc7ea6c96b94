import Foundation
import GRPCCore
import NomadProtos
import SwiftProtobuf

/// Where each kind on the workbench comes from and how it is decided: one
/// list call and one decision call per kind, so the queue and the single
/// decision route treat every kind alike.
enum StaffQueueSources {
    /// One waiting decision with what the officer needs to decide it in place.
    struct Entry {
        var item: StaffQueue.Item
        var facts: [[String: String]] = []
        var documents: [String] = []
        /// The decisions offered in place (the first grants); none: decided
        /// on a page of its own (`item.link`).
        var choices: [String] = []
    }

    struct Reader {
        let portal: Portal
        let context: PortalContext
        let call: Call
        let catalogue: Catalogue
        let format: Formatting
    }

    static func entries(_ kind: StaffQueue.Kind, _ page: Reader) async throws -> [Entry] {
        let (portal, call, catalogue, format, language) = (page.portal, page.call, page.catalogue, page.format, page.context.language)
        switch kind {
        case .certification:
            var entries: [Entry] = []
            for status in [Nomad_Identity_V1_CertificationStatus.pending, .awaitingDocuments] {
                let listed = try await portal.backends.identity.listCertifications(
                    .with {
                        $0.status = status
                        $0.page.pageSize = 100
                    }, metadata: call.metadata, options: call.options
                ).applications
                entries += listed.map { application in
                    let awaiting = application.status == .awaitingDocuments
                    return Entry(
                        item: .init(
                            kind: kind, id: application.id, applicantID: application.applicantID,
                            title: ["text": catalogue.text(awaiting ? "queue.cert_awaiting" : "queue.cert_pending"), "lang": language.tag],
                            submitted: application.createdAt.date,
                            due: application.hasDocumentsDeadline ? application.documentsDeadline.date : nil, overdue: false,
                            link: "/staff/certifications/\(application.id)"))
                }
            }
            return entries
        case .application:
            let names = (try? await PublicPages.catalogueEntries(portal)) ?? []
            let listed = try await portal.backends.identity.listApplications(
                .with {
                    $0.status = .submitted
                    $0.page.pageSize = 100
                }, metadata: call.metadata, options: call.options
            ).applications
            return listed.map { application in
                var facts = application.form.sorted { $0.key < $1.key }.map { key, value in
                    ["label": catalogue.has("appform.\(key)") ? catalogue.text("appform.\(key)") : key, "value": value]
                }
                facts.append(["label": catalogue.text("queue.documents"), "value": format.number(application.documentIds.count)])
                let name = names.first { $0.code == application.serviceCode }.map { View.text($0.name, language) }
                return Entry(
                    item: .init(
                        kind: kind, id: application.id, applicantID: application.applicantID,
                        title: name ?? ["text": application.serviceCode, "lang": "en"], submitted: application.submittedAt.date,
                        due: application.dueAt.date, overdue: application.overdue, link: ""),
                    facts: facts, documents: application.documentIds, choices: ["approve", "reject"])
            }
        case .permit:
            let listed = try await portal.backends.identity.listPermits(
                .with {
                    $0.status = .pending
                    $0.page.pageSize = 100
                }, metadata: call.metadata, options: call.options
            ).permits
            return listed.map { permit in
                let activities = permit.activities.map { activity in
                    catalogue.text("permit.activity." + (PermitPages.activities.first { $0.0 == activity }?.1 ?? "unknown"))
                }
                return Entry(
                    item: .init(
                        kind: kind, id: permit.id, applicantID: permit.applicantID,
                        title: [
                            "text": catalogue.text("permit.months_value", ["n": format.number(Int(permit.months))]), "lang": language.tag,
                        ],
                        submitted: permit.createdAt.date, due: nil, overdue: false, link: ""),
                    facts: [["label": catalogue.text("permit.activities"), "value": activities.joined(separator: ", ")]],
                    documents: permit.documentIds, choices: ["approve", "reject"])
            }
        case .contribution:
            let pools = await poolNames(page)
            let listed = try await portal.backends.assets.listContributions(
                .with {
                    $0.status = .pending
                    $0.page.pageSize = 100
                }, metadata: call.metadata, options: call.options
            ).contributions
            return listed.map { contribution in
                var facts: [[String: String]] = []
                if contribution.kind == .data {
                    facts.append(["label": catalogue.text("queue.records"), "value": format.number(contribution.recordCount)])
                    facts.append(["label": catalogue.text("queue.bytes"), "value": format.bytes(contribution.bytes)])
                } else {
                    facts.append([
                        "label": catalogue.text("queue.work"),
                        "value": "\(format.number(contribution.workUnits)) \(contribution.workUnitLabel)",
                    ])
                }
                facts.append(["label": catalogue.text("queue.quality"), "value": format.number(Int(contribution.qualityScore))])
                return Entry(
                    item: .init(
                        kind: kind, id: contribution.contributionID, applicantID: contribution.contributorID,
                        title: [
                            "text": View.label("contribution_kind", String(describing: contribution.kind), catalogue) + " · "
                                + (pools[contribution.poolCode]?["text"] ?? contribution.poolCode),
                            "lang": language.tag,
                        ], submitted: contribution.createdAt.date, due: nil, overdue: false, link: ""),
                    facts: facts, choices: ["accept", "reject"])
            }
        case .poolAccess:
            let pools = await poolNames(page)
            let listed = try await portal.backends.assets.listPoolGrants(
                .with {
                    $0.status = .requested
                    $0.page.pageSize = 100
                }, metadata: call.metadata, options: call.options
            ).grants
            return listed.map { grant in
                Entry(
                    item: .init(
                        kind: kind, id: grant.grantID, applicantID: grant.enterpriseID,
                        title: pools[grant.poolCode] ?? ["text": grant.poolCode, "lang": "en"],
                        submitted: grant.createdAt.date, due: nil, overdue: false, link: ""),
                    facts: [
                        ["label": catalogue.text("queue.purpose"), "value": grant.purpose],
                        [
                            "label": catalogue.text("queue.period"),
                            "value": format.day(grant.periodStart) + " – " + format.day(grant.periodEnd),
                        ],
                    ], choices: ["grant", "reject"])
            }
        case .eventReward:
            let listed = try await portal.backends.events.listEventRewardApplications(
                .with {
                    $0.status = .pending
                    $0.page.pageSize = 100
                }, metadata: call.metadata, options: call.options
            ).applications
            return listed.map { application in
                Entry(
                    item: .init(
                        kind: kind, id: application.applicationID, applicantID: application.organizerID,
                        title: ["text": catalogue.text("queue.event_reward_title"), "lang": language.tag],
                        submitted: application.createTime.date, due: nil, overdue: false, link: ""),
                    facts: [
                        ["label": catalogue.text("queue.registered"), "value": format.number(Int(application.registered))],
                        ["label": catalogue.text("queue.checked_in"), "value": format.number(Int(application.checkedIn))],
                        ["label": catalogue.text("queue.statement"), "value": application.statement],
                    ], choices: ["approve", "reject"])
            }
        }
    }

    /// The pools' names in the page's language, by code; a code stands in
    /// when assets does not answer.
    static func poolNames(_ page: Reader) async -> [String: [String: String]] {
        let pools =
            (try? await page.portal.backends.assets.listPools(.init(), metadata: page.call.metadata, options: page.call.options).pools)
            ?? []
        return Dictionary(pools.map { ($0.code, View.text($0.name, page.context.language)) }, uniquingKeysWith: { first, _ in first })
    }

    /// The decision on one item: `grant` is the first of the kind's choices.
    static func decide(
        _ kind: StaffQueue.Kind, id: String, grant: Bool, reason: String, requestID: String, portal: Portal, call: Call
    ) async throws {
        let (metadata, options) = (call.metadata, call.options)
        switch kind {
        case .certification:
            throw PageError.notFound
        case .application:
            _ = try await portal.backends.identity.decideApplication(
                approval(requestID: requestID, id: id, approve: grant, reason: reason), metadata: metadata, options: options)
        case .permit:
            _ = try await portal.backends.identity.decidePermit(
                approval(requestID: requestID, id: id, approve: grant, reason: reason), metadata: metadata, options: options)
        case .contribution:
            _ = try await portal.backends.assets.reviewContribution(
                .with {
                    $0.requestID = requestID
                    $0.contributionID = id
                    $0.accept = grant
                    $0.note = reason
                }, metadata: metadata, options: options)
        case .poolAccess:
            _ = try await portal.backends.assets.decidePoolAccess(
                .with {
                    $0.requestID = requestID
                    $0.grantID = id
                    $0.grant = grant
                    $0.note = reason
                }, metadata: metadata, options: options)
        case .eventReward:
            _ = try await portal.backends.events.reviewEventReward(
                .with {
                    $0.requestID = requestID
                    $0.applicationID = id
                    $0.approve = grant
                    $0.note = reason
                }, metadata: metadata, options: options)
        }
    }

    /// Identity's approve-or-refuse requests, which share their fields.
    static func approval<Request: IdentityApproval>(requestID: String, id: String, approve: Bool, reason: String) -> Request {
        var request = Request()
        request.requestID = requestID
        request.id = id
        request.approve = approve
        request.reason = reason
        return request
    }
}

/// A decision request naming one record by `id`, approving it or refusing with a reason.
protocol IdentityApproval: SwiftProtobuf.Message {
    var requestID: String { get set }
    var id: String { get set }
    var approve: Bool { get set }
    var reason: String { get set }
}

extension Nomad_Identity_V1_DecideApplicationRequest: IdentityApproval {}
extension Nomad_Identity_V1_DecidePermitRequest: IdentityApproval {}
