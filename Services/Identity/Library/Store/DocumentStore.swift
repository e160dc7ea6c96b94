import Foundation
import NomadKit
import NomadProtos
import PostgresNIO

/// A document's row without its bytes, which are read in slices.
struct DocumentRecord: Sendable {
    var id: UUID
    var ownerID: UUID
    var purpose: Nomad_Identity_V1_DocumentPurpose
    var filename: String
    var contentType: String
    var size: Int64
    var sha256: String
    var uploadedAt: Date
}

/// Uploaded documents, bytes included (bytea), in identity's schema. The
/// bytes travel only as bound parameters, which postgres-nio never prints;
/// a failed insert is reported by SQLSTATE alone, since PostgreSQL's own
/// detail for a refused row would quote the row.
enum DocumentStore {
    private static let columns = "id, owner_id, purpose, filename, content_type, size_bytes, sha256, uploaded_at"

    /// Stores the document; `uploadedAt` is the database's clock (the
    /// transaction's time), as read back by `find`.
    static func insert(_ tx: Tx, _ record: DocumentRecord, bytes: Data) async throws {
        do {
            try await tx.query(
                """
                INSERT INTO documents (id, owner_id, purpose, filename, content_type, size_bytes, sha256, bytes)
                VALUES (\(record.id), \(record.ownerID), \(Int16(record.purpose.rawValue)), \(record.filename),
                  \(record.contentType), \(record.size), \(record.sha256), \(bytes))
                """)
        } catch let error as PSQLError where error.code == .server {
            tx.logger.error(
                "document insert refused",
                metadata: [
                    "sqlstate": "\(error.sqlState ?? "-")", "constraint": "\(error.constraintName ?? "-")",
                ])
            throw NomadError.internalError
        }
    }

    static func find(_ tx: Tx, id: UUID) async throws -> DocumentRecord? {
        try await tx.query("SELECT \(unescaped: columns) FROM documents WHERE id = \(id)")
            .collect().first.map(decode)
    }

    /// The owner's documents, newest first.
    static func list(_ tx: Tx, owner: UUID, page: Page) async throws -> [DocumentRecord] {
        try await tx.query(
            """
            SELECT \(unescaped: columns) FROM documents WHERE owner_id = \(owner)
            ORDER BY uploaded_at DESC, id DESC LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """
        ).collect().map(decode)
    }

    /// Those of `ids` that `owner` uploaded for `purpose`, in the order of `ids`.
    static func owned(
        _ tx: Tx, ids: [UUID], owner: UUID, purpose: Nomad_Identity_V1_DocumentPurpose
    ) async throws -> [DocumentRecord] {
        if ids.isEmpty { return [] }
        let found = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM documents
            WHERE id = ANY(\(ids)) AND owner_id = \(owner) AND purpose = \(Int16(purpose.rawValue))
            """
        ).collect().map(decode)
        let byID = Dictionary(uniqueKeysWithValues: found.map { ($0.id, $0) })
        return ids.compactMap { byID[$0] }
    }

    /// Up to `length` bytes from `offset` (0-based). The column is stored
    /// uncompressed (STORAGE EXTERNAL), so PostgreSQL reads only the slice.
    static func slice(_ tx: Tx, id: UUID, offset: Int64, length: Int) async throws -> Data {
        let rows = try await tx.query(
            """
            SELECT substring(bytes FROM \(Int32(offset + 1)) FOR \(Int32(length))) FROM documents WHERE id = \(id)
            """
        ).collect()
        guard let row = rows.first else { return Data() }
        return try row.decode(Data.self)
    }

    private static func decode(_ row: PostgresRow) throws -> DocumentRecord {
        let (id, owner, purpose, filename, contentType, size, sha256, uploadedAt) =
            try row.decode((UUID, UUID, Int16, String, String, Int64, String, Date).self)
        return DocumentRecord(
            id: id, ownerID: owner, purpose: .init(rawValue: Int(purpose)) ?? .unspecified, filename: filename,
            contentType: contentType, size: size, sha256: sha256, uploadedAt: uploadedAt)
    }
}
