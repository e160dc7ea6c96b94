import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// Documents: uploaded in chunks (client streaming), read back in chunks
/// (server streaming), cited by certifications, permits and applications.
/// Neither a document's bytes nor its filename is ever logged.
extension IdentityService {
    typealias Document = Nomad_Identity_V1_Document

    /// The caller owns what they upload. Nothing is stored unless the whole
    /// upload is accepted: header first, chunks of at most 64 KiB, PDF, JPEG
    /// or PNG by content, at most `settings.documentMaxBytes`. A refusal
    /// comes as soon as it is known, without reading the rest of the stream.
    func uploadDocument(
        request: RPCAsyncSequence<Nomad_Identity_V1_UploadDocumentRequest, any Error>, context: ServerContext
    ) async throws -> Document {
        let owner = try caller
        var header: DocumentRules.Header?
        var upload = DocumentUpload(maxBytes: settings.documentMaxBytes)
        for try await message in request {
            switch message.part {
            case .header(let given):
                guard header == nil else { throw DocumentRules.headerTwice }
                header = try DocumentRules.header(given, role: owner.role)
            case .chunk(let bytes):
                guard header != nil else { throw DocumentRules.headerFirst }
                try upload.append(bytes)
            case nil:
                guard header != nil else { throw DocumentRules.headerFirst }
            }
        }
        guard let accepted = header else { throw DocumentRules.headerFirst }
        let file = try upload.finish()
        let record = DocumentRecord(
            id: UUID(), ownerID: owner.accountID, purpose: accepted.purpose, filename: accepted.filename,
            contentType: file.contentType.rawValue, size: Int64(file.size), sha256: file.sha256, uploadedAt: Date())
        // What a retry must repeat to get the first answer back: the same
        // header and the same bytes (by digest).
        let fingerprint = Document.with {
            $0.purpose = record.purpose
            $0.filename = record.filename
            $0.contentType = record.contentType
            $0.sizeBytes = record.size
            $0.sha256 = record.sha256
        }
        let bytes = upload.bytes
        return try await database.mutation(requestID: accepted.requestID, fingerprint: fingerprint) { tx in
            guard try await AccountStore.find(tx, id: owner.accountID) != nil else {
                throw NomadError.notFound("account \(owner.accountID.text)")
            }
            try await DocumentStore.insert(tx, record, bytes: bytes)
            guard let stored = try await DocumentStore.find(tx, id: record.id) else {
                throw NomadError.internalError
            }
            return stored.message
        }
    }

    /// The first message carries the metadata, the rest the bytes in order.
    /// Readable by the owner and by officers of a department that decides a
    /// case citing the document; to anyone else it does not exist (NOT_FOUND,
    /// the same answer as for an id that was never used).
    func getDocument(
        request: Nomad_Identity_V1_GetDocumentRequest, response: RPCWriter<Nomad_Identity_V1_DocumentChunk>,
        context: ServerContext
    ) async throws {
        let reader = try caller
        let id = try Validate.uuid(request.id, "id")
        let record = try await database.read { tx -> DocumentRecord? in
            guard let record = try await DocumentStore.find(tx, id: id) else { return nil }
            if record.ownerID == reader.accountID { return record }
            guard reader.role == .officer, let department = reader.department,
                try await DocumentCitationStore.isCited(tx, document: id, department: department)
            else { return nil }
            return record
        }
        guard let record else { throw DocumentRules.notFound(id) }
        try await response.write(.with { $0.document = record.message })
        // Read a megabyte at a time, send it in 64 KiB messages.
        let sliceLength = 16 * DocumentRules.downloadChunkBytes
        var offset: Int64 = 0
        while offset < record.size {
            let from = offset
            let slice = try await database.read { tx in
                try await DocumentStore.slice(tx, id: id, offset: from, length: sliceLength)
            }
            guard !slice.isEmpty else { throw NomadError.internalError }
            var start = slice.startIndex
            while start < slice.endIndex {
                let end = slice.index(start, offsetBy: DocumentRules.downloadChunkBytes, limitedBy: slice.endIndex) ?? slice.endIndex
                try await response.write(.with { $0.chunk = slice[start..<end] })
                start = end
            }
            offset += Int64(slice.count)
        }
    }

    /// The caller's own documents, newest first.
    func listDocuments(
        request: Nomad_Identity_V1_ListDocumentsRequest, context: ServerContext
    ) async throws -> Nomad_Identity_V1_ListDocumentsResponse {
        let owner = try caller
        let page = try Page(request.page)
        let records = try await database.read { tx in
            try await DocumentStore.list(tx, owner: owner.accountID, page: page)
        }
        return .listing(\.documents, records.map(\.message), page)
    }

    /// The documents a case cites, checked: each of `ids` must be `owner`'s,
    /// uploaded for `purpose`. Which of them is not is not said (an id that
    /// exists but is someone else's reads like one that never existed).
    func citableDocuments(
        _ tx: Tx, _ ids: [UUID], owner: UUID, purpose: Nomad_Identity_V1_DocumentPurpose,
        field: String
    ) async throws -> [DocumentRecord] {
        let documents = try await DocumentStore.owned(tx, ids: ids, owner: owner, purpose: purpose)
        guard documents.count == ids.count else { throw DocumentRules.notCitable(field) }
        return documents
    }
}
