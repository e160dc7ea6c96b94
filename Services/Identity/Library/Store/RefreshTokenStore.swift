import Crypto
import Foundation
import NomadKit
import PostgresNIO

/// Refresh tokens are opaque random strings; only their SHA-256 is stored, so
/// a copy of the table cannot be replayed. Each login starts a family; every
/// refresh rotates within it.
struct RefreshTokenRecord: Sendable {
    var id: UUID
    var familyID: UUID
    var accountID: UUID
    var expiresAt: Date
    var usedAt: Date?
    var revokedAt: Date?
}

enum RefreshTokenStore {
    static func newSecret() -> String {
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max) }
        return Base64URL.encode(bytes)
    }

    static func digest(_ secret: String) -> Data {
        Data(SHA256.hash(data: Data(secret.utf8)))
    }

    static func insert(
        _ tx: Tx, secret: String, familyID: UUID, accountID: UUID, expiresAt: Date
    ) async throws {
        try await tx.query(
            """
            INSERT INTO refresh_tokens (id, family_id, account_id, token_hash, expires_at)
            VALUES (\(UUID()), \(familyID), \(accountID), \(digest(secret)), \(expiresAt))
            """)
    }

    /// Locks the row so two refreshes with the same token cannot both rotate it.
    static func findForUpdate(_ tx: Tx, secret: String) async throws -> RefreshTokenRecord? {
        let rows = try await tx.query(
            """
            SELECT id, family_id, account_id, expires_at, used_at, revoked_at
            FROM refresh_tokens WHERE token_hash = \(digest(secret)) FOR UPDATE
            """
        ).collect()
        guard let row = rows.first else { return nil }
        let (id, family, account, expires, used, revoked) = try row.decode((UUID, UUID, UUID, Date, Date?, Date?).self)
        return RefreshTokenRecord(id: id, familyID: family, accountID: account, expiresAt: expires, usedAt: used, revokedAt: revoked)
    }

    static func markUsed(_ tx: Tx, id: UUID) async throws {
        try await tx.query("UPDATE refresh_tokens SET used_at = now() WHERE id = \(id)")
    }

    /// Ends every session of the account but `keepFamily`'s. The kept
    /// family's used tokens stay as they are, so a replayed one still revokes
    /// the family as theft.
    static func revokeAccount(_ tx: Tx, accountID: UUID, keepFamily: UUID?) async throws {
        try await tx.query(
            """
            UPDATE refresh_tokens SET revoked_at = now()
            WHERE account_id = \(accountID) AND revoked_at IS NULL AND (\(keepFamily)::uuid IS NULL OR family_id <> \(keepFamily))
            """)
    }

    static func revokeFamily(_ tx: Tx, familyID: UUID) async throws {
        try await tx.query(
            """
            UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = \(familyID) AND revoked_at IS NULL
            """)
    }
}
