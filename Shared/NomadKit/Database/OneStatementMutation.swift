import Foundation
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// What a one-statement mutation's SQL function needs to be run once per
/// request id: it passes these to `idempotency_claim` first.
public struct IdempotencyKey: Sendable {
    public let caller: String
    public let requestID: String
    public let requestHash: Data
    /// The calling request's W3C traceparent ("" outside a span), which the
    /// statement sets for the function's outbox rows (see `OneStatementMutation.sql`).
    public let traceparent: String
}

/// A prepared call of a one-statement mutation's SQL function, whose first
/// three arguments are the idempotency key's and whose one row is the
/// function's JSON answer as text. Its `sql` is `OneStatementMutation.sql`
/// with the traceparent at the parameter after the function's last, where
/// `makeBindings` puts it.
public protocol OneStatementCall: PostgresPreparedStatement where Row == String {
    var key: IdempotencyKey { get }
    /// The function's own arguments, after the key's.
    func appendArguments(to bindings: inout PostgresBindings) throws
}

extension OneStatementCall {
    public func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(key.caller)
        bindings.append(key.requestID)
        try bindings.append(key.requestHash)
        try appendArguments(to: &bindings)
        bindings.append(key.traceparent)
        return bindings
    }

    public func decodeRow(_ row: PostgresRow) throws -> String { try row.decode(String.self) }
}

/// A hot mutation done by one PL/pgSQL function in one round trip, as its own
/// transaction. postgres-nio runs one query at a time per connection, so a
/// mutation of seven statements held its row locks across seven round trips
/// and cost seven times the latency of the SQL itself.
///
/// The function claims the idempotency key, applies the rule, writes the
/// rows and the outbox event, and stores its result (JSON) on the key, all in
/// one statement; a retry gets the stored result back. Its result carries no
/// personal number (ids, counts, amounts), so it is kept as JSON, not sealed
/// like `Idempotency.once`'s stored responses; the response is built from it
/// the same way on the first call and on a retry.
///
/// A rule that refuses before anything but the key was written answers
/// `{"refusal": "<code>", "facts": {...}}` after deleting its key; one that
/// must undo writes raises SQLSTATE `NZ001` with the code as the message.
/// The service maps each code to its localized error, so the reasons stay the
/// ones its tests assert.
public enum OneStatementMutation {
    /// Raised by a function for a refusal that has to undo its writes.
    public static let refusalState = "NZ001"

    /// The prepared SQL calling a mutation's function: its JSON answer as text,
    /// with the request's traceparent (`IdempotencyKey.traceparent`, bound at
    /// `$<traceparentAt>`) set for this statement's transaction alone, where
    /// the outbox column's default reads it (chassis migration 3), so no
    /// function has to pass it on. The setting is in a subquery because
    /// PostgreSQL evaluates it before the outer call (a volatile subquery is
    /// never flattened into it).
    public static func sql(_ call: String, traceparentAt index: Int) -> String {
        "SELECT (\(call))::text FROM (SELECT set_config('nomad.traceparent', $\(index), true)) AS trace"
    }

    /// A refusal a function answered.
    public struct Refusal: Sendable, Error, Equatable {
        public let code: String
        public let facts: [String: String]
    }

    static let migration = """
        ALTER TABLE idempotency_keys ADD COLUMN result jsonb;

        -- NULL: this call is the first with the key, which it now holds until it
        -- commits (a concurrent retry waits on it). Otherwise the result an earlier
        -- call stored, or a marker when that call took the sealed-response path.
        CREATE FUNCTION idempotency_claim(p_caller text, p_method text, p_request_id text, p_hash bytea)
        RETURNS jsonb LANGUAGE plpgsql AS $f$
        DECLARE
          stored_hash bytea;
          stored_result jsonb;
          stored_response bytea;
        BEGIN
          INSERT INTO idempotency_keys (caller, method, request_id, request_hash)
          VALUES (p_caller, p_method, p_request_id, p_hash) ON CONFLICT DO NOTHING;
          IF FOUND THEN
            RETURN NULL;
          END IF;
          SELECT request_hash, result, response INTO stored_hash, stored_result, stored_response
          FROM idempotency_keys WHERE caller = p_caller AND method = p_method AND request_id = p_request_id;
          IF stored_hash IS DISTINCT FROM p_hash THEN
            RAISE EXCEPTION USING ERRCODE = 'NZ001', MESSAGE = 'request_id_reused';
          END IF;
          IF stored_result IS NOT NULL THEN
            RETURN stored_result;
          END IF;
          IF stored_response IS NOT NULL THEN
            RETURN jsonb_build_object('stored_response', true);
          END IF;
          RAISE EXCEPTION 'idempotency key % of % has no result', p_request_id, p_method;
        END $f$;

        -- A refusal before anything but the key was written: the key goes, so a
        -- retry is judged again, as after a rolled-back transaction.
        CREATE FUNCTION idempotency_refuse(p_caller text, p_method text, p_request_id text, p_refusal text,
                                           p_facts jsonb DEFAULT '{}')
        RETURNS jsonb LANGUAGE plpgsql AS $f$
        BEGIN
          DELETE FROM idempotency_keys WHERE caller = p_caller AND method = p_method AND request_id = p_request_id;
          RETURN jsonb_build_object('refusal', p_refusal, 'facts', p_facts);
        END $f$;

        CREATE FUNCTION idempotency_store(p_caller text, p_method text, p_request_id text, p_result jsonb)
        RETURNS jsonb LANGUAGE plpgsql AS $f$
        BEGIN
          UPDATE idempotency_keys SET result = p_result
          WHERE caller = p_caller AND method = p_method AND request_id = p_request_id;
          RETURN p_result;
        END $f$;
        """

    /// A function's answer, decoded in one pass: a refusal, the marker of a
    /// retry the sealed-response path answered, or the result.
    struct Outcome<Result: Decodable>: Decodable {
        var refusal: Refusal?
        var storedResponse = false
        var result: Result?

        private enum Keys: String, CodingKey {
            case refusal, facts
            case storedResponse  // "stored_response", converted by the snake-case decoder
        }

        init(from decoder: any Swift.Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            if let code = try container.decodeIfPresent(String.self, forKey: .refusal) {
                refusal = Refusal(code: code, facts: try container.decodeIfPresent([String: String].self, forKey: .facts) ?? [:])
            } else if try container.decodeIfPresent(Bool.self, forKey: .storedResponse) == true {
                storedResponse = true
            } else {
                result = try Result(from: decoder)
            }
        }
    }
}

extension Database {
    /// Runs `statement` (a prepared call of the mutation's SQL function, whose
    /// one row is its JSON result as text) once per request id, and builds the
    /// response from the result. `refusal` turns a function's refusal into
    /// the service's localized error, or into an error of the caller's own
    /// when the refusal asks it to send the statement again with what its
    /// facts say (the key is gone by then, so the next call is a first one).
    public func mutationInOneStatement<Statement: OneStatementCall, Result: Decodable, Response: SwiftProtobuf.Message & Sendable>(
        _ request: some IdempotentRequest,
        refusal: (OneStatementMutation.Refusal) -> any Error,
        statement: (IdempotencyKey) -> Statement,
        result: Result.Type,
        response: (Result) throws -> Response
    ) async throws -> Response {
        let requestID = request.requestID
        if requestID.isEmpty { throw NomadError.required("request_id") }
        let context = RequestContext.current
        let key = IdempotencyKey(
            caller: Idempotency.key(context.principal), requestID: requestID,
            requestHash: try Idempotency.requestHash(request, protection: protection),
            traceparent: TraceCarrier.current()["traceparent"] ?? "")
        // Once sent, the statement commits on its own: a caller that has
        // given up must not have data changed behind its back.
        try context.checkNotCancelled()
        let logger = self.logger
        let text: String
        do {
            text = try await client.withConnection { connection in
                for try await row in try await connection.execute(statement(key), logger: logger) { return row }
                throw NomadError.internalError
            }
        } catch let error as PSQLError where error.sqlState == OneStatementMutation.refusalState {
            let code = error.serverInfo?[.message] ?? ""
            if code == "request_id_reused" { throw NomadError.requestIDReused }
            throw refusal(.init(code: code, facts: [:]))
        }
        lastAnswer.mark()
        let outcome = try JSONDecoder.snakeCase.decode(OneStatementMutation.Outcome<Result>.self, from: Data(text.utf8))
        if let refused = outcome.refusal { throw refusal(refused) }
        if let result = outcome.result { return try response(result) }
        // A retry of a call the earlier, many-statement path answered.
        let earlier = try await read { tx in
            try await Idempotency.earlierResponse(
                tx, method: context.method, requestID: requestID, request: request, caller: context.principal,
                protection: protection, as: Response.self)
        }
        guard let earlier else { throw NomadError.internalError }
        return earlier
    }
}

extension JSONDecoder {
    /// The results of the SQL functions spell keys in snake case.
    public static var snakeCase: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
