import Crypto
import Foundation
import NomadKit
import NomadProtos

/// What an uploaded document may be: PDF, JPEG or PNG, recognised by its
/// first bytes (never by its name), at most the configured size, sent in
/// chunks of at most 64 KiB after a header. Refusals name no byte and no
/// filename of the document.
enum DocumentRules {
    /// NOMAD_DOCUMENT_MAX_BYTES unless set: 10 MiB (IdentitySettings' default).
    static let defaultMaxBytes = IdentitySettings().documentMaxBytes
    /// What the setting may be: from 1 KiB to 256 MiB (a bytea holds 1 GiB,
    /// and an upload is held in memory while it arrives).
    static let configurableMaxBytes = 1024...(256 << 20)
    /// Each chunk message; well below the chassis' NOMAD_MAX_REQUEST_BYTES.
    static let maxChunkBytes = 64 << 10
    /// How GetDocument sends the bytes back.
    static let downloadChunkBytes = 64 << 10
    static let maxFilenameLength = 255
    /// Documents one case (certification, permit, application) may cite.
    static let maxPerCase = 20

    /// The three types accepted, by signature (magic bytes).
    enum ContentType: String, CaseIterable {
        case pdf = "application/pdf"
        case jpeg = "image/jpeg"
        case png = "image/png"

        var signature: [UInt8] {
            switch self {
            case .pdf: Array("%PDF-".utf8)
            case .jpeg: [0xFF, 0xD8, 0xFF]
            case .png: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            }
        }

        /// The longest signature: bytes needed before the type is known.
        static let bytesToDecide = allCases.map(\.signature.count).max()!

        /// The type `prefix` starts with, if any.
        static func detect(_ prefix: some Collection<UInt8>) -> ContentType? {
            allCases.first { prefix.starts(with: $0.signature) }
        }
    }

    /// The header of an upload, checked.
    struct Header: Sendable, Equatable {
        var requestID: String
        var purpose: Nomad_Identity_V1_DocumentPurpose
        var filename: String
    }

    /// Checks the header. Enterprises upload only for service applications:
    /// certification and permits are for nomads.
    static func header(_ header: Nomad_Identity_V1_UploadDocumentRequest.Header, role: Role) throws -> Header {
        try Idempotency.validate(requestID: header.requestID)
        let purpose = try self.purpose(header.purpose, "header.purpose")
        if role != .nomad, purpose != .serviceApplication {
            throw NomadError.invalid(
                "header.purpose", zh: "企业只能为服务事项申请上传材料", en: "an enterprise uploads documents for service applications only")
        }
        return Header(requestID: header.requestID, purpose: purpose, filename: try filename(header.filename))
    }

    static func purpose(_ value: Nomad_Identity_V1_DocumentPurpose, _ field: String) throws -> Nomad_Identity_V1_DocumentPurpose {
        switch value {
        case .certification, .permit, .serviceApplication: return value
        case .unspecified, .UNRECOGNIZED: throw NomadError.unknownEnum(field)
        }
    }

    /// A name to show, not a path: no separators, no control characters.
    static func filename(_ value: String) throws -> String {
        let name = try Validate.text(value, "header.filename", max: maxFilenameLength)
        guard !name.contains("/"), !name.contains("\\"), name != ".", name != ".." else {
            throw NomadError.invalid("header.filename", zh: "只能是文件名，不能含路径", en: "a file name, not a path")
        }
        return name
    }

    /// Document ids a case cites: at most 20 distinct ids, in lower case.
    static func ids(_ values: [String], _ field: String) throws -> [UUID] {
        guard values.count <= maxPerCase else {
            throw NomadError.invalid(field, zh: "最多 \(maxPerCase) 份", en: "at most \(maxPerCase) documents")
        }
        let ids = try values.map { try Validate.uuid($0, field) }
        guard Set(ids).count == ids.count else {
            throw NomadError.invalid(field, zh: "不能重复", en: "must not repeat")
        }
        return ids
    }

    /// `existing` digests, then those of the documents not already among them.
    static func mergedHashes(_ existing: [String], documents: [String]) -> [String] {
        var seen = Set(existing)
        return existing + documents.filter { seen.insert($0).inserted }
    }

    // MARK: - Refusals

    static let headerFirst = NomadError.invalid(
        "header", zh: "第一条消息须为文件头（request_id、用途、文件名）",
        en: "the first message must be the header (request_id, purpose, filename)")
    static let headerTwice = NomadError.invalid(
        "header", zh: "文件头只能发送一次，之后只能发送文件内容", en: "the header comes once; every later message carries bytes")
    static let chunkTooLarge = NomadError.invalid(
        "chunk", zh: "每段至多 \(maxChunkBytes / 1024) KiB", en: "each chunk carries at most \(maxChunkBytes / 1024) KiB")
    static let empty = NomadError.invalid("chunk", zh: "文件为空", en: "the document is empty")
    static let wrongType = NomadError.invalid(
        "chunk", zh: "只接受 PDF、JPEG 或 PNG 文件（按文件内容识别，与文件名无关）",
        en: "only PDF, JPEG or PNG files are accepted (recognised by their content, not their name)")

    /// Too large: INVALID_ARGUMENT like every other refusal of the file itself,
    /// so no client's retry policy ever sends it again.
    static func tooLarge(max: Int) -> NomadError {
        NomadError.invalid(
            "chunk", zh: "文件过大（上限 \(sizeText(max))）", en: "the document is too large (at most \(sizeText(max)))")
    }

    static func notFound(_ id: UUID) -> NomadError {
        NomadError.notFound("document \(id.text)")
    }

    static func notCitable(_ field: String) -> NomadError {
        NomadError.invalid(
            field, zh: "须为您本人为此用途上传的材料", en: "must be documents you uploaded yourself for this purpose")
    }

    /// "10 MiB (10485760 bytes)", "1536 bytes".
    static func sizeText(_ bytes: Int) -> String {
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB (\(bytes) bytes)" : "\(bytes) bytes"
    }
}

/// An upload as its chunks arrive: bounded, typed from its first bytes, and
/// hashed as it goes. The type is decided as soon as enough bytes are in, so
/// a file of the wrong type is refused before the rest is read.
struct DocumentUpload {
    let maxBytes: Int
    private(set) var bytes = Data()
    private var hasher = SHA256()
    private(set) var contentType: DocumentRules.ContentType?

    init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    mutating func append(_ chunk: Data) throws {
        guard chunk.count <= DocumentRules.maxChunkBytes else { throw DocumentRules.chunkTooLarge }
        guard bytes.count + chunk.count <= maxBytes else { throw DocumentRules.tooLarge(max: maxBytes) }
        if bytes.isEmpty { bytes.reserveCapacity(min(maxBytes, 1 << 20)) }
        bytes.append(chunk)
        hasher.update(data: chunk)
        if contentType == nil, bytes.count >= DocumentRules.ContentType.bytesToDecide {
            try decide()
        }
    }

    /// The document as received: its type, size and SHA-256 (hex).
    mutating func finish() throws -> (contentType: DocumentRules.ContentType, size: Int, sha256: String) {
        if bytes.isEmpty { throw DocumentRules.empty }
        if contentType == nil { try decide() }
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return (contentType!, bytes.count, digest)
    }

    private mutating func decide() throws {
        guard let type = DocumentRules.ContentType.detect(bytes.prefix(DocumentRules.ContentType.bytesToDecide)) else {
            throw DocumentRules.wrongType
        }
        contentType = type
    }
}
