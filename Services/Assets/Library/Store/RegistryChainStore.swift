import Foundation
import NomadKit
import PostgresNIO

struct RegistryEntryRecord: Sendable {
    var seq: Int64
    var kind: String
    var subject: String
    var payload: String
    var prevHash: [UInt8]
    var hash: [UInt8]
    var createdAt: Date
}

/// Appends to and reads the registry chain. An append runs in the caller's
/// transaction and locks the head row, so entries form one line in commit
/// order; take it last, after the rows the change itself locks.
enum RegistryChainStore {
    static let pageSize = 500

    @discardableResult
    static func append(
        _ tx: Tx, kind: String, subject: UUID, fields: [String: String]
    ) async throws -> Int64 {
        var head: (Int64, [UInt8])?
        for try await (seq, hash) in try await tx.query(
            "SELECT seq, hash FROM registry_chain_head WHERE id = 1 FOR UPDATE"
        ).decode((Int64, Data).self) {
            head = (seq, Array(hash))
        }
        guard let head else { throw NomadError.internalError }
        let (lastSeq, lastHash) = head
        var all = fields
        all["kind"] = kind
        all["subject"] = subject.text
        all["at"] = ISO8601DateFormatter().string(from: Date())
        let payload = RegistryChain.canonicalPayload(all)
        let hash = RegistryChain.hash(prev: lastHash, payload: payload)
        let seq = lastSeq + 1
        try await tx.query(
            """
            INSERT INTO registry_entries (seq, kind, subject, payload, prev_hash, hash)
            VALUES (\(seq), \(kind), \(subject.text), \(payload), \(Data(lastHash)), \(Data(hash)))
            """)
        try await tx.query(
            "UPDATE registry_chain_head SET seq = \(seq), hash = \(Data(hash)) WHERE id = 1")
        return seq
    }

    /// In chain order.
    static func list(_ tx: Tx, subject: String?, page: Page) async throws -> [RegistryEntryRecord] {
        try await entries(
            tx, after: nil, through: nil, subject: subject, limit: page.fetchLimit, offset: page.offset)
    }

    static func entries(
        _ tx: Tx, after seq: Int64?, through last: Int64?, subject: String? = nil, limit: Int,
        offset: Int = 0
    ) async throws -> [RegistryEntryRecord] {
        let rows = try await tx.query(
            """
            SELECT seq, kind, subject, payload, prev_hash, hash, created_at FROM registry_entries
            WHERE (\(seq)::bigint IS NULL OR seq > \(seq)) AND (\(last)::bigint IS NULL OR seq <= \(last)) AND (\(subject)::text IS NULL OR subject = \(subject))
            ORDER BY seq LIMIT \(limit) OFFSET \(offset)
            """)
        var entries: [RegistryEntryRecord] = []
        for try await (seq, kind, subject, payload, prev, hash, at) in rows.decode(
            (Int64, String, String, String, Data, Data, Date).self
        ) {
            entries.append(
                RegistryEntryRecord(
                    seq: seq, kind: kind, subject: subject, payload: payload, prevHash: Array(prev), hash: Array(hash),
                    createdAt: at))
        }
        return entries
    }

    static func head(_ tx: Tx) async throws -> (seq: Int64, hash: [UInt8]) {
        for try await (seq, hash) in try await tx.query(
            "SELECT seq, hash FROM registry_chain_head WHERE id = 1"
        ).decode((Int64, Data).self) {
            return (seq, Array(hash))
        }
        throw NomadError.internalError
    }
}
