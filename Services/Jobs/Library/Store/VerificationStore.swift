import Foundation
import NomadKit
import NomadProtos
import PostgresNIO

/// Proven skill levels. A proof is a row of its own (never edited); the
/// profile's verified_level is the highest proof, so a nomad's own edits can
/// neither raise nor erase it.
enum VerificationStore {
    enum Source: Int16, Sendable {
        case order = 2
        case training = 3

        var verification: Nomad_Jobs_V1_Verification { .init(rawValue: Int(rawValue)) ?? .unspecified }
    }

    /// Records that `nomadID` proved `skillCode` at `level` (by the order or
    /// scenario `referenceID`). A nomad without a profile, or without the skill
    /// in it, gets it at the proven level. Recording the same proof twice
    /// changes nothing.
    static func record(
        _ tx: Tx, nomadID: UUID, skillCode: String, level: Int16, source: Source,
        referenceID: UUID
    ) async throws {
        try await tx.query(
            """
            INSERT INTO skill_verifications (id, nomad_id, skill_code, level, source, reference_id)
            VALUES (\(UUID()), \(nomadID), \(skillCode), \(level), \(source.rawValue), \(referenceID))
            ON CONFLICT DO NOTHING
            """)
        try await tx.query(
            "INSERT INTO profiles (nomad_id) VALUES (\(nomadID)) ON CONFLICT DO NOTHING")
        try await tx.query(
            """
            INSERT INTO profile_skills (nomad_id, skill_code, level, verified_level, verification)
            VALUES (\(nomadID), \(skillCode), \(level), \(level), \(source.rawValue))
            ON CONFLICT (nomad_id, skill_code) DO UPDATE SET
              verified_level = GREATEST(profile_skills.verified_level, EXCLUDED.verified_level),
              verification = CASE WHEN EXCLUDED.verified_level > profile_skills.verified_level
                THEN EXCLUDED.verification ELSE profile_skills.verification END
            """)
    }

    /// The proven level and how, per skill, for re-attaching to a profile
    /// whose skills were replaced.
    static func proven(_ tx: Tx, nomadID: UUID) async throws -> [String: (level: Int16, source: Int16)] {
        let rows = try await tx.query(
            """
            SELECT DISTINCT ON (skill_code) skill_code, level, source FROM skill_verifications
            WHERE nomad_id = \(nomadID) ORDER BY skill_code, level DESC, verified_at
            """)
        var result: [String: (level: Int16, source: Int16)] = [:]
        for try await (code, level, source) in rows.decode((String, Int16, Int16).self) {
            result[code] = (level, source)
        }
        return result
    }
}
