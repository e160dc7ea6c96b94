import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

extension IdentityService {
    typealias Account = Nomad_Identity_V1_Account

    func registerNomad(request: Nomad_Identity_V1_RegisterNomadRequest, context: ServerContext) async throws -> Account {
        let username = try AccountRules.username(request.username)
        try AccountRules.password(request.password)
        let displayName = try Validate.text(request.displayName, "display_name", max: 64)
        let nationality = try AccountRules.nationality(request.nationality)
        let document = request.documentNumber.trimmingCharacters(in: .whitespaces)
        switch request.documentType {
        case .residentID:
            guard nationality == "CN" else {
                throw NomadError.invalid("document_type", zh: "居民身份证仅适用于中国国籍", en: "a resident ID is for Chinese nationals only")
            }
            guard ResidentID.validate(document) else {
                throw NomadError.invalid("document_number", zh: "居民身份证号码无效", en: "not a valid resident ID number")
            }
        case .passport:
            guard PassportNumber.validate(document) else {
                throw NomadError.invalid("document_number", zh: "护照号码无效", en: "not a valid passport number")
            }
        default:
            throw NomadError.unknownEnum("document_type")
        }
        let languages = try AccountRules.languages(request.languages)
        let hash = try await hasher.hash(request.password)
        return try await mutation(request) { tx in
            let account = AccountRecord(
                id: UUID(), username: username, passwordHash: hash, displayName: displayName, role: .nomad,
                createdAt: Date(), nationality: nationality, documentType: Int16(request.documentType.rawValue),
                documentNumber: document, languages: languages, nomadStatus: Int16(Nomad_Identity_V1_NomadStatus.registered.rawValue))
            try await AccountStore.insert(tx, account, protection: protection)
            try await Outbox.append(
                tx,
                IdentityEvents.NomadRegistered(
                    subjects: .init(accountID: account.id.text),
                    payload: .init(nationality: nationality, foreign: nationality == "CN" ? "false" : "true")))
            return account.message
        }
    }

    func registerEnterprise(request: Nomad_Identity_V1_RegisterEnterpriseRequest, context: ServerContext) async throws -> Account {
        let username = try AccountRules.username(request.username)
        try AccountRules.password(request.password)
        let name = try Validate.text(request.name, "name", max: 100)
        let code = request.creditCode.trimmingCharacters(in: .whitespaces)
        if code.isEmpty { throw NomadError.required("credit_code") }
        guard CreditCode.validate(code) else {
            throw NomadError.invalid("credit_code", zh: "统一社会信用代码无效（校验位不符）", en: "not a valid unified social credit code (check character)")
        }
        let hash = try await hasher.hash(request.password)
        return try await mutation(request) { tx in
            let account = AccountRecord(
                id: UUID(), username: username, passwordHash: hash, displayName: name, role: .enterprise,
                createdAt: Date(), enterpriseName: name, creditCode: code)
            try await AccountStore.insert(tx, account, protection: protection)
            try await Outbox.append(
                tx,
                IdentityEvents.EnterpriseRegistered(
                    subjects: .init(accountID: account.id.text), payload: .init(creditCode: code)))
            return account.message
        }
    }

    func createOfficer(request: Nomad_Identity_V1_CreateOfficerRequest, context: ServerContext) async throws -> Account {
        let admin = try caller
        let username = try AccountRules.username(request.username)
        try AccountRules.password(request.password)
        let displayName = try Validate.text(request.displayName, "display_name", max: 64)
        guard Departments.isKnown(request.department) else {
            if request.department.isEmpty { throw NomadError.required("department") }
            throw NomadError.invalid("department", zh: "未知的部门代码", en: "unknown department code")
        }
        let hash = try await hasher.hash(request.password)
        return try await mutation(request) { tx in
            let account = AccountRecord(
                id: UUID(), username: username, passwordHash: hash, displayName: displayName, role: .officer,
                createdAt: Date(), department: request.department)
            try await AccountStore.insert(tx, account, protection: protection)
            try await DecisionAudit.append(
                tx, actor: admin, action: "officer.create", subject: "account/\(account.id.text)",
                before: nil, after: try account.message.jsonString())
            return account.message
        }
    }

    func listOfficers(
        request: Nomad_Identity_V1_ListOfficersRequest, context: ServerContext
    ) async throws -> Nomad_Identity_V1_ListOfficersResponse {
        let page = try Page(request.page)
        let department = request.department.isEmpty ? nil : request.department
        let records = try await database.read { tx in
            try await AccountStore.listOfficers(tx, department: department, page: page)
        }
        return .listing(\.officers, records.map(\.message), page)
    }

    func disableOfficer(request: Nomad_Identity_V1_DisableOfficerRequest, context: ServerContext) async throws -> Account {
        let admin = try caller
        let id = try Validate.uuid(request.accountID, "account_id")
        let reason = try Validate.text(request.reason, "reason", max: 500)
        return try await mutation(request) { tx in
            guard var account = try await AccountStore.find(tx, id: id, forUpdate: true),
                account.role == .officer
            else { throw NomadError.notFound("officer \(request.accountID)") }
            let before = try account.message.jsonString()
            try await AccountStore.setDisabled(tx, id: id)
            account.disabled = true
            try await DecisionAudit.append(
                tx, actor: admin, action: "officer.disable", subject: "account/\(id.text)", reason: reason,
                before: before, after: try account.message.jsonString())
            return account.message
        }
    }

    func listRevokedAccounts(
        request: Nomad_Identity_V1_ListRevokedAccountsRequest, context: ServerContext
    ) async throws -> Nomad_Identity_V1_ListRevokedAccountsResponse {
        let page = try Page(request.page)
        let revoked = try await database.read { tx in
            try await AccountStore.listRevoked(tx, page: page)
        }
        return .with {
            $0.accounts = revoked.prefix(page.limit).map { entry in
                .with {
                    $0.accountID = entry.id.text
                    $0.revokedAt = .init(date: entry.at)
                }
            }
            $0.page = page.response(fetched: revoked.count)
        }
    }

    func login(request: Nomad_Identity_V1_LoginRequest, context: ServerContext) async throws -> Nomad_Identity_V1_TokenPair {
        guard !request.username.isEmpty, !request.password.isEmpty, request.password.count <= 128, request.username.count <= 64 else {
            throw IdentityErrors.badCredentials
        }
        let account = try await database.read { tx in
            try await AccountStore.find(tx, username: request.username)
        }
        guard let account else {
            await hasher.burn(request.password)
            throw IdentityErrors.badCredentials
        }
        guard await hasher.verify(request.password, against: account.passwordHash) else { throw IdentityErrors.badCredentials }
        if account.disabled {
            throw NomadError(.permissionDenied, zh: "该账户已停用", en: "This account is disabled")
        }
        return try await database.transaction { tx in
            try await issueTokens(tx, account: account, familyID: UUID())
        }
    }

    func refreshToken(request: Nomad_Identity_V1_RefreshTokenRequest, context: ServerContext) async throws -> Nomad_Identity_V1_TokenPair {
        guard !request.refreshToken.isEmpty, request.refreshToken.count <= 128 else { throw IdentityErrors.badRefreshToken }
        enum Outcome: Sendable { case rotated(Nomad_Identity_V1_TokenPair), reused }
        let outcome = try await database.transaction { tx -> Outcome in
            guard let token = try await RefreshTokenStore.findForUpdate(tx, secret: request.refreshToken),
                token.revokedAt == nil, token.expiresAt > Date()
            else { throw IdentityErrors.badRefreshToken }
            if token.usedAt != nil {
                // A rotated token came back: someone holds a copy. End the
                // whole family so neither copy works any more.
                try await RefreshTokenStore.revokeFamily(tx, familyID: token.familyID)
                logger.warning("refresh token reuse; family revoked", metadata: ["family": "\(token.familyID)"])
                return .reused
            }
            guard let account = try await AccountStore.find(tx, id: token.accountID), !account.disabled
            else { throw IdentityErrors.badRefreshToken }
            try await RefreshTokenStore.markUsed(tx, id: token.id)
            return .rotated(try await issueTokens(tx, account: account, familyID: token.familyID))
        }
        switch outcome {
        case .rotated(let pair): return pair
        case .reused: throw IdentityErrors.badRefreshToken
        }
    }

    func logout(request: Nomad_Identity_V1_LogoutRequest, context: ServerContext) async throws -> Nomad_Identity_V1_LogoutResponse {
        guard !request.refreshToken.isEmpty, request.refreshToken.count <= 128 else { throw IdentityErrors.badRefreshToken }
        try await database.transaction { tx in
            guard let token = try await RefreshTokenStore.findForUpdate(tx, secret: request.refreshToken)
            else { throw IdentityErrors.badRefreshToken }
            try await RefreshTokenStore.revokeFamily(tx, familyID: token.familyID)
        }
        return .init()
    }

    func getPublicKeys(
        request: Nomad_Identity_V1_GetPublicKeysRequest, context: ServerContext
    ) async throws -> Nomad_Identity_V1_GetPublicKeysResponse {
        .with {
            $0.keys = tokens.keys.verificationKeys.values.sorted { $0.keyID < $1.keyID }.map { key in
                .with {
                    $0.keyID = key.keyID
                    $0.algorithm = "EdDSA"
                    $0.publicKey = key.rawPublicKey
                }
            }
        }
    }

    func getAccount(request: Nomad_Identity_V1_GetAccountRequest, context: ServerContext) async throws -> Account {
        let principal = try caller
        let id = request.accountID.isEmpty ? principal.accountID : try Validate.uuid(request.accountID, "account_id")
        guard id == principal.accountID || principal.role == .admin || principal.role == .officer else {
            throw NomadError.permissionDenied
        }
        guard
            let account = try await database.read({ tx in
                try await AccountStore.find(tx, id: id)
            })
        else { throw NomadError.notFound("account \(id.text)") }
        return account.message
    }

    /// The caller's own display name and, for nomads, languages. Audited,
    /// with the account before and after (document number masked).
    func updateAccount(request: Nomad_Identity_V1_UpdateAccountRequest, context: ServerContext) async throws -> Account {
        let principal = try caller
        let displayName = request.displayName.isEmpty ? nil : try AccountRules.displayName(request.displayName)
        var languages: [String]?
        if request.replaceLanguages {
            guard principal.role == .nomad else { throw AccountRules.languagesForNomadsOnly }
            languages = try AccountRules.languages(request.languages)
        } else if !request.languages.isEmpty {
            throw NomadError.invalid(
                "languages", zh: "替换语言时须同时设置 replace_languages", en: "set replace_languages to replace them")
        }
        return try await mutation(request) { tx in
            guard var account = try await AccountStore.find(tx, id: principal.accountID, forUpdate: true)
            else { throw NomadError.notFound("account \(principal.accountID.text)") }
            let before = try account.message.jsonString()
            account.displayName = displayName ?? account.displayName
            account.languages = languages ?? account.languages
            try await AccountStore.updateProfile(
                tx, id: account.id, displayName: account.displayName, languages: account.languages)
            try await DecisionAudit.append(
                tx, actor: principal, action: "account.update", subject: "account/\(account.id.text)",
                before: before, after: try account.message.jsonString())
            return account.message
        }
    }

    /// The caller's own password, with the current one. Every refresh token
    /// of the account is revoked except `keep_refresh_token`'s session (when
    /// it names a live one of this account; otherwise every session ends).
    /// Access tokens already issued live out their short lifetime.
    ///
    /// The idempotency key is not keyed on the passwords: a fast hash of a
    /// message holding them would sit in idempotency_keys, open to guessing.
    /// A retry with the same request_id gets the first answer back.
    func changePassword(
        request: Nomad_Identity_V1_ChangePasswordRequest, context: ServerContext
    ) async throws -> Nomad_Identity_V1_ChangePasswordResponse {
        let principal = try caller
        if request.currentPassword.isEmpty { throw NomadError.required("current_password") }
        // No stored password is longer: do not spend a hash on it.
        guard request.currentPassword.count <= 128 else { throw AccountRules.wrongCurrentPassword }
        try AccountRules.password(request.newPassword, field: "new_password")
        guard request.newPassword != request.currentPassword else { throw AccountRules.samePassword }
        guard request.keepRefreshToken.count <= 128 else { throw NomadError.tooLong("keep_refresh_token", max: 128) }
        let fingerprint = Nomad_Identity_V1_ChangePasswordRequest.with {
            $0.requestID = request.requestID
            $0.keepRefreshToken =
                request.keepRefreshToken.isEmpty
                ? "" : RefreshTokenStore.digest(request.keepRefreshToken).base64EncodedString()
        }
        guard
            let account = try await database.read({ tx in
                try await AccountStore.find(tx, id: principal.accountID)
            })
        else { throw NomadError.notFound("account \(principal.accountID.text)") }
        // A retry whose first call succeeded holds the old password no more:
        // answer it from the idempotency key before checking the password.
        if let earlier = try await database.read({ tx in
            try await Idempotency.earlierResponse(
                tx, method: "ChangePassword", requestID: request.requestID, request: fingerprint, caller: principal,
                protection: protection, as: Nomad_Identity_V1_ChangePasswordResponse.self)
        }) {
            return earlier
        }
        guard await hasher.verify(request.currentPassword, against: account.passwordHash) else {
            throw AccountRules.wrongCurrentPassword
        }
        let newHash = try await hasher.hash(request.newPassword)
        return try await mutation(fingerprint) { tx in
            guard let locked = try await AccountStore.find(tx, id: principal.accountID, forUpdate: true),
                locked.passwordHash == account.passwordHash
            else {
                throw NomadError(
                    .aborted, zh: "密码刚刚被另一个请求修改，请重试", en: "The password was changed by another request just now; please retry")
            }
            try await AccountStore.setPasswordHash(tx, id: principal.accountID, hash: newHash)
            var keepFamily: UUID?
            if !request.keepRefreshToken.isEmpty,
                let kept = try await RefreshTokenStore.findForUpdate(tx, secret: request.keepRefreshToken),
                kept.accountID == principal.accountID, kept.revokedAt == nil, kept.usedAt == nil, kept.expiresAt > Date()
            {
                keepFamily = kept.familyID
            }
            try await RefreshTokenStore.revokeAccount(
                tx, accountID: principal.accountID, keepFamily: keepFamily)
            try await DecisionAudit.append(
                tx, actor: principal, action: "account.password_change", subject: "account/\(principal.accountID.text)",
                before: nil, after: nil)
            return .init()
        }
    }

    /// A new access token and a new refresh token in `familyID`.
    func issueTokens(_ tx: Tx, account: AccountRecord, familyID: UUID) async throws -> Nomad_Identity_V1_TokenPair {
        let now = Date()
        var principal = account.principal
        if account.role == .nomad, let nationality = account.nationality, nationality != "CN" {
            let today = ZoneDay.today(now: now)
            let permits = try await PermitStore.standing(tx, applicant: account.id)
            principal = Principal(
                accountID: account.id, role: .nomad, standing: principal.standing, foreign: true,
                workPermitUntil: PermitRules.coverEnd(of: permits, today: today))
        }
        let access = try tokens.issue(for: principal, lifetime: settings.accessTokenLifetime, now: now)
        let secret = RefreshTokenStore.newSecret()
        let refreshExpiry = now.addingTimeInterval(settings.refreshTokenLifetime)
        try await RefreshTokenStore.insert(
            tx, secret: secret, familyID: familyID, accountID: account.id, expiresAt: refreshExpiry)
        return .with {
            $0.accessToken = access.token
            $0.accessTokenExpiresAt = .init(date: access.expiresAt)
            $0.refreshToken = secret
            $0.refreshTokenExpiresAt = .init(date: refreshExpiry)
            $0.account = account.message
        }
    }

    /// Creates the first admin from configuration when none exists.
    func bootstrapAdmin(username: String, password: String) async throws {
        let username = try AccountRules.username(username)
        try AccountRules.password(password)
        let hash = try await hasher.hash(password)
        try await database.transaction { tx in
            try await tx.query("SELECT pg_advisory_xact_lock(hashtext('identity-bootstrap-admin'))")
            guard try await !AccountStore.anyAdminExists(tx) else { return }
            try await AccountStore.insert(
                tx,
                AccountRecord(
                    id: UUID(), username: username, passwordHash: hash, displayName: "Administrator", role: .admin,
                    createdAt: Date()), protection: protection)
            logger.info("bootstrap admin created", metadata: ["username": "\(username)"])
        }
    }
}
