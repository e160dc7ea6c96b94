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
        return try await mutation("PublishBounty", requestID: request.requestID, request: request) { connection in
            if let unknown = try await BountyStore.unknownSkills(connection, codes: draft.skills.map(\.code), logger: logger).first {
                throw JobsErrors.unknownSkill(unknown)
            }
            let id = UUID(), jobID = UUID()
            try await BountyStore.insert(connection, id: id, jobID: jobID, publisher: publisher, draft: draft, logger: logger)
            try await BountyAuditStore.append(
                connection, bountyID: id, actor: publisher, action: "bounty.published",
                detail: "winner_places=\(draft.winnerPlaces) budget=\(draft.budgetMinor) \(draft.currency)", logger: logger)
            try await Outbox.append(
                connection, JobsEvents.BountyPublished(
                subjects: .init(bountyID: id.text, jobID: jobID.text, publisherID: publisher.accountID.text),
                payload: .init(
                    publisherRole: publisher.role.rawValue, winnerPlaces: draft.winnerPlaces, currency: draft.currency,
                    budgetMinor: draft.budgetMinor, requiredSkills: draft.skills.map(\.code),
                    milestones: draft.milestones.count)),
                logger: logger)
            let published = try await BountyStore.find(connection, id: id, logger: logger)!.message()
            if publisher.role == .officer {
                try await audit(connection, publisher, "bounty.publish", subject: "bounty/\(id.text)", before: nil, after: published)
            }
            return published
        }
    }

    func getBounty(request: Nomad_Jobs_V1_GetBountyRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Bounty {
        _ = try caller
        let id = try Validate.uuid(request.bountyID, "bounty_id")
        guard let bounty = try await database.read({ try await BountyStore.find($0, id: id, logger: logger) }) else {
            throw NomadError.notFound("bounty \(id.text)")
        }
        return bounty.message()
    }

    /// Open to anyone. A signed-in caller lists bounties of any status (all
    /// when unspecified); an anonymous one only open bounties (unspecified
    /// means open), without winners, progress reports or an officer
    /// publisher's id, and asking for another status is UNAUTHENTICATED.
    func listBounties(request: Nomad_Jobs_V1_ListBountiesRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_ListBountiesResponse {
        let anonymous = signedInCaller == nil
        let page = try Page(request.page)
        var status = try bountyStatusFilter(request.status.rawValue, known: 1...4, field: "status")
        if anonymous {
            let open = Int16(Nomad_Jobs_V1_BountyStatus.open.rawValue)
            guard status == nil || status == open else { throw NomadError.signInForMore }
            status = open
        }
        let bounties = try await database.read { connection in
            try await BountyStore.list(connection, status: status, page: page, logger: logger)
        }
        let now = Date()
        return .with {
            $0.bounties = bounties.prefix(page.limit).map { anonymous ? $0.publicMessage(now: now) : $0.message(now: now) }
            $0.page = page.response(fetched: bounties.count)
        }
    }

    func submitBountyApplication(
        request: Nomad_Jobs_V1_SubmitBountyApplicationRequest, context: ServerContext
    ) async throws -> Nomad_Jobs_V1_BountyApplication {
        let lead = try caller
        let bountyID = try Validate.uuid(request.bountyID, "bounty_id")
        let draft = try BountyRules.application(request, lead: lead.accountID)
        return try await mutation("SubmitBountyApplication", requestID: request.requestID, request: request) { connection in
            // A share lock: applications may arrive together, but not while a
            // claim is filling the last place.
            guard let bounty = try await BountyStore.find(connection, id: bountyID, lock: .share, logger: logger) else {
                throw NomadError.notFound("bounty \(bountyID.text)")
            }
            try BountyRules.admit(draft, to: bounty, standing: lead.standing, now: Date())
            let id = UUID()
            try await BountyApplicationStore.insert(
                connection, id: id, bountyID: bountyID, lead: lead.accountID, draft: draft, logger: logger)
            try await BountyAuditStore.append(
                connection, bountyID: bountyID, actor: lead, action: "application.submitted", applicationID: id,
                detail: "kind=\(draft.kind) members=\(draft.members.count + 1)", logger: logger)
            try await Outbox.append(
                connection, JobsEvents.BountyApplied(
                subjects: .init(bountyID: bountyID.text, applicationID: id.text, leadID: lead.accountID.text),
                payload: .init(kind: Int(draft.kind), memberIDs: draft.members.map(\.text))), logger: logger)
            return try await BountyApplicationStore.find(connection, id: id, logger: logger)!.message
        }
    }

    func reviewBountyApplication(
        request: Nomad_Jobs_V1_ReviewBountyApplicationRequest, context: ServerContext
    ) async throws -> Nomad_Jobs_V1_BountyApplication {
        let officer = try caller
        let id = try Validate.uuid(request.applicationID, "application_id")
        let reason = try Validate.text(request.reason, "reason", max: BountyRules.maxReason, required: !request.qualified)
        return try await mutation("ReviewBountyApplication", requestID: request.requestID, request: request) { connection in
            let (bounty, application) = try await lockBountyApplication(connection, id: id)
            try BountyRules.review(application, bounty: bounty)
            if request.qualified {
                let held = try await BountyApplicationStore.bestLevels(
                    connection, nomads: [application.leadID] + application.members, codes: bounty.skills.map(\.code),
                    logger: logger)
                if let missing = BountyRules.missingSkill(bounty.skills, held: held) {
                    throw NomadError.wrongState(
                        "申请人缺少所需技能 \(missing.code)（至少 \(missing.minLevel) 级）",
                        "the applicant lacks the required skill \(missing.code) at level \(missing.minLevel)")
                }
            }
            let status: BountyRules.ApplicationStatus = request.qualified ? .qualified : .disqualified
            try await BountyApplicationStore.review(
                connection, id: id, status: status.rawValue, reason: reason, reviewer: officer.accountID, logger: logger)
            try await BountyAuditStore.append(
                connection, bountyID: bounty.id, actor: officer,
                action: request.qualified ? "application.qualified" : "application.disqualified", applicationID: id,
                detail: reason, logger: logger)
            let reviewed = try await BountyApplicationStore.find(connection, id: id, logger: logger)!.message
            try await audit(
                connection, officer, request.qualified ? "bounty_application.qualify" : "bounty_application.disqualify",
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
        return try await mutation("ClaimBounty", requestID: request.requestID, request: request) { connection in
            let (bounty, application) = try await lockBountyApplication(connection, id: id)
            guard application.leadID == lead.accountID else { throw NomadError.permissionDenied }
            try BountyRules.claim(application, bounty: bounty)
            let (place, filled) = try await BountyStore.addWinner(connection, bounty, logger: logger)
            _ = try await BountyApplicationStore.markWon(connection, id: id, rank: place, logger: logger)
            try await BountyAuditStore.append(
                connection, bountyID: bounty.id, actor: lead, action: "application.won", applicationID: id,
                detail: "place \(place) of \(bounty.winnerPlaces)", logger: logger)
            if filled {
                let losers = try await BountyApplicationStore.markNotSelected(connection, bountyID: bounty.id, logger: logger)
                try await BountyAuditStore.appendEach(
                    connection, bountyID: bounty.id, actor: lead, action: "application.not_selected",
                    applicationIDs: losers, detail: "every winner place taken", logger: logger)
                try await BountyAuditStore.append(
                    connection, bountyID: bounty.id, actor: lead, action: "bounty.in_progress",
                    detail: "\(bounty.winnerPlaces) winner(s) signed", logger: logger)
            }
            try await Outbox.append(
                connection, JobsEvents.BountyWon(
                subjects: .init(bountyID: bounty.id.text, applicationID: id.text, leadID: lead.accountID.text,
                             publisherID: bounty.publisherID.text),
                payload: .init(
                    memberIDs: ([application.leadID] + application.members).map(\.text), kind: Int(application.kind),
                    place: place, winnerPlaces: bounty.winnerPlaces, filled: filled)),
                logger: logger)
            return try await BountyApplicationStore.find(connection, id: id, logger: logger)!.message
        }
    }

    func reportBountyProgress(request: Nomad_Jobs_V1_ReportBountyProgressRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Bounty {
        let reporter = try caller
        let bountyID = try Validate.uuid(request.bountyID, "bounty_id")
        return try await mutation("ReportBountyProgress", requestID: request.requestID, request: request) { connection in
            guard let bounty = try await BountyStore.find(connection, id: bountyID, lock: .update, logger: logger) else {
                throw NomadError.notFound("bounty \(bountyID.text)")
            }
            let winners = try await BountyApplicationStore.winners(connection, bountyID: bountyID, logger: logger)
            guard let winning = winners.first(where: { $0.leadID == reporter.accountID }) else {
                throw NomadError.permissionDenied
            }
            let (position, percent, note) = try BountyRules.progress(
                request.progressPercent, note: request.note, milestoneIndex: request.milestoneIndex, bounty: bounty)
            try await BountyStore.recordProgress(
                connection, bountyID: bountyID, position: position, percent: percent, note: note,
                by: reporter.accountID, logger: logger)
            try await BountyAuditStore.append(
                connection, bountyID: bountyID, actor: reporter, action: "bounty.progress_reported",
                applicationID: winning.id, detail: "milestone \(position): \(percent)%", logger: logger)
            return try await BountyStore.find(connection, id: bountyID, logger: logger)!.message()
        }
    }

    func completeBounty(request: Nomad_Jobs_V1_CompleteBountyRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Bounty {
        let principal = try caller
        let bountyID = try Validate.uuid(request.bountyID, "bounty_id")
        return try await mutation("CompleteBounty", requestID: request.requestID, request: request) { connection in
            guard let bounty = try await BountyStore.find(connection, id: bountyID, lock: .update, logger: logger) else {
                throw NomadError.notFound("bounty \(bountyID.text)")
            }
            guard principal.role == .officer || bounty.publisherID == principal.accountID else {
                throw NomadError.permissionDenied
            }
            let reward = try BountyRules.completion(request, bounty: bounty)
            try await BountyStore.markCompleted(connection, bounty, rewardMinor: reward, logger: logger)
            let winners = try await BountyApplicationStore.winners(connection, bountyID: bountyID, logger: logger)
            try await BountyAuditStore.append(
                connection, bountyID: bountyID, actor: principal, action: "bounty.completed",
                detail: "reward=\(reward) \(bounty.currency)", logger: logger)
            try await Outbox.append(
                connection, JobsEvents.BountyCompleted(
                subjects: .init(bountyID: bountyID.text, publisherID: bounty.publisherID.text),
                payload: .init(
                    winnerApplicationIDs: winners.map(\.id.text), leadIDs: winners.map(\.leadID.text),
                    currency: bounty.currency, rewardMinor: reward)),
                logger: logger)
            let completed = try await BountyStore.find(connection, id: bountyID, logger: logger)!.message()
            if principal.role == .officer {
                try await audit(
                    connection, principal, "bounty.complete", subject: "bounty/\(bountyID.text)",
                    before: bounty.message(), after: completed)
            }
            return completed
        }
    }

    func cancelBounty(request: Nomad_Jobs_V1_CancelBountyRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Bounty {
        let principal = try caller
        let bountyID = try Validate.uuid(request.bountyID, "bounty_id")
        return try await mutation("CancelBounty", requestID: request.requestID, request: request) { connection in
            guard let bounty = try await BountyStore.find(connection, id: bountyID, lock: .update, logger: logger) else {
                throw NomadError.notFound("bounty \(bountyID.text)")
            }
            guard principal.role == .officer || bounty.publisherID == principal.accountID else {
                throw NomadError.permissionDenied
            }
            let reason = try Validate.text(request.reason, "reason", max: 500)
            guard bounty.status == BountyRules.Status.open.rawValue || bounty.status == BountyRules.Status.inProgress.rawValue else {
                throw NomadError.wrongState("榜单已完成或已撤销", "the bounty is already completed or cancelled")
            }
            try await BountyStore.markCancelled(connection, bounty, reason: reason, logger: logger)
            try await BountyAuditStore.append(
                connection, bountyID: bountyID, actor: principal, action: "bounty.cancelled", detail: reason, logger: logger)
            try await Outbox.append(
                connection, JobsEvents.BountyCancelled(
                subjects: .init(bountyID: bountyID.text, publisherID: bounty.publisherID.text),
                payload: .init(reason: reason)), logger: logger)
            let cancelled = try await BountyStore.find(connection, id: bountyID, logger: logger)!.message()
            if principal.role == .officer {
                try await audit(
                    connection, principal, "bounty.cancel", subject: "bounty/\(bountyID.text)", reason: reason,
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
        let applications = try await database.read { connection in
            try await authorizeBountyOversight(connection, principal, bountyID: bountyID)
            return try await BountyApplicationStore.list(connection, bountyID: bountyID, status: status, page: page, logger: logger)
        }
        return .with {
            $0.applications = applications.prefix(page.limit).map(\.message)
            $0.page = page.response(fetched: applications.count)
        }
    }

    func listMyBountyApplications(
        request: Nomad_Jobs_V1_ListMyBountyApplicationsRequest, context: ServerContext
    ) async throws -> Nomad_Jobs_V1_ListBountyApplicationsResponse {
        let principal = try caller
        let page = try Page(request.page)
        let status = try bountyStatusFilter(request.status.rawValue, known: 1...5, field: "status")
        let applications = try await database.read { connection in
            try await BountyApplicationStore.list(connection, involving: principal.accountID, status: status, page: page, logger: logger)
        }
        return .with {
            $0.applications = applications.prefix(page.limit).map(\.message)
            $0.page = page.response(fetched: applications.count)
        }
    }

    func listBountyAudit(request: Nomad_Jobs_V1_ListBountyAuditRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_ListBountyAuditResponse {
        let principal = try caller
        let bountyID = try Validate.uuid(request.bountyID, "bounty_id")
        let page = try Page(request.page)
        let entries = try await database.read { connection in
            try await authorizeBountyOversight(connection, principal, bountyID: bountyID)
            return try await BountyAuditStore.list(connection, bountyID: bountyID, page: page, logger: logger)
        }
        return .with {
            $0.entries = Array(entries.prefix(page.limit))
            $0.page = page.response(fetched: entries.count)
        }
    }

    // MARK: shared steps

    /// The application and its bounty, locked bounty first: every path that
    /// changes applications takes the locks in this order, so none deadlocks.
    private func lockBountyApplication(
        _ connection: PostgresConnection, id: UUID
    ) async throws -> (BountyRecord, BountyApplicationRecord) {
        guard let unlocked = try await BountyApplicationStore.find(connection, id: id, logger: logger) else {
            throw NomadError.notFound("bounty application \(id.text)")
        }
        guard let bounty = try await BountyStore.find(connection, id: unlocked.bountyID, lock: .update, logger: logger),
              let application = try await BountyApplicationStore.find(connection, id: id, forUpdate: true, logger: logger)
        else { throw NomadError.internalError }
        return (bounty, application)
    }

    /// The publisher, officers and admins oversee a bounty; other callers may not.
    private func authorizeBountyOversight(_ connection: PostgresConnection, _ principal: Principal, bountyID: UUID) async throws {
        guard let bounty = try await BountyStore.find(connection, id: bountyID, logger: logger) else {
            throw NomadError.notFound("bounty \(bountyID.text)")
        }
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
