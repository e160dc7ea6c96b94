import Foundation
import GRPCCore
import Hummingbird
import Logging
import NIOCore
import NomadProtos
import SwiftProtobuf
import Synchronization

/// Evidence uploads: a multipart form is read part by part; its first part
/// must be the CSRF token; each chosen file is checked by its first bytes
/// (PDF, JPEG, PNG), capped in size, and streamed in 64 KiB chunks to
/// identity's UploadDocument as it arrives, never held whole. Text fields are
/// collected for the page.
enum DocumentSupport {
    struct Outcome {
        var fields: [String: [String]] = [:]
        var documentIDs: [String] = []
        /// Field name -> catalogue key of why a file was refused.
        var fileErrors: [String: String] = [:]
        /// A service refusal of an upload.
        var serviceError: RPCError?

        func value(_ name: String) -> String { fields[name]?.last ?? "" }
        var plainFields: [String: String] { fields.mapValues { $0.last ?? "" } }
    }

    static let chunkSize = 64 * 1024
    static let maxFiles = 10

    /// The content type a file's first bytes say it is, or nil.
    static func sniff(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: Array("%PDF-".utf8)) { return "application/pdf" }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        return nil
    }

    static func read(
        _ request: Request, context: PortalContext, portal: Portal, purpose: Nomad_Identity_V1_DocumentPurpose
    ) async throws -> Outcome {
        guard let boundary = Multipart.boundary(contentType: request.headers[.contentType]) else { throw PageError.csrf }
        let maxBody = portal.config.maxDocumentBytes * maxFiles + 1 << 20
        let reader = MultipartReader(body: request.body, boundary: boundary, maxBodyBytes: maxBody)
        do {
            guard let first = try await reader.nextPart(), first.name == CSRF.fieldName,
                portal.csrf.isValid(token: try await reader.text(limit: 256), id: context.csrfID)
            else {
                portal.logger.notice("multipart post without a valid CSRF token refused", metadata: ["path": "\(request.uri.path)"])
                throw PageError.csrf
            }
            var outcome = Outcome()
            var files = 0
            while let part = try await reader.nextPart() {
                guard let filename = part.filename else {
                    outcome.fields[part.name, default: []].append(try await reader.text())
                    continue
                }
                // Sniff the first bytes; an empty file input sends no bytes.
                var head: [UInt8] = []
                while head.count < 8, let chunk = try await reader.nextChunk() { head += chunk }
                if head.isEmpty { continue }
                files += 1
                guard files <= maxFiles else {
                    outcome.fileErrors[part.name] = "upload.too_many"
                    while try await reader.nextChunk() != nil {}
                    continue
                }
                guard sniff(head) != nil else {
                    outcome.fileErrors[part.name] = "upload.wrong_type"
                    while try await reader.nextChunk() != nil {}
                    continue
                }
                if outcome.serviceError != nil || !outcome.fileErrors.isEmpty {
                    while try await reader.nextChunk() != nil {}
                    continue
                }
                switch try await upload(
                    head: head, filename: String(filename.suffix(200)), reader: reader, purpose: purpose,
                    limit: portal.config.maxDocumentBytes, portal: portal, context: context)
                {
                case .stored(let id): outcome.documentIDs.append(id)
                case .tooLarge: outcome.fileErrors[part.name] = "upload.too_large"
                case .refused(let error): outcome.serviceError = error
                }
            }
            return outcome
        } catch let failure as MultipartFailure {
            throw failure == .tooLarge
                ? PageError(.contentTooLarge, "error.page.too_large") : PageError(.badRequest, "error.page.bad_request")
        }
    }

    enum UploadResult {
        case stored(String)
        case tooLarge
        case refused(RPCError)
    }

    /// Streams one part to UploadDocument: the header, then the bytes in
    /// chunks. Past `limit` the stream is abandoned, so identity stores nothing.
    static func upload<Body: SendableMetatype>(
        head: [UInt8], filename: String, reader: MultipartReader<Body>, purpose: Nomad_Identity_V1_DocumentPurpose,
        limit: Int, portal: Portal, context: PortalContext
    ) async throws -> UploadResult {
        let call = portal.call(context)
        let exceeded = Atomic<Bool>(false)
        do {
            let document = try await portal.backends.identity.uploadDocument(
                metadata: call.metadata, options: call.options,
                requestProducer: { writer in
                    try await writer.write(
                        .with {
                            $0.header = .with {
                                $0.requestID = UUID().uuidString
                                $0.purpose = purpose
                                $0.filename = filename
                            }
                        })
                    var pending = head
                    var total = head.count
                    while true {
                        while pending.count >= chunkSize {
                            let piece = Array(pending.prefix(chunkSize))
                            pending.removeFirst(chunkSize)
                            try await writer.write(.with { $0.chunk = Data(piece) })
                        }
                        guard let chunk = try await reader.nextChunk() else { break }
                        total += chunk.count
                        if total > limit {
                            exceeded.store(true, ordering: .relaxed)
                            throw MultipartFailure.tooLarge
                        }
                        pending += chunk
                    }
                    if !pending.isEmpty { try await writer.write(.with { $0.chunk = Data(pending) }) }
                })
            return .stored(document.id)
        } catch {
            if exceeded.load(ordering: .relaxed) {
                while try await reader.nextChunk() != nil {}
                return .tooLarge
            }
            if let failure = error as? MultipartFailure { throw failure }
            if let rpc = error as? RPCError {
                if let failure = rpc.cause as? MultipartFailure { throw failure }
                if rpc.code == .resourceExhausted || rpc.code == .invalidArgument {
                    while try await reader.nextChunk() != nil {}
                    return rpc.code == .resourceExhausted ? .tooLarge : .refused(rpc)
                }
                throw rpc
            }
            throw error
        }
    }

    /// The person's earlier uploads for a purpose, as checkboxes a form can
    /// attach again (so a refused form does not need the files twice).
    static func documentChoices(
        _ portal: Portal, _ context: PortalContext, purpose: Nomad_Identity_V1_DocumentPurpose
    ) async -> [[String: Any]] {
        let call = portal.call(context)
        guard
            let response = try? await portal.backends.identity.listDocuments(
                .with { $0.page.pageSize = 20 }, metadata: call.metadata, options: call.options)
        else { return [] }
        let format = Formatting(language: context.language)
        return response.documents.filter { $0.purpose == purpose }.map { document in
            [
                "id": document.id, "filename": document.filename,
                "size": format.bytes(document.sizeBytes),
                "uploaded": format.timestamp(document.uploadedAt),
            ]
        }
    }

    /// Field errors for a flash from an upload outcome.
    static func errors(_ outcome: Outcome, catalogue: Catalogue) -> [String: String] {
        outcome.fileErrors.mapValues { catalogue.text($0) }
    }
}
