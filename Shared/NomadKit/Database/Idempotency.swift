import Foundation
import PostgresNIO
import SwiftProtobuf

/// `request_id` idempotency (AIP-155): inside the mutation's transaction, the
/// first call with a given (caller, method, request_id) runs and stores its
/// response; a retry gets that stored response back and changes nothing. A
/// concurrent retry waits on the first one's row lock and then reads its result.
public enum Idempotency {
    public static let maxRequestIDLength = 64

    public static func validate(requestID: String) throws {
        guard !requestID.isEmpty else { throw NomadError.required("request_id") }
        guard requestID.utf8.count <= maxRequestIDLength else {
            throw NomadError.tooLong("request_id", max: maxRequestIDLength)
        }
        guard requestID.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }) else {
            throw NomadError.invalid("request_id", zh: "只能包含可打印的 ASCII 字符", en: "printable ASCII only")
        }
    }

    /// Runs `perform` once per request id. `request` is hashed so that reusing
    /// an id for a different request is refused instead of silently answered
    /// with another request's result.
    public static func once<Response: SwiftProtobuf.Message & Sendable>(
        _ tx: Tx, method: String, requestID: String, request: some SwiftProtobuf.Message,
        caller: Principal?, protection: DataProtection, perform: () async throws -> Response
    ) async throws -> Response {
        let hash = try requestHash(request, protection: protection)
        let callerKey = key(caller)
        let inserted =
            try await tx.query(
                """
                INSERT INTO idempotency_keys (caller, method, request_id, request_hash)
                VALUES (\(callerKey), \(method), \(requestID), \(hash))
                ON CONFLICT DO NOTHING RETURNING 1
                """
            ).collect().count == 1
        if !inserted {
            let rows = try await tx.query(
                """
                SELECT request_hash, response FROM idempotency_keys
                WHERE caller = \(callerKey) AND method = \(method) AND request_id = \(requestID)
                """
            ).collect()
            guard let row = rows.first else { throw NomadError.internalError }
            let (storedHash, stored) = try row.decode((Data, Data?).self)
            guard storedHash == hash else { throw NomadError.requestIDReused }
            guard let stored else { throw NomadError.internalError }
            return try Response(serializedBytes: try opened(stored, method: method, protection: protection))
        }
        let response = try await perform()
        let bytes = try protection.seal(bytes: Data(try response.serializedBytes() as [UInt8]), purpose: purpose(method))
        try await tx.query(
            """
            UPDATE idempotency_keys SET response = \(bytes)
            WHERE caller = \(callerKey) AND method = \(method) AND request_id = \(requestID)
            """)
        return response
    }

    /// The response an earlier call with this (caller, method, request_id)
    /// stored, or nil when there was none (or it has not finished). For a
    /// mutation whose preconditions its own success undoes (ChangePassword:
    /// the old password no longer matches), so a retry is answered before
    /// they are checked again. The same id with a different request is refused.
    public static func earlierResponse<Response: SwiftProtobuf.Message>(
        _ tx: Tx, method: String, requestID: String, request: some SwiftProtobuf.Message,
        caller: Principal?, protection: DataProtection, as type: Response.Type
    ) async throws -> Response? {
        let hash = try requestHash(request, protection: protection)
        let rows = try await tx.query(
            """
            SELECT request_hash, response FROM idempotency_keys
            WHERE caller = \(key(caller)) AND method = \(method) AND request_id = \(requestID)
            """
        ).collect()
        guard let row = rows.first else { return nil }
        let (storedHash, stored) = try row.decode((Data, Data?).self)
        guard storedHash == hash else { throw NomadError.requestIDReused }
        return try stored.map { try Response(serializedBytes: try opened($0, method: method, protection: protection)) }
    }

    /// Keyed, not a bare SHA-256: some requests carry a password
    /// (RegisterNomad, CreateOfficer), and a plain digest of them would be
    /// open to guessing by anyone who reads the table.
    static func requestHash(_ request: some SwiftProtobuf.Message, protection: DataProtection) throws -> Data {
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        return protection.hash(bytes: Data(try request.serializedBytes(options: options) as [UInt8]), purpose: "idempotency.request")
    }

    static func key(_ caller: Principal?) -> String {
        caller.map { $0.accountID.uuidString.lowercased() } ?? "anonymous"
    }

    private static func purpose(_ method: String) -> String { "idempotency.response:" + method }

    /// Rows stored before responses were sealed are plain protobuf (they age
    /// out with the retention); a sealed one starts with our version byte,
    /// which no serialized message can (it would name field 0).
    private static func opened(_ stored: Data, method: String, protection: DataProtection) throws -> Data {
        guard DataProtection.looksSealed(stored) else { return stored }
        return try protection.open(bytes: stored, purpose: purpose(method))
    }

    /// Forgets keys older than `retention` hours: a retry comes within
    /// minutes, and the table must not grow without end. Deleting in batches
    /// keeps each transaction short; any replica may run it.
    public static func purgeTask(_ database: Database, retention: Double) -> BackgroundTask {
        BackgroundTask(name: "purge-idempotency-keys", interval: .seconds(600)) {
            let cutoff = Date().addingTimeInterval(-retention * 3600)
            while true {
                let deleted = try await database.transaction { tx in
                    try await purge(tx, olderThan: cutoff, limit: 1000)
                }
                if deleted < 1000 { break }
            }
        }
    }

    public static func purge(_ tx: Tx, olderThan cutoff: Date, limit: Int) async throws -> Int {
        try await tx.query(
            """
            DELETE FROM idempotency_keys WHERE ctid IN (
              SELECT ctid FROM idempotency_keys WHERE created_at < \(cutoff) LIMIT \(limit) FOR UPDATE SKIP LOCKED)
            RETURNING 1
            """
        ).collect().count
    }
}
