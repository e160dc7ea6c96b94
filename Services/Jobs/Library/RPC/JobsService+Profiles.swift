import Foundation
import GRPCCore
import NomadKit
import NomadProtos

extension JobsService {
    /// A nomad reads their own; enterprises and staff read anyone's (they
    /// match and hire from these).
    func getProfile(request: Nomad_Jobs_V1_GetProfileRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Profile {
        let principal = try caller
        let nomadID = try Self.nomadID(request.nomadID, principal: principal)
        guard let profile = try await database.read({ try await ProfileStore.find($0, nomadID: nomadID, logger: logger) }) else {
            throw NomadError.notFound("profile \(nomadID.text)")
        }
        return profile.message
    }

    /// The nomad's own profile only: the token's account is the profile's.
    /// Identity's standing is taken from the token on every save.
    func updateProfile(request: Nomad_Jobs_V1_UpdateProfileRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Profile {
        let principal = try caller
        guard principal.role == .nomad else { throw NomadError.permissionDenied }
        let update = try ProfileUpdate(request.profile, mask: request.updateMask)
        let nomadID = principal.accountID
        let standing = (principal.standing ?? .registered).rawValue
        return try await mutation("UpdateProfile", requestID: request.requestID, request: request) { connection in
            let codes = try await SkillStore.resolve(connection, terms: update.skills.map(\.code), logger: logger)
            let skills = try update.resolvedSkills(codes)
            try await ProfileStore.lock(connection, nomadID: nomadID, logger: logger)
            guard var profile = try await ProfileStore.find(connection, nomadID: nomadID, logger: logger) else {
                throw NomadError.internalError
            }
            profile = update.applied(to: profile)
            profile.standing = standing
            try await ProfileStore.save(connection, profile, logger: logger)
            if update.fields.contains(.skills) {
                try await ProfileStore.replaceSkills(connection, nomadID: nomadID, skills: skills, logger: logger)
            }
            let saved = try await ProfileStore.find(connection, nomadID: nomadID, logger: logger)!
            try await Outbox.append(
                connection, JobsEvents.ProfileUpdated(subjects: .init(nomadID: nomadID.text),
                payload: .init(
                    skillCount: saved.skills.count, fields: update.fields.map(\.rawValue).sorted(), standing: standing,
                    availability: Int(saved.availability))),
                logger: logger)
            return saved.message
        }
    }
}
