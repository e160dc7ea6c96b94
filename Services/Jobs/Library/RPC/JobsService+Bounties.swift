import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO

/// Open bounties (揭榜挂帅): publish → apply → qualification review → claim
/// and sign → progress under supervision → completion and reward. Every
/// change to a bounty or its applications holds the bounty's row lock, so
/// winners are decided in the database whichever replica a call lands on,
/// and every transition appends to the bounty's audit trail in the same
/// transaction.
extension JobsService {
    func publishBounty(request: Nomad_Jobs_V1_PublishBountyRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Bounty {
        let publisher = try caller
        let draft = try BountyRules.draft(request.bounty, now: Date())
        return try await mutation(request) { tx in
            if let unknown = try await BountyStore.unknownSkills(tx, codes: draft.skills.map(\.code)).first {
                throw JobsErrors.unknownSkill(unknown)
            }
            let id = UUID(), jobID = UUID()
            try await BountyStore.insert(tx, id: id, jobID: jobID, publisher: publisher, draft: draft)
            try await BountyAuditStore.append(
                tx, bountyID: id, actor: publisher, action: "bounty.published",
                detail: "winner_places=\(draft.winnerPlaces) budget=\(draft.budgetMinor) \(draft.currency)")
            try await Outbox.append(
                tx,
                JobsEvents.BountyPublished(
                    subjects: .init(bountyID: id.text, jobID: jobID.text, publisherID: publisher.accountID.text),
                    payload: .init(
                        publisherRole: publisher.role.rawValue, winnerPlaces: draft.winnerPlaces, currency: draft.currency,
                        budgetMinor: draft.budgetMinor, requiredSkills: draft.skills.map(\.code),
                        milestones: draft.milestones.count)))
            let published = try await BountyStore.find(tx, id: id)!.message()
            if publisher.role == .officer {
                try await audit(tx, publisher, "bounty.publish", subject: "bounty/\(id.text)", before: nil, after: published)
            }
            return published
        }
    }

    func getBounty(request: Nomad_Jobs_V1_GetBountyRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Bounty {
        _ = try caller
        let id = try Validate.uuid(request.bountyID, "bounty_id")
        let bounty = try await database.read({ try await BountyStore.find($0, id: id) }).orNotFound("bounty \(id.text)")
        return bounty.message()
    }

    /// Open to anyone. A signed-in caller lists bounties of any status (all
    /// when unspecified); an anonymous one only open bounties (unspecified
    /// means open), without winners, progress reports or an officer
    /// publisher's id, and asking for another status is UNAUTHENTICATED.
    func listBounties(request: Nomad_Jobs_V1_ListBountiesRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_ListBountiesResponse
    {
        let anonymous = signedInCaller == nil
        let page = try Page(request.page)
        var status = try bountyStatusFilter(request.status.rawValue, known: 1...4, field: "status")
        if anonymous {
            let open = Int16(Nomad_Jobs_V1_BountyStatus.open.rawValue)
            guard status == nil || status == open else { throw NomadError.signInForMore }
            status = open
        }
        let bounties = try await database.read { tx in
            try await BountyStore.list(tx, status: status, page: page)
        }
        let now = Date()
        return .listing(\.bounties, bounties.map { anonymous ? $0.publicMessage(now: now) : $0.message(now: now) }, page)
    }

    func submitBountyApplication(
        request: Nomad_Jobs_V1_SubmitBountyApplicationRequest, context: ServerContext
    ) async throws -> Nomad_Jobs_V1_BountyApplication {
        let lead = try caller
        let bountyID = try Validate.uuid(request.bountyID, "bounty_id")
        let draft = try BountyRules.application(request, lead: lead.accountID)
        return try await mutation(request) { tx in
            // A share lock: applications may arrive together, but not while a
            // claim is filling the last place.
            let bounty = try await BountyStore.find(tx, id: bountyID, lock: .share).orNotFound("bounty \(bountyID.text)")
            try BountyRules.admit(draft, to: bounty, standing: lead.standing, now: Date())
            let id = UUID()
            try await BountyApplicationStore.insert(
                tx, id: id, bountyID: bountyID, lead: lead.accountID, draft: draft)
            try await BountyAuditStore.append(
                tx, bountyID: bountyID, actor: lead, action: "application.submitted", applicationID: id,
                detail: "kind=\(draft.kind) members=\(draft.members.count + 1)")
            try await Outbox.append(
                tx,
                JobsEvents.BountyApplied(
                    subjects: .init(bountyID: bountyID.text, applicationID: id.text, leadID: lead.accountID.text),
                    payload: .init(kind: Int(draft.kind), memberIDs: draft.members.map(\.text))))
            return try await BountyApplicationStore.find(tx, id: id)!.message
        }
    }

    func reviewBountyApplication(
        request: Nomad_Jobs_V1_ReviewBountyApplicationRequest, context: ServerContext
    ) async throws -> Nomad_Jobs_V1_BountyApplication {
        let officer = try caller
        let id = try Validate.uuid(request.applicationID, "application_id")
        let reason = try Validate.text(request.reason, "reason", max: BountyRules.maxReason, required: !request.qualified)
        return try await mutation(request) { tx in
            let (bounty, application) = try await lockBountyApplication(tx, id: id)
            try BountyRules.review(application, bounty: bounty)
            if request.qualified {
                let held = try await BountyApplicationStore.bestLevels(
                    tx, nomads: [application.leadID] + application.members, codes: bounty.skills.map(\.code))
                if let missing = BountyRules.missingSkill(bounty.skills, held: held) {
                    throw NomadError.wrongState(
                        "申请人缺少所需技能 \(missing.code)（至少 \(missing.minLevel) 级）",
                        "the applicant lacks the required skill \(missing.code) at level \(missing.minLevel)")
                }
            }
            let status: BountyRules.ApplicationStatus = request.qualified ? .qualified : .disqualified
            try await BountyApplicationStore.review(
                tx, id: id, status: status.rawValue, reason: reason, reviewer: officer.accountID)
            try await BountyAuditStore.append(
                tx, bountyID: bounty.id, actor: officer,
                action: request.qualified ? "application.qualified" : "application.disqualified", applicationID: id,
                detail: reason)
            let reviewed = try await BountyApplicationStore.find(tx, id: id)!.message
            try await audit(
                tx, officer, request.qualified ? "bounty_application.qualify" : "bounty_application.disqualify",
                subject: "bounty_application/\(id.text)", reason: reason, before: application.message, after: reviewed)
            return reviewed
        }
    }

    /// The race the workflow exists for: many qualified applicants claim at
    /// once and only `winner_places` of them may win. The bounty row lock
    /// orders the claims; the CHECK on winners and the unique winner rank
    /// back it up.
    func claimBounty(request: Nomad_Jobs_V1_ClaimBountyRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_BountyApplication {
        let lead = try caller
        let id = try Validate.uuid(request.applicationID, "application_id")
        return try await mutation(request) { tx in
            let (bounty, application) = try await lockBountyApplication(tx, id: id)
            guard application.leadID == lead.accountID else { throw NomadError.permissionDenied }
            try BountyRules.claim(application, bounty: bounty)
            let (place, filled) = try await BountyStore.addWinner(tx, bounty)
            _ = try await BountyApplicationStore.markWon(tx, id: id, rank: place)
            try await BountyAuditStore.append(
                tx, bountyID: bounty.id, actor: lead, action: "application.won", applicationID: id,
                detail: "place \(place) of \(bounty.winnerPlaces)")
            if filled {
                let losers = try await BountyApplicationStore.markNotSelected(tx, bountyID: bounty.id)
                try await BountyAuditStore.appendEach(
                    tx, bountyID: bounty.id, actor: lead, action: "application.not_selected",
                    applicationIDs: losers, detail: "every winner place taken")
                try await BountyAuditStore.append(
                    tx, bountyID: bounty.id, actor: lead, action: "bounty.in_progress",
                    detail: "\(bounty.winnerPlaces) winner(s) signed")
            }
            try await Outbox.append(
                tx,
                JobsEvents.BountyWon(
                    subjects: .init(
                        bountyID: bounty.id.text, applicationID: id.text, leadID: lead.accountID.text,
                        publisherID: bounty.publisherID.text),
                    payload: .init(
                        memberIDs: ([application.leadID] + application.members).map(\.text), kind: Int(application.kind),
                        place: place, winnerPlaces: bounty.winnerPlaces, filled: filled)))
            return try await BountyApplicationStore.find(tx, id: id)!.message
        }
    }

    func reportBountyProgress(
        request: Nomad_Jobs_V1_ReportBountyProgressRequest, context: ServerContext
    ) async throws -> Nomad_Jobs_V1_Bounty {
        let reporter = try caller
        let bountyID = try Validate.uuid(request.bountyID, "bounty_id")
        return try await mutation(request) { tx in
            let bounty = try await BountyStore.find(tx, id: bountyID, lock: .update).orNotFound("bounty \(bountyID.text)")
            let winners = try await BountyApplicationStore.winners(tx, bountyID: bountyID)
            guard let winning = winners.first(where: { $0.leadID == reporter.accountID }) else {
                throw NomadError.permissionDenied
            }
            let (position, percent, note) = try BountyRules.progress(
                request.progressPercent, note: request.note, milestoneIndex: request.milestoneIndex, bounty: bounty)
            try await BountyStore.recordProgress(
                tx, bountyID: bountyID, position: position, percent: percent, note: note,
                by: reporter.accountID)
            try await BountyAuditStore.append(
                tx, bountyID: bountyID, actor: reporter, action: "bounty.progress_reported",
                applicationID: winning.id, detail: "milestone \(position): \(percent)%")
            return try await BountyStore.find(tx, id: bountyID)!.message()
        }
    }

    func completeBounty(request: Nomad_Jobs_V1_CompleteBountyRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Bounty {
        let principal = try caller
        let bountyID = try Validate.uuid(request.bountyID, "bounty_id")
        return try await mutation(request) { tx in
            let bounty = try await BountyStore.find(tx, id: bountyID, lock: .update).orNotFound("bounty \(bountyID.text)")
            guard principal.role == .officer || bounty.publisherID == principal.accountID else {
                throw NomadError.permissionDenied
            }
            let reward = try BountyRules.completion(request, bounty: bounty)
            try await BountyStore.markCompleted(tx, bounty, rewardMinor: reward)
            let winners = try await BountyApplicationStore.winners(tx, bountyID: bountyID)
            try await BountyAuditStore.append(
                tx, bountyID: bountyID, actor: principal, action: "bounty.completed",
                detail: "reward=\(reward) \(bounty.currency)")
            try await Outbox.append(
                tx,
                JobsEvents.BountyCompleted(
                    subjects: .init(bountyID: bountyID.text, publisherID: bounty.publisherID.text),
                    payload: .init(
                        winnerApplicationIDs: winners.map(\.id.text), leadIDs: winners.map(\.leadID.text),
                        currency: bounty.currency, rewardMinor: reward)))
            let completed = try await BountyStore.find(tx, id: bountyID)!.message()
            if principal.role == .officer {
                try await audit(
                    tx, principal, "bounty.complete", subject: "bounty/\(bountyID.text)",
                    before: bounty.message(), after: completed)
            }
            return completed
        }
    }

    func cancelBounty(request: Nomad_Jobs_V1_CancelBountyRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Bounty {
        let principal = try caller
        let bountyID = try Validate.uuid(request.bountyID, "bounty_id")
        return try await mutation(request) { tx in
            let bounty = try await BountyStore.find(tx, id: bountyID, lock: .update).orNotFound("bounty \(bountyID.text)")
            guard principal.role == .officer || bounty.publisherID == principal.accountID else {
                throw NomadError.permissionDenied
            }
            let reason = try Validate.text(request.reason, "reason", max: 500)
            guard bounty.status == BountyRules.Status.open.rawValue || bounty.status == BountyRules.Status.inProgress.rawValue else {
                throw NomadError.wrongState("榜单已完成或已撤销", "the bounty is already completed or cancelled")
            }
            try await BountyStore.markCancelled(tx, bounty, reason: reason)
            try await BountyAuditStore.append(
                tx, bountyID: bountyID, actor: principal, action: "bounty.cancelled", detail: reason)
            try await Outbox.append(
                tx,
                JobsEvents.BountyCancelled(
                    subjects: .init(bountyID: bountyID.text, publisherID: bounty.publisherID.text),
                    payload: .init(reason: reason)))
            let cancelled = try await BountyStore.find(tx, id: bountyID)!.message()
            if principal.role == .officer {
                try await audit(
                    tx, principal, "bounty.cancel", subject: "bounty/\(bountyID.text)", reason: reason,
                    before: bounty.message(), after: cancelled)
            }
            return cancelled
        }
    }

    func listBountyApplications(
        request: Nomad_Jobs_V1_ListBountyApplicationsRequest, context: ServerContext
    ) async throws -> Nomad_Jobs_V1_ListBountyApplicationsResponse {
        let principal = try caller
        let bountyID = try Validate.uuid(request.bountyID, "bounty_id")
        let page = try Page(request.page)
        let status = try bountyStatusFilter(request.status.rawValue, known: 1...5, field: "status")
        let applications = try await database.read { tx in
            try await authorizeBountyOversight(tx, principal, bountyID: bountyID)
            return try await BountyApplicationStore.list(tx, bountyID: bountyID, status: status, page: page)
        }
        return .listing(\.applications, applications.map(\.message), page)
    }

    func listMyBountyApplications(
        request: Nomad_Jobs_V1_ListMyBountyApplicationsRequest, context: ServerContext
    ) async throws -> Nomad_Jobs_V1_ListBountyApplicationsResponse {
        let principal = try caller
        let page = try Page(request.page)
        let status = try bountyStatusFilter(request.status.rawValue, known: 1...5, field: "status")
        let applications = try await database.read { tx in
            try await BountyApplicationStore.list(tx, involving: principal.accountID, status: status, page: page)
        }
        return .listing(\.applications, applications.map(\.message), page)
    }

    func listBountyAudit(
        request: Nomad_Jobs_V1_ListBountyAuditRequest, context: ServerContext
    ) async throws -> Nomad_Jobs_V1_ListBountyAuditResponse {
        let principal = try caller
        let bountyID = try Validate.uuid(request.bountyID, "bounty_id")
        let page = try Page(request.page)
        let entries = try await database.read { tx in
            try await authorizeBountyOversight(tx, principal, bountyID: bountyID)
            return try await BountyAuditStore.list(tx, bountyID: bountyID, page: page)
        }
        return .listing(\.entries, entries, page)
    }

    // MARK: shared steps

    /// The application and its bounty, locked bounty first: every path that
    /// changes applications takes the locks in this order, so none deadlocks.
    private func lockBountyApplication(
        _ tx: Tx, id: UUID
    ) async throws -> (BountyRecord, BountyApplicationRecord) {
        let unlocked = try await BountyApplicationStore.find(tx, id: id).orNotFound("bounty application \(id.text)")
        guard let bounty = try await BountyStore.find(tx, id: unlocked.bountyID, lock: .update),
            let application = try await BountyApplicationStore.find(tx, id: id, lock: .update)
        else { throw NomadError.internalError }
        return (bounty, application)
    }

    /// The publisher, officers and admins oversee a bounty; other callers may not.
    private func authorizeBountyOversight(_ tx: Tx, _ principal: Principal, bountyID: UUID) async throws {
        let bounty = try await BountyStore.find(tx, id: bountyID).orNotFound("bounty \(bountyID.text)")
        guard principal.role == .officer || principal.role == .admin || bounty.publisherID == principal.accountID else {
            throw NomadError.permissionDenied
        }
    }

    private func bountyStatusFilter(_ raw: Int, known: ClosedRange<Int>, field: String) throws -> Int16? {
        if raw == 0 { return nil }
        guard known.contains(raw) else { throw NomadError.unknownEnum(field) }
        return Int16(raw)
    }
}
