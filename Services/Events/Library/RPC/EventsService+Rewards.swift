import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// Organizers' reward applications for conferences (会议会展奖励). The
/// registered and checked-in counts come from this service's own records at
/// the moment of applying; the request has no field for them.
extension EventsService {
    func applyForEventReward(
        request: Nomad_Events_V1_ApplyForEventRewardRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_EventRewardApplication {
        let organizer = try caller
        let eventID = try Validate.uuid(request.eventID, "event_id")
        let statement = try Validate.text(request.statement, "statement", max: 2000, required: false)
        return try await mutation(request) { tx in
            guard let event = try await EventStore.find(tx, id: eventID, lock: .share) else {
                throw CalendarErrors.eventNotFound
            }
            // The organizer applies for their own event; nobody applies on their behalf.
            guard event.organizerID == organizer.accountID else { throw NomadError.permissionDenied }
            guard event.status == .finished else {
                throw NomadError.wrongState("只有已结束的活动可以申请奖励", "only a finished event can apply for a reward")
            }
            if try await RewardStore.exists(tx, eventID: eventID) {
                throw NomadError(.alreadyExists, zh: "该活动已申请过奖励", en: "A reward application for this event already exists")
            }
            let counts = try await RegistrationStore.counts(tx, eventID: eventID)
            let application = RewardApplicationRecord(
                id: UUID(), eventID: eventID, organizerID: organizer.accountID, registered: counts.registered,
                checkedIn: counts.checkedIn, statement: statement, status: .pending, reviewNote: "", reviewerID: nil,
                createdAt: Date(), reviewedAt: nil)
            try await RewardStore.insert(tx, application)
            try await Outbox.append(
                tx,
                EventsEvents.RewardApplied(
                    subjects: .init(
                        applicationID: application.id.text, eventID: eventID.text,
                        organizerID: organizer.accountID.text),
                    payload: .init(
                        applicationID: application.id.text, eventID: eventID.text, organizerID: organizer.accountID.text,
                        registered: counts.registered, checkedIn: counts.checkedIn)))
            return try await RewardStore.find(tx, id: application.id)!.message
        }
    }

    func reviewEventReward(
        request: Nomad_Events_V1_ReviewEventRewardRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_EventRewardApplication {
        let officer = try caller
        let id = try Validate.uuid(request.applicationID, "application_id")
        let note = try Validate.text(request.note, "note", max: 1000, required: !request.approve)
        return try await mutation(request) { tx in
            let application = try await RewardStore.find(tx, id: id, lock: .update).orNotFound("reward application")
            // An officer who organized the event does not judge its reward.
            guard application.organizerID != officer.accountID else { throw NomadError.permissionDenied }
            guard application.status == .pending else {
                throw NomadError.wrongState("该申请已审核", "the application was already reviewed")
            }
            try await RewardStore.review(
                tx, id: id, status: request.approve ? .approved : .rejected, note: note,
                reviewer: officer.accountID)
            let reviewed = try await RewardStore.find(tx, id: id)!.message
            try await audit(
                tx, officer, request.approve ? "event_reward.approve" : "event_reward.reject",
                subject: "event_reward/\(id.text)", reason: note, before: application.message, after: reviewed)
            return reviewed
        }
    }

    func listEventRewardApplications(
        request: Nomad_Events_V1_ListEventRewardApplicationsRequest, context: ServerContext
    ) async throws -> Nomad_Events_V1_ListEventRewardApplicationsResponse {
        let reader = try caller
        let page = try Page(request.page)
        guard (0...3).contains(request.status.rawValue) else { throw NomadError.unknownEnum("status") }
        let status: Int16? = request.status == .unspecified ? nil : Int16(request.status.rawValue)
        // Staff see every application; an organizer sees their own.
        let organizer: UUID? = reader.role == .officer || reader.isAdmin ? nil : reader.accountID
        let applications = try await database.read {
            try await RewardStore.list($0, organizerID: organizer, status: status, page: page)
        }
        return .listing(\.applications, applications.map(\.message), page)
    }
}

extension RewardApplicationRecord {
    var message: Nomad_Events_V1_EventRewardApplication {
        .with {
            $0.applicationID = id.text
            $0.eventID = eventID.text
            $0.organizerID = organizerID.text
            $0.registered = Int32(registered)
            $0.checkedIn = Int32(checkedIn)
            $0.statement = statement
            $0.status = .init(rawValue: Int(status.rawValue)) ?? .unspecified
            $0.reviewNote = reviewNote
            $0.reviewerID = reviewerID?.text ?? ""
            $0.createTime = .init(date: createdAt)
            if let reviewedAt { $0.reviewTime = .init(date: reviewedAt) }
        }
    }
}
