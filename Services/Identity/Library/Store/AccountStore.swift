import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO

/// An account row. The full document number is only in memory, on the way
/// in: the table keeps its keyed hash, a sealed copy and the masked form,
/// and reads return only the masked form.
struct AccountRecord: Sendable {
    var id: UUID
    var username: String
    var passwordHash: String
    var displayName: String
    var role: Role
    var createdAt: Date
    var nationality: String?
    var documentType: Int16?
    /// Set when registering; nil on records read back.
    var documentNumber: String?
    /// What responses show, e.g. "4601**********123X".
    var documentMasked: String?
    var languages: [String] = []
    var nomadStatus: Int16?
    var enterpriseName: String?
    var creditCode: String?
    var department: String?
    var disabled = false

    var principal: Principal {
        let standing: NomadStanding? =
            switch nomadStatus.flatMap({ Nomad_Identity_V1_NomadStatus(rawValue: Int($0)) }) {
            case .settledMigrant: .settled
            case .certified: .certified
            case .some: .registered
            case nil: nil
            }
        return Principal(accountID: id, role: role, department: department, standing: standing)
    }
}

enum AccountStore {
    private static let columns = """
        id, username, password_hash, display_name, role, created_at, nationality, document_type, \
        document_masked, languages, nomad_status, enterprise_name, credit_code, department, disabled
        """

    /// The document number goes in as its keyed hash (uniqueness), a sealed
    /// copy and the masked form; the plaintext column stays NULL.
    static func insert(
        _ tx: Tx, _ account: AccountRecord, protection: DataProtection
    ) async throws {
        let documentHash = try account.documentNumber.map {
            try PersonalNumbers.documentHash($0, type: account.documentType, protection)
        }
        let documentSealed = try account.documentNumber.map {
            try protection.seal($0, purpose: PersonalNumbers.documentPurpose)
        }
        let documentMasked = account.documentNumber.map(Masking.documentNumber) ?? account.documentMasked
        do {
            try await tx.query(
                """
                INSERT INTO accounts (id, username, password_hash, display_name, role, nationality, document_type,
                  document_hash, document_sealed, document_masked, languages, nomad_status, enterprise_name,
                  credit_code, department)
                VALUES (\(account.id), \(account.username), \(account.passwordHash), \(account.displayName),
                  \(account.role.rawValue), \(account.nationality), \(account.documentType), \(documentHash),
                  \(documentSealed), \(documentMasked), \(account.languages), \(account.nomadStatus),
                  \(account.enterpriseName), \(account.creditCode), \(account.department))
                """)
        } catch let error as PSQLError where error.isUniqueViolation {
            switch error.constraintName {
            case "accounts_username_key":
                throw NomadError(.alreadyExists, zh: "用户名已被使用", en: "That username is taken")
            case "accounts_credit_code_key":
                throw NomadError(.alreadyExists, zh: "该统一社会信用代码已注册", en: "That credit code is already registered")
            default:
                // accounts_document_hash: the message names no number, and the
                // server log's DETAIL holds only the hash.
                throw NomadError(.alreadyExists, zh: "该证件已注册", en: "That identity document is already registered")
            }
        }
    }

    static func find(_ tx: Tx, id: UUID, forUpdate: Bool = false) async throws -> AccountRecord? {
        if forUpdate {
            return try await first(tx, "SELECT \(unescaped: columns) FROM accounts WHERE id = \(id) FOR UPDATE")
        }
        // The hottest read (every profile fetch): prepared once per connection.
        for try await record in try await tx.execute(ByID(id: id)) { return record }
        return nil
    }

    struct ByID: PostgresPreparedStatement {
        static let sql = "SELECT \(columns) FROM accounts WHERE id = $1"
        let id: UUID

        func makeBindings() throws -> PostgresBindings { binds(id) }
        func decodeRow(_ row: PostgresRow) throws -> AccountRecord { try record(row) }
    }

    static func find(_ tx: Tx, username: String) async throws -> AccountRecord? {
        try await first(tx, "SELECT \(unescaped: columns) FROM accounts WHERE username = \(username)")
    }

    static func anyAdminExists(_ tx: Tx) async throws -> Bool {
        try await tx.query("SELECT 1 FROM accounts WHERE role = 'admin' LIMIT 1")
            .collect().count > 0
    }

    static func listOfficers(
        _ tx: Tx, department: String?, page: Page
    ) async throws -> [AccountRecord] {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM accounts
            WHERE role = 'officer' AND (\(department)::text IS NULL OR department = \(department))
            ORDER BY created_at, id LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """
        ).collect()
        return try rows.map(record)
    }

    static func setDisabled(_ tx: Tx, id: UUID) async throws {
        try await tx.query(
            "UPDATE accounts SET disabled = true, disabled_at = coalesce(disabled_at, now()) WHERE id = \(id)")
    }

    /// Asked on every authenticated call identity serves: a primary-key read,
    /// prepared once per connection. An account that does not exist is not
    /// disabled (the token's signature is identity's own).
    static func isDisabled(_ tx: Tx, id: UUID) async throws -> Bool {
        for try await disabled in try await tx.execute(DisabledByID(id: id)) { return disabled }
        return false
    }

    struct DisabledByID: PostgresPreparedStatement {
        static let sql = "SELECT disabled FROM accounts WHERE id = $1"
        let id: UUID

        func makeBindings() throws -> PostgresBindings { binds(id) }
        func decodeRow(_ row: PostgresRow) throws -> Bool { try row.decode(Bool.self) }
    }

    /// Disabled accounts, oldest first: new ones join at the end, so a
    /// paging reader sees each at least once.
    static func listRevoked(
        _ tx: Tx, page: Page
    ) async throws -> [(id: UUID, at: Date)] {
        let rows = try await tx.query(
            """
            SELECT id, disabled_at FROM accounts WHERE disabled
            ORDER BY disabled_at, id LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        var revoked: [(id: UUID, at: Date)] = []
        for try await (id, at) in rows.decode((UUID, Date).self) { revoked.append((id, at)) }
        return revoked
    }

    /// Display name and languages (the latter nomads only; callers check).
    static func updateProfile(
        _ tx: Tx, id: UUID, displayName: String, languages: [String]
    ) async throws {
        try await tx.query(
            """
            UPDATE accounts SET display_name = \(displayName), languages = \(languages) WHERE id = \(id)
            """)
    }

    static func setPasswordHash(_ tx: Tx, id: UUID, hash: String) async throws {
        try await tx.query("UPDATE accounts SET password_hash = \(hash) WHERE id = \(id)")
    }

    static func setNomadStatus(_ tx: Tx, id: UUID, status: Int16) async throws {
        try await tx.query("UPDATE accounts SET nomad_status = \(status) WHERE id = \(id)")
    }

    private static func first(_ tx: Tx, _ query: PostgresQuery) async throws -> AccountRecord? {
        try await tx.query(query).collect().first.map(record)
    }

    fileprivate static func record(_ row: PostgresRow) throws -> AccountRecord {
        let r = row.makeRandomAccess()
        return AccountRecord(
            id: try r["id"].decode(UUID.self),
            username: try r["username"].decode(String.self),
            passwordHash: try r["password_hash"].decode(String.self),
            displayName: try r["display_name"].decode(String.self),
            role: Role(rawValue: try r["role"].decode(String.self)) ?? .nomad,
            createdAt: try r["created_at"].decode(Date.self),
            nationality: try r["nationality"].decode(String?.self),
            documentType: try r["document_type"].decode(Int16?.self),
            documentMasked: try r["document_masked"].decode(String?.self),
            languages: try r["languages"].decode([String].self),
            nomadStatus: try r["nomad_status"].decode(Int16?.self),
            enterpriseName: try r["enterprise_name"].decode(String?.self),
            creditCode: try r["credit_code"].decode(String?.self),
            department: try r["department"].decode(String?.self),
            disabled: try r["disabled"].decode(Bool.self))
    }
}

/// The binds of identity's prepared statements (`makeBindings`); nil binds NULL.
func binds(_ values: (any PostgresDynamicTypeEncodable)?...) -> PostgresBindings {
    var bindings = PostgresBindings()
    for value in values {
        if let value { bindings.append(value) } else { bindings.appendNull() }
    }
    return bindings
}
