import Logging
import PostgresNIO

/// One unit of database work (a transaction, a single statement or a read)
/// with its connection and logger bound once: what `Database` passes to a
/// handler's body and what every store function takes first, so neither the
/// connection nor the logger is threaded through each call by hand.
public struct Tx: Sendable {
    public let connection: PostgresConnection
    public let logger: Logger

    public init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Sends one query; the rows may be left unread when only its effect counts.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        try await connection.query(query, logger: logger)
    }

    /// Runs a prepared statement (prepared once per connection, on first use).
    public func execute<Statement: PostgresPreparedStatement>(
        _ statement: Statement
    ) async throws -> AsyncThrowingMapSequence<PostgresRowSequence, Statement.Row> {
        try await connection.execute(statement, logger: logger)
    }

    /// The first row decoded as `columns`, or nil when there is none.
    public func first<each Column: PostgresDecodable & Sendable>(
        _ query: PostgresQuery, as columns: (repeat each Column).Type
    ) async throws -> (repeat each Column)? {
        for try await row in try await connection.query(query, logger: logger).decode(columns) {
            return row
        }
        return nil
    }
}

/// The lock a read takes on the rows it returns: none, FOR SHARE (the row
/// must not change until commit) or FOR UPDATE (this transaction will change it).
public enum RowLock: Sendable {
    case none, share, update

    /// The clause to append after the query's WHERE (empty for `.none`).
    public var sql: String {
        switch self {
        case .none: ""
        case .share: " FOR SHARE"
        case .update: " FOR UPDATE"
        }
    }
}

extension Array {
    /// The one row a write's RETURNING gave back. None would mean the row it
    /// just wrote is gone inside its own transaction: a bug, not a caller's error.
    public func returnedRow() throws -> Element {
        guard let first else { throw NomadError.internalError }
        return first
    }
}
