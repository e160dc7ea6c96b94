import NomadProtos
import SwiftProtobuf

/// What the handlers of every service share: the caller, their language,
/// and mutations run once per request_id in one transaction.
public protocol ServiceHandlers: Sendable {
    var database: Database { get }
}

extension ServiceHandlers {
    /// The verified caller, or UNAUTHENTICATED.
    public var caller: Principal {
        get throws { try RequestContext.caller() }
    }

    /// The verified caller, or nil for an anonymous call to an open method:
    /// handlers of public reads branch on it to answer anonymous callers with
    /// public data only.
    public var signedInCaller: Principal? { RequestContext.current.principal }

    public var language: Language { RequestContext.current.language }

    public func mutation<Response: SwiftProtobuf.Message & Sendable>(
        _ request: some IdempotentRequest, _ body: (Tx) async throws -> Response
    ) async throws -> Response {
        try await database.mutation(request, body)
    }

    /// Puts an officer's (or admin's) decision on the service's record
    /// (`DecisionAudit`), in the decision's own transaction.
    public func audit(
        _ tx: Tx, _ actor: Principal, _ action: String, subject: String, reason: String = "",
        before: (any SwiftProtobuf.Message)?, after: (any SwiftProtobuf.Message)?
    ) async throws {
        try await DecisionAudit.record(
            tx, actor: actor, action: action, subject: subject, reason: reason, before: before, after: after)
    }

    /// ListAuditEntries, the same in every service: an officer reads their
    /// own department's decisions, an admin every department's.
    public func auditEntries(
        _ request: Nomad_Common_V1_ListAuditEntriesRequest
    ) async throws -> Nomad_Common_V1_ListAuditEntriesResponse {
        let principal = try caller
        let page = try Page(request.page)
        let department = principal.isAdmin ? nil : principal.department
        if !principal.isAdmin, department == nil { throw NomadError.permissionDenied }
        let subject = request.subject.isEmpty ? nil : try Validate.text(request.subject, "subject", max: 200)
        let actor = request.actorID.isEmpty ? nil : try Validate.uuid(request.actorID, "actor_id")
        let entries = try await database.read { tx in
            try await DecisionAudit.list(tx, department: department, subject: subject, actor: actor, page: page)
        }
        return .with {
            $0.entries = Array(entries.prefix(page.limit))
            $0.page = page.response(fetched: entries.count)
        }
    }
}
