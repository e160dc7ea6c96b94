import Foundation
import NomadKit
import PostgresNIO

/// A nomad's skill profile as stored. Availability holds the proto enum
/// number; standing is identity's word for the nomad when they last saved.
struct ProfileRecord: Sendable {
    struct SkillRecord: Sendable, Equatable {
        var code: String
        var level: Int16
        var yearsExperience: Int32
        var projectsDone: Int32
        var tools: [String]
        var verifiedLevel: Int16 = 0
        var verification: Int16 = 1
    }

    var nomadID: UUID
    var skills: [SkillRecord] = []
    var availability: Int16 = 0
    var hoursPerWeek: Int32 = 0
    var timeZone = ""
    var languages: [String] = []
    var rateCurrency = "CNY"
    var rateMinor: Int64 = 0
    var standing = NomadStanding.registered.rawValue
    var updatedAt = Date()
}

enum ProfileStore {
    static func find(_ tx: Tx, nomadID: UUID) async throws -> ProfileRecord? {
        let rows = try await tx.query(
            """
            SELECT availability, hours_per_week, time_zone, languages, rate_currency, rate_minor, standing, updated_at
            FROM profiles WHERE nomad_id = \(nomadID)
            """)
        var found: ProfileRecord?
        for try await (availability, hours, zone, languages, currency, rate, standing, updated) in rows.decode(
            (Int16, Int32, String, [String], String, Int64, String, Date).self)
        {
            found = ProfileRecord(
                nomadID: nomadID, availability: availability, hoursPerWeek: hours, timeZone: zone, languages: languages,
                rateCurrency: currency, rateMinor: rate, standing: standing, updatedAt: updated)
        }
        guard var profile = found else { return nil }
        profile.skills = try await skills(tx, nomadID: nomadID)
        return profile
    }

    /// Creates the profile row if missing and locks it, so concurrent saves of
    /// one nomad (from any replica) apply one after the other.
    static func lock(_ tx: Tx, nomadID: UUID) async throws {
        try await tx.query(
            "INSERT INTO profiles (nomad_id) VALUES (\(nomadID)) ON CONFLICT DO NOTHING")
        try await tx.query("SELECT 1 FROM profiles WHERE nomad_id = \(nomadID) FOR UPDATE")
    }

    static func save(_ tx: Tx, _ profile: ProfileRecord) async throws {
        try await tx.query(
            """
            UPDATE profiles SET availability = \(profile.availability), hours_per_week = \(profile.hoursPerWeek),
              time_zone = \(profile.timeZone), languages = \(profile.languages), rate_currency = \(profile.rateCurrency),
              rate_minor = \(profile.rateMinor), standing = \(profile.standing), updated_at = now()
            WHERE nomad_id = \(profile.nomadID)
            """)
    }

    /// Replaces the declared skills. Verified levels are not the nomad's to
    /// set: each skill gets the proof on record for it (`VerificationStore`),
    /// so a skill dropped and added again comes back with its proof.
    static func replaceSkills(
        _ tx: Tx, nomadID: UUID, skills: [ProfileRecord.SkillRecord]
    ) async throws {
        let proven = try await VerificationStore.proven(tx, nomadID: nomadID)
        try await tx.query("DELETE FROM profile_skills WHERE nomad_id = \(nomadID)")
        for skill in skills {
            let proof = proven[skill.code]
            let tools = skill.tools
            try await tx.query(
                """
                INSERT INTO profile_skills (nomad_id, skill_code, level, years_experience, projects_done, tools,
                  verified_level, verification)
                VALUES (\(nomadID), \(skill.code), \(skill.level), \(skill.yearsExperience), \(skill.projectsDone),
                  \(tools), \(proof?.level ?? 0), \(proof?.source ?? 1))
                """)
        }
    }

    static func skills(_ tx: Tx, nomadID: UUID) async throws -> [ProfileRecord.SkillRecord] {
        let rows = try await tx.query(
            """
            SELECT skill_code, level, years_experience, projects_done, tools, verified_level, verification
            FROM profile_skills WHERE nomad_id = \(nomadID) ORDER BY level DESC, skill_code
            """)
        var result: [ProfileRecord.SkillRecord] = []
        for try await (code, level, years, projects, tools, verified, verification) in rows.decode(
            (String, Int16, Int32, Int32, [String], Int16, Int16).self)
        {
            result.append(
                .init(
                    code: code, level: level, yearsExperience: years, projectsDone: projects, tools: tools,
                    verifiedLevel: verified, verification: verification))
        }
        return result
    }
}
