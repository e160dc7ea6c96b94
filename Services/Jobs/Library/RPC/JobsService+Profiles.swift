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
        let profile = try await database.read({ try await ProfileStore.find($0, nomadID: nomadID) }).orNotFound("profile \(nomadID.text)")
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
        return try await mutation(request) { tx in
            let codes = try await SkillStore.resolve(tx, terms: update.skills.map(\.code))
            let skills = try update.resolvedSkills(codes)
            try await ProfileStore.lock(tx, nomadID: nomadID)
            guard var profile = try await ProfileStore.find(tx, nomadID: nomadID) else {
                throw NomadError.internalError
            }
            profile = update.applied(to: profile)
            profile.standing = standing
            try await ProfileStore.save(tx, profile)
            if update.fields.contains(.skills) {
                try await ProfileStore.replaceSkills(tx, nomadID: nomadID, skills: skills)
            }
            let saved = try await ProfileStore.find(tx, nomadID: nomadID)!
            try await Outbox.append(
                tx,
                JobsEvents.ProfileUpdated(
                    subjects: .init(nomadID: nomadID.text),
                    payload: .init(
                        skillCount: saved.skills.count, fields: update.fields.map(\.rawValue).sorted(), standing: standing,
                        availability: Int(saved.availability))))
            return saved.message
        }
    }
}
