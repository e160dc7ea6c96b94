import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// The tamper-evident registry chain: listing entries and verifying the
/// whole chain.
extension AssetsService {
    func listRegistryEntries(
        request: Nomad_Assets_V1_ListRegistryEntriesRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_ListRegistryEntriesResponse {
        _ = try caller
        let page = try Page(request.page)
        let subject = request.subject.isEmpty ? nil : try Validate.uuid(request.subject, "subject").text
        let entries = try await database.read { tx in
            try await RegistryChainStore.list(tx, subject: subject, page: page)
        }
        return .listing(\.entries, entries.map(\.message), page)
    }

    /// Walks the chain up to the head as it stood when the walk began, one
    /// page at a time, so a long chain never loads at once and appends made
    /// meanwhile do not confuse the answer.
    func verifyRegistry(
        request: Nomad_Assets_V1_VerifyRegistryRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_VerifyRegistryResponse {
        _ = try caller
        let head = try await database.read { try await RegistryChainStore.head($0) }
        var verifier = RegistryChain.Verifier()
        var after: Int64 = 0
        var broken: RegistryChain.Break?
        walk: while true {
            try Task.checkCancellation()
            if context.cancellation.isCancelled { throw CancellationError() }
            let page = try await database.read { tx in
                try await RegistryChainStore.entries(
                    tx, after: after, through: head.seq, limit: RegistryChainStore.pageSize)
            }
            for entry in page {
                if let found = verifier.check(
                    RegistryChain.Link(
                        seq: entry.seq, payload: entry.payload, prevHash: entry.prevHash, hash: entry.hash))
                {
                    broken = found
                    break walk
                }
                after = entry.seq
            }
            if page.count < RegistryChainStore.pageSize { break }
        }
        if broken == nil { broken = verifier.finish(headSeq: head.seq, headHash: head.hash) }
        return .with {
            $0.ok = broken == nil
            $0.entriesChecked = verifier.checked
            $0.brokenSeq = broken?.seq ?? 0
            $0.reason = broken?.reason ?? ""
            $0.headHash = head.hash.hex
        }
    }
}
