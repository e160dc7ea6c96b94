import Foundation
import NomadKit
import PostgresNIO

/// A data asset with its latest version's hash and description.
struct DataAssetRecord: Sendable {
    var id: UUID
    var ownerID: UUID
    var poolCode: String
    var titleZh: String
    var titleEn: String
    var licenceTerms: String
    var totalUnits: Int64
    var latestVersion: Int32
    var tokenized: Bool
    var createdAt: Date
    var contentHash: String
    var descriptionZh: String
    var descriptionEn: String
}

struct DataAssetVersionRecord: Sendable {
    var assetID: UUID
    var version: Int32
    var contentHash: String
    var descriptionZh: String
    var descriptionEn: String
    var createdBy: UUID
    var createdAt: Date
}

enum DataAssetStore {
    private static let columns = """
        a.id, a.owner_id, a.pool_code, a.title_zh, a.title_en, a.licence_terms, a.total_units, a.latest_version, \
        a.tokenized, a.created_at, v.content_hash, v.description_zh, v.description_en
        """

    /// Registers the asset as version 1 with every unit held by its owner.
    static func insert(
        _ tx: Tx, id: UUID, owner: UUID, registeredBy: UUID,
        _ draft: DataAssetRules.Registration
    ) async throws {
        try await refuseKnownContent(tx, hash: draft.contentHash)
        try await tx.query(
            """
            INSERT INTO data_assets (id, owner_id, pool_code, title_zh, title_en, licence_terms, total_units, registered_by)
            VALUES (\(id), \(owner), \(draft.poolCode), \(draft.titleZh), \(draft.titleEn), \(draft.licenceTerms),
              \(draft.totalUnits), \(registeredBy))
            """)
        try await insertVersion(
            tx, assetID: id, version: 1, hash: draft.contentHash, zh: draft.descriptionZh, en: draft.descriptionEn,
            by: registeredBy)
        try await tx.query(
            """
            INSERT INTO asset_holdings (asset_id, holder_id, units) VALUES (\(id), \(owner), \(draft.totalUnits))
            """)
    }

    /// Adds the next version; call under the asset's row lock so numbers stay 1, 2, 3...
    static func addVersion(
        _ tx: Tx, asset: DataAssetRecord, hash: String, zh: String, en: String, by: UUID
    ) async throws -> Int32 {
        try await refuseKnownContent(tx, hash: hash)
        let version = asset.latestVersion + 1
        try await insertVersion(tx, assetID: asset.id, version: version, hash: hash, zh: zh, en: en, by: by)
        try await tx.query(
            "UPDATE data_assets SET latest_version = \(version) WHERE id = \(asset.id)")
        return version
    }

    /// A friendly refusal before the insert; the unique index still decides
    /// between two registrations of the same content racing each other.
    private static func refuseKnownContent(_ tx: Tx, hash: String) async throws {
        let rows = try await tx.query(
            "SELECT 1 FROM data_asset_versions WHERE content_hash = \(hash)"
        ).collect()
        if !rows.isEmpty { throw RegistryErrors.duplicateContent }
    }

    private static func insertVersion(
        _ tx: Tx, assetID: UUID, version: Int32, hash: String, zh: String, en: String, by: UUID
    ) async throws {
        do {
            try await tx.query(
                """
                INSERT INTO data_asset_versions (asset_id, version, content_hash, description_zh, description_en, created_by)
                VALUES (\(assetID), \(version), \(hash), \(zh), \(en), \(by))
                """)
        } catch let error as PSQLError where error.isUniqueViolation {
            throw RegistryErrors.duplicateContent
        }
    }

    static func find(_ tx: Tx, id: UUID, lock: Bool = false) async throws -> DataAssetRecord? {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM data_assets a
            JOIN data_asset_versions v ON v.asset_id = a.id AND v.version = a.latest_version
            WHERE a.id = \(id) \(unescaped: lock ? "FOR UPDATE OF a" : "")
            """)
        for try await row in rows { return try record(row) }
        return nil
    }

    /// Newest first.
    static func list(
        _ tx: Tx, poolCode: String?, owner: UUID?, page: Page
    ) async throws -> [DataAssetRecord] {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM data_assets a
            JOIN data_asset_versions v ON v.asset_id = a.id AND v.version = a.latest_version
            WHERE (\(poolCode)::text IS NULL OR a.pool_code = \(poolCode))
              AND (\(owner)::uuid IS NULL OR a.owner_id = \(owner))
            ORDER BY a.created_at DESC, a.id DESC LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        var assets: [DataAssetRecord] = []
        for try await row in rows { assets.append(try record(row)) }
        return assets
    }

    static func versions(_ tx: Tx, assetID: UUID) async throws -> [DataAssetVersionRecord] {
        let rows = try await tx.query(
            """
            SELECT asset_id, version, content_hash, description_zh, description_en, created_by, created_at
            FROM data_asset_versions WHERE asset_id = \(assetID) ORDER BY version
            """)
        var versions: [DataAssetVersionRecord] = []
        for try await (asset, version, hash, zh, en, by, at) in rows.decode((UUID, Int32, String, String, String, UUID, Date).self) {
            versions.append(
                DataAssetVersionRecord(
                    assetID: asset, version: version, contentHash: hash, descriptionZh: zh, descriptionEn: en, createdBy: by,
                    createdAt: at))
        }
        return versions
    }

    static func markTokenized(_ tx: Tx, id: UUID) async throws {
        try await tx.query("UPDATE data_assets SET tokenized = true WHERE id = \(id)")
    }

    private static func record(_ row: PostgresRow) throws -> DataAssetRecord {
        let r = row.makeRandomAccess()
        return DataAssetRecord(
            id: try r["id"].decode(UUID.self), ownerID: try r["owner_id"].decode(UUID.self),
            poolCode: try r["pool_code"].decode(String.self), titleZh: try r["title_zh"].decode(String.self),
            titleEn: try r["title_en"].decode(String.self), licenceTerms: try r["licence_terms"].decode(String.self),
            totalUnits: try r["total_units"].decode(Int64.self), latestVersion: try r["latest_version"].decode(Int32.self),
            tokenized: try r["tokenized"].decode(Bool.self), createdAt: try r["created_at"].decode(Date.self),
            contentHash: try r["content_hash"].decode(String.self),
            descriptionZh: try r["description_zh"].decode(String.self),
            descriptionEn: try r["description_en"].decode(String.self))
    }
}
