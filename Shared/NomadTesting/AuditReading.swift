import GRPCCore
import NomadProtos
import SwiftProtobuf
import Testing

/// What ListAuditEntries promises in every service, checked on one decision
/// already made by `owner`: the deciding department reads it (and only its
/// own department's rows), another department reads nothing of it, an admin
/// reads it too, and a nomad is refused.
public func expectAuditReadable(
    subject: String, owner: TestCaller, department: String, stranger: TestCaller, admin: TestCaller,
    nomad: TestCaller, sourceLocation: SourceLocation = #_sourceLocation,
    list: (Nomad_Common_V1_ListAuditEntriesRequest, Metadata) async throws -> Nomad_Common_V1_ListAuditEntriesResponse
) async throws {
    let request = Nomad_Common_V1_ListAuditEntriesRequest.with { $0.subject = subject }
    let own = try await list(request, owner.metadata).entries
    #expect(!own.isEmpty, sourceLocation: sourceLocation)
    #expect(own.allSatisfy { $0.subject == subject && $0.actorDepartment == department }, sourceLocation: sourceLocation)
    #expect(own.contains { $0.actorID == owner.id }, sourceLocation: sourceLocation)
    let everyOwn = try await list(.init(), owner.metadata).entries
    #expect(everyOwn.allSatisfy { $0.actorDepartment == department }, sourceLocation: sourceLocation)
    #expect(try await list(request, stranger.metadata).entries.isEmpty, sourceLocation: sourceLocation)
    #expect(try await list(request, admin.metadata).entries == own, sourceLocation: sourceLocation)
    await expectRPCError(.permissionDenied, sourceLocation: sourceLocation) { _ = try await list(request, nomad.metadata) }
}
