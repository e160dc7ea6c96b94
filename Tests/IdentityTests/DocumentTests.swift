import Crypto
import Foundation
import GRPCCore
@testable import Identity
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

/// Sample files: the right first bytes, then filler. Types are told by the
/// bytes, so the names tests give them are deliberately misleading.
enum SampleFiles {
    static func pdf(size: Int = 3000) -> Data { file(Array("%PDF-1.7\n".utf8), size: size) }
    static func jpeg(size: Int = 3000) -> Data { file([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10], size: size) }
    static func png(size: Int = 3000) -> Data { file([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], size: size) }
    /// A script with a PDF's name.
    static func text(size: Int = 3000) -> Data { file(Array("#!/bin/sh\necho hello\n".utf8), size: size) }

    static func file(_ head: [UInt8], size: Int) -> Data {
        var bytes = head
        var generator = SystemRandomNumberGenerator()
        while bytes.count < size { bytes.append(UInt8.random(in: 0...255, using: &generator)) }
        return Data(bytes.prefix(size))
    }

    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

extension IdentityEnv {
    func uploadDocument(
        _ bytes: Data, token: String, purpose: Nomad_Identity_V1_DocumentPurpose = .certification,
        filename: String = "evidence.pdf", requestID: String = UUID().uuidString, chunkSize: Int = 64 << 10,
        header: Bool = true, language: String = "en"
    ) async throws -> Nomad_Identity_V1_Document {
        try await client.uploadDocument(
            bytes, token: token, purpose: purpose, filename: filename, requestID: requestID, chunkSize: chunkSize,
            header: header, language: language)
    }

    func getDocument(_ id: String, token: String) async throws -> (document: Nomad_Identity_V1_Document, bytes: Data, messages: Int) {
        try await client.getDocument(id, token: token)
    }
}

extension IdentityClient {
    /// UploadDocument as a client sends it: the header, then the bytes in
    /// chunks of `chunkSize`. `header: false` leaves the header out.
    func uploadDocument(
        _ bytes: Data, token: String, purpose: Nomad_Identity_V1_DocumentPurpose = .certification,
        filename: String = "evidence.pdf", requestID: String = UUID().uuidString, chunkSize: Int = 64 << 10,
        header: Bool = true, language: String = "en"
    ) async throws -> Nomad_Identity_V1_Document {
        try await uploadDocument(metadata: callMetadata(token: token, language: language)) { writer in
            if header {
                try await writer.write(
                    .with {
                        $0.header = .with {
                            $0.requestID = requestID
                            $0.purpose = purpose
                            $0.filename = filename
                        }
                    })
            }
            var start = bytes.startIndex
            while start < bytes.endIndex {
                let end = min(start + chunkSize, bytes.endIndex)
                try await writer.write(.with { $0.chunk = bytes[start..<end] })
                start = end
            }
        }
    }

    /// GetDocument: the metadata message and the bytes that followed it.
    func getDocument(_ id: String, token: String) async throws -> (document: Nomad_Identity_V1_Document, bytes: Data, messages: Int) {
        try await getDocument(.with { $0.id = id }, metadata: callMetadata(token: token)) { response in
            var document: Nomad_Identity_V1_Document?
            var bytes = Data()
            var messages = 0
            for try await message in response.messages {
                messages += 1
                switch message.part {
                case .document(let metadata):
                    #expect(document == nil && bytes.isEmpty, "the metadata comes first, once")
                    document = metadata
                case .chunk(let chunk):
                    #expect(chunk.count <= 64 << 10)
                    bytes.append(chunk)
                case nil:
                    Issue.record("an empty message")
                }
            }
            return (try #require(document), bytes, messages)
        }
    }
}

extension IdentityEnv {
    /// Rows in `documents`, whatever RPCs say.
    func storedDocuments() async throws -> Int {
        try await app.withSchemaConnection { tx in
            try await tx.query("SELECT count(*)::int FROM documents")
                .collect().first!.decode(Int.self)
        }
    }

    /// Officers' tokens for documents tests.
    func talentOfficer() -> String { officer(Departments.certification) }
}

/// Runs identity with a small document limit, for the size refusals.
func withIdentity(documentMaxBytes: Int, _ body: (IdentityEnv) async throws -> Void) async throws {
    var settings = IdentityEnv.settings
    settings.documentMaxBytes = documentMaxBytes
    try await withTestApp(IdentityDefinition.make(settings: settings)) { app in
        try await body(IdentityEnv(app: app, client: IdentityClient(wrapping: app.client)))
    }
}

@Suite struct DocumentTests {
    @Test func uploadDocumentTypesByContentAndGetDocumentReturnsTheSameBytes() async throws {
        try await withIdentity { env in
            let nomad = try await env.nomad()
            // Named as what they are not: the type comes from the bytes.
            let pdf = SampleFiles.pdf(size: 200_000), jpeg = SampleFiles.jpeg(), png = SampleFiles.png(size: 70_000)
            let asPDF = try await env.uploadDocument(pdf, token: nomad.token, filename: "scan.png")
            let asJPEG = try await env.uploadDocument(jpeg, token: nomad.token, filename: "photo.pdf", chunkSize: 1000)
            let asPNG = try await env.uploadDocument(png, token: nomad.token, purpose: .permit, filename: "护照 首页.jpg")
            #expect(asPDF.contentType == "application/pdf" && asJPEG.contentType == "image/jpeg" && asPNG.contentType == "image/png")
            #expect(asPDF.sizeBytes == 200_000 && asPDF.sha256 == SampleFiles.sha256(pdf))
            #expect(asPDF.ownerID == nomad.account.id && asPDF.purpose == .certification && asPDF.filename == "scan.png")
            #expect(asPNG.purpose == .permit && asPNG.filename == "护照 首页.jpg")

            let read = try await env.getDocument(asPDF.id, token: nomad.token)
            #expect(read.document == asPDF)
            #expect(read.bytes == pdf)
            // 200,000 bytes: the metadata and four 64 KiB messages.
            #expect(read.messages == 5)
            #expect(try await env.getDocument(asJPEG.id, token: nomad.token).bytes == jpeg)
            #expect(try await env.getDocument(asPNG.id, token: nomad.token).bytes == png)

            // Stored for real: the row holds the bytes and their digest.
            let stored = try await env.app.withSchemaConnection { tx in
                try await tx.query(
                    "SELECT bytes, sha256, size_bytes FROM documents WHERE id = \(UUID(uuidString: asPDF.id)!)"
                ).collect().first!.decode((Data, String, Int64).self)
            }
            #expect(stored.0 == pdf && stored.1 == asPDF.sha256 && stored.2 == 200_000)

            let listed = try await env.client.listDocuments(.init(), metadata: callMetadata(token: nomad.token))
            #expect(listed.documents.map(\.id) == [asPNG.id, asJPEG.id, asPDF.id])
            let other = try await env.nomad()
            #expect(try await env.client.listDocuments(.init(), metadata: callMetadata(token: other.token)).documents.isEmpty)
        }
    }

    @Test func uploadDocumentRefusesWrongTypesOversizeAndMalformedStreamsAndStoresNothing() async throws {
        try await withIdentity(documentMaxBytes: 100_000) { env in
            let nomad = try await env.nomad()
            let wrongType = await expectRPCError(.invalidArgument) {
                _ = try await env.uploadDocument(SampleFiles.text(), token: nomad.token, filename: "contract.pdf")
            }
            #expect(wrongType?.contains("PDF, JPEG or PNG") == true)
            let wrongTypeZh = await expectRPCError(.invalidArgument) {
                _ = try await env.uploadDocument(SampleFiles.text(), token: nomad.token, language: "zh-CN")
            }
            #expect(wrongTypeZh?.contains("只接受 PDF、JPEG 或 PNG") == true)
            // A GIF and an HTML page: neither is accepted, whatever their names.
            await expectRPCError(.invalidArgument) {
                _ = try await env.uploadDocument(SampleFiles.file(Array("GIF89a".utf8), size: 500), token: nomad.token, filename: "a.png")
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.uploadDocument(Data("<html><script>".utf8), token: nomad.token, filename: "a.jpg")
            }

            // One byte over the limit, in chunks: refused as it arrives.
            let tooLarge = await expectRPCError(.invalidArgument) {
                _ = try await env.uploadDocument(SampleFiles.pdf(size: 100_001), token: nomad.token)
            }
            #expect(tooLarge?.contains("too large") == true)
            let tooLargeZh = await expectRPCError(.invalidArgument) {
                _ = try await env.uploadDocument(SampleFiles.pdf(size: 300_000), token: nomad.token, language: "zh-CN")
            }
            #expect(tooLargeZh?.contains("文件过大") == true)
            // Exactly at the limit is accepted.
            _ = try await env.uploadDocument(SampleFiles.pdf(size: 100_000), token: nomad.token)
            #expect(try await env.storedDocuments() == 1)

            // A chunk over 64 KiB, no header, a header twice, nothing at all, an empty file.
            await expectRPCError(.invalidArgument) {
                _ = try await env.uploadDocument(SampleFiles.pdf(size: 70_000), token: nomad.token, chunkSize: 70_000)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.uploadDocument(SampleFiles.pdf(), token: nomad.token, header: false)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.uploadDocument(metadata: callMetadata(token: nomad.token)) { writer in
                    let header = Nomad_Identity_V1_UploadDocumentRequest.with {
                        $0.header = .with {
                            $0.requestID = UUID().uuidString; $0.purpose = .certification; $0.filename = "a.pdf"
                        }
                    }
                    try await writer.write(header)
                    try await writer.write(.with { $0.chunk = SampleFiles.pdf(size: 100) })
                    try await writer.write(header)
                }
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.uploadDocument(metadata: callMetadata(token: nomad.token)) { _ in }
            }
            await expectRPCError(.invalidArgument) { _ = try await env.uploadDocument(Data(), token: nomad.token) }
            // Bad headers: purpose, filename (a path, empty), request_id.
            await expectRPCError(.invalidArgument) {
                _ = try await env.uploadDocument(SampleFiles.pdf(), token: nomad.token, purpose: .unspecified)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.uploadDocument(SampleFiles.pdf(), token: nomad.token, filename: "../../etc/passwd")
            }
            await expectRPCError(.invalidArgument) { _ = try await env.uploadDocument(SampleFiles.pdf(), token: nomad.token, filename: "") }
            await expectRPCError(.invalidArgument) {
                _ = try await env.uploadDocument(SampleFiles.pdf(), token: nomad.token, requestID: "")
            }
            // Enterprises upload for service applications only.
            let enterprise = try await env.enterprise()
            await expectRPCError(.invalidArgument) {
                _ = try await env.uploadDocument(SampleFiles.pdf(), token: enterprise.token, purpose: .certification)
            }
            _ = try await env.uploadDocument(SampleFiles.pdf(), token: enterprise.token, purpose: .serviceApplication)
            // Officers, admins and anonymous callers upload nothing.
            await expectRPCError(.permissionDenied) { _ = try await env.uploadDocument(SampleFiles.pdf(), token: env.talentOfficer()) }
            await expectRPCError(.permissionDenied) { _ = try await env.uploadDocument(SampleFiles.pdf(), token: env.admin()) }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.uploadDocument(metadata: callMetadata()) { writer in
                    try await writer.write(.with { $0.chunk = SampleFiles.pdf(size: 100) })
                }
            }
            // Only the two accepted uploads were stored.
            #expect(try await env.storedDocuments() == 2)
        }
    }

    @Test func uploadDocumentRetriedWithItsRequestIDStoresOnce() async throws {
        try await withIdentity { env in
            let nomad = try await env.nomad()
            let bytes = SampleFiles.png(size: 150_000), requestID = UUID().uuidString
            let first = try await env.uploadDocument(bytes, token: nomad.token, filename: "a.png", requestID: requestID)
            let retry = try await env.uploadDocument(bytes, token: nomad.token, filename: "a.png", requestID: requestID)
            #expect(retry == first)
            // The same id for other bytes is not a retry.
            await expectRPCError(.failedPrecondition) {
                _ = try await env.uploadDocument(SampleFiles.png(), token: nomad.token, filename: "a.png", requestID: requestID)
            }
            #expect(try await env.storedDocuments() == 1)
        }
    }

    @Test func getDocumentIsForTheOwnerAndOfficersOfTheDepartmentDecidingACaseThatCitesIt() async throws {
        try await withIdentity { env in
            let nomad = try await env.nomad(nationality: "DE")
            let talent = env.talentOfficer(), exitEntry = env.officer(Departments.permits), housing = env.officer("housing")
            let evidence = try await env.uploadDocument(SampleFiles.pdf(), token: nomad.token, purpose: .certification)
            let passport = try await env.uploadDocument(SampleFiles.jpeg(), token: nomad.token, purpose: .permit)
            let lease = try await env.uploadDocument(SampleFiles.png(), token: nomad.token, purpose: .serviceApplication)

            // Not cited yet: nobody but the owner reads any of them; to
            // everyone else they do not exist.
            for document in [evidence, passport, lease] {
                for token in [talent, exitEntry, housing] {
                    await expectRPCError(.notFound) { _ = try await env.getDocument(document.id, token: token) }
                }
            }

            // Certification: evidence by document only (no declared hashes).
            var declared = IdentityEnv.goodEvidence()
            declared.documentHashes = []
            declared.documentIds = [evidence.id.uppercased()]
            let certification = try await env.client.applyCertification(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.evidence = declared
                }, metadata: callMetadata(token: nomad.token))
            #expect(certification.evidence.documentIds == [evidence.id])
            #expect(certification.evidence.documentHashes == [evidence.sha256])
            #expect(certification.criteriaMet, "the uploaded document counts as evidence")
            #expect(try await env.getDocument(evidence.id, token: talent).bytes.count == 3000)
            await expectRPCError(.notFound) { _ = try await env.getDocument(evidence.id, token: exitEntry) }
            let fetched = try await env.client.getCertification(.with { $0.id = certification.id }, metadata: callMetadata(token: talent))
            #expect(fetched.evidence.documentIds == [evidence.id])

            // Permit: for a certified nomad; the exit-entry officers read its
            // documents, talent does not.
            _ = try await env.client.decideCertification(
                .with {
                    $0.requestID = UUID().uuidString; $0.id = certification.id; $0.decision = .approve
                }, metadata: callMetadata(token: talent))
            var apply = PermitTests.apply()
            apply.documentIds = [passport.id]
            let permit = try await env.client.applyPermit(apply, metadata: callMetadata(token: nomad.token))
            #expect(permit.documentIds == [passport.id])
            #expect(
                try await env.client.getPermit(.with { $0.id = permit.id }, metadata: callMetadata(token: exitEntry)).documentIds == [
                    passport.id
                ])
            #expect(try await env.getDocument(passport.id, token: exitEntry).document == passport)
            await expectRPCError(.notFound) { _ = try await env.getDocument(passport.id, token: talent) }

            // Application: the entry's department (housing) reads; the hash joins the evidence.
            var submit = CatalogueTests.submit("talent-housing")
            submit.documentIds = [lease.id]
            let application = try await env.client.submitApplication(submit, metadata: callMetadata(token: nomad.token))
            #expect(application.documentIds == [lease.id])
            #expect(application.evidenceHashes == [CatalogueTests.hash, lease.sha256])
            let listed = try await env.client.listApplications(.init(), metadata: callMetadata(token: housing))
            #expect(listed.applications.map(\.documentIds) == [[lease.id]])
            #expect(try await env.getDocument(lease.id, token: housing).bytes.count == 3000)
            await expectRPCError(.notFound) { _ = try await env.getDocument(lease.id, token: env.officer("data")) }

            // Other people: another nomad, an enterprise, an unknown id; admins
            // and anonymous callers are refused by the policy.
            let other = try await env.nomad()
            let enterprise = try await env.enterprise()
            await expectRPCError(.notFound) { _ = try await env.getDocument(evidence.id, token: other.token) }
            await expectRPCError(.notFound) { _ = try await env.getDocument(evidence.id, token: enterprise.token) }
            await expectRPCError(.notFound) { _ = try await env.getDocument(UUID().uuidString, token: nomad.token) }
            await expectRPCError(.invalidArgument) { _ = try await env.getDocument("not-an-id", token: nomad.token) }
            await expectRPCError(.permissionDenied) { _ = try await env.getDocument(evidence.id, token: env.admin()) }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.getDocument(.with { $0.id = evidence.id }) { response in
                    for try await _ in response.messages {}
                }
            }
        }
    }

    @Test func documentIDsMustBeTheCallersOwnUploadsForThatPurpose() async throws {
        try await withIdentity { env in
            let nomad = try await env.nomad(nationality: "FR"), other = try await env.nomad(nationality: "GB")
            let mine = try await env.uploadDocument(SampleFiles.pdf(), token: nomad.token, purpose: .certification)
            let forPermit = try await env.uploadDocument(SampleFiles.pdf(), token: nomad.token, purpose: .permit)
            let theirs = try await env.uploadDocument(SampleFiles.pdf(), token: other.token, purpose: .certification)
            func apply(_ ids: [String]) async throws {
                var evidence = IdentityEnv.goodEvidence()
                evidence.documentIds = ids
                _ = try await env.client.applyCertification(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.evidence = evidence
                    }, metadata: callMetadata(token: nomad.token))
            }
            // Someone else's, another purpose's, one that does not exist, not an id, twice, too many.
            for ids in [
                [theirs.id], [forPermit.id], [mine.id, UUID().uuidString], ["x"], [mine.id, mine.id],
                (0..<21).map { _ in UUID().uuidString },
            ] {
                await expectRPCError(.invalidArgument) { try await apply(ids) }
            }
            // Nothing was created: the nomad may still apply, and the other
            // nomad's document stays unreadable to talent officers.
            try await apply([mine.id])
            await expectRPCError(.notFound) { _ = try await env.getDocument(theirs.id, token: env.talentOfficer()) }

            var permit = PermitTests.apply()
            permit.documentIds = [mine.id]
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.applyPermit(permit, metadata: callMetadata(token: nomad.token))
            }
            var submit = CatalogueTests.submit("talent-housing")
            submit.documentIds = [forPermit.id]
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.submitApplication(submit, metadata: callMetadata(token: nomad.token))
            }
        }
    }

    @Test func aSupplementCitesNewDocumentsAndKeepsTheEarlierOnesReadable() async throws {
        try await withIdentity { env in
            let nomad = try await env.nomad()
            let talent = env.talentOfficer()
            let first = try await env.uploadDocument(SampleFiles.pdf(), token: nomad.token)
            var evidence = IdentityEnv.goodEvidence()
            evidence.documentIds = [first.id]
            let applied = try await env.client.applyCertification(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.evidence = evidence
                }, metadata: callMetadata(token: nomad.token))
            _ = try await env.client.decideCertification(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.id = applied.id
                    $0.decision = .requestDocuments
                    $0.reason = "Please add last month's bank statement"
                    $0.documentsDeadline = .init(date: Date().addingTimeInterval(7 * 86400))
                }, metadata: callMetadata(token: talent))
            let statement = try await env.uploadDocument(SampleFiles.png(), token: nomad.token, filename: "statement.png")
            evidence.documentIds = [statement.id]
            let supplemented = try await env.client.supplementCertification(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.id = applied.id
                    $0.evidence = evidence
                }, metadata: callMetadata(token: nomad.token))
            #expect(supplemented.status == .pending)
            #expect(supplemented.evidence.documentIds == [statement.id])
            #expect(supplemented.evidence.documentHashes == IdentityEnv.goodEvidence().documentHashes + [statement.sha256])
            #expect(try await env.getDocument(statement.id, token: talent).document == statement)
            #expect(try await env.getDocument(first.id, token: talent).document == first)
        }
    }
}
