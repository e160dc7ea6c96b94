import Foundation
import NIOCore
import Testing
@testable import Portal

/// A body arriving in pieces of a chosen size, as a network would deliver it.
struct ChunkedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let bytes: [UInt8]
    let size: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        var rest: ArraySlice<UInt8>
        let size: Int
        mutating func next() async throws -> ByteBuffer? {
            guard !rest.isEmpty else { return nil }
            let piece = rest.prefix(size)
            rest = rest.dropFirst(size)
            return ByteBuffer(bytes: piece)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(rest: bytes[...], size: size) }
}

@Suite struct MultipartTests {
    static let pdf = Array("%PDF-1.4\n".utf8) + (0..<70_000).map { UInt8($0 % 251) } + Array("\r\n--Xy\r\n-XyZ\r\n".utf8)

    static func body() -> [UInt8] {
        var body: [UInt8] = []
        func add(_ text: String) { body += Array(text.utf8) }
        add("preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\ntok\r\n")
        add("--XyZ\r\nContent-Disposition: form-data; name=\"skills\"\r\n\r\nSwift, 数据标注\r\n")
        add(
            "--XyZ\r\nContent-Disposition: form-data; name=\"documents\"; filename=\"contract.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
        )
        body += pdf
        add(
            "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"documents\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        add("\r\n--XyZ--\r\n")
        return body
    }

    @Test(arguments: [1, 7, 100, 4096, 1 << 20])
    func partsArriveWhateverTheChunking(size: Int) async throws {
        let reader = MultipartReader(body: ChunkedBody(bytes: Self.body(), size: size), boundary: "XyZ", maxBodyBytes: 1 << 20)
        let csrf = try #require(try await reader.nextPart())
        #expect(csrf == MultipartPart(name: "_csrf", filename: nil, contentType: nil))
        #expect(try await reader.text() == "tok")
        let skills = try #require(try await reader.nextPart())
        #expect(skills.name == "skills")
        #expect(try await reader.text() == "Swift, 数据标注")
        let file = try #require(try await reader.nextPart())
        #expect(file.filename == "contract.pdf")
        var received: [UInt8] = []
        while let chunk = try await reader.nextChunk() { received += chunk }
        #expect(received == Self.pdf)
        let empty = try #require(try await reader.nextPart())
        #expect(empty.filename == "")
        #expect(try await reader.nextChunk() == nil)
        #expect(try await reader.nextPart() == nil)
    }

    @Test func bodiesOverTheCapAndBrokenBodiesAreRefused() async throws {
        let reader = MultipartReader(body: ChunkedBody(bytes: Self.body(), size: 1000), boundary: "XyZ", maxBodyBytes: 10_000)
        await #expect(throws: MultipartFailure.tooLarge) {
            while try await reader.nextPart() != nil { while try await reader.nextChunk() != nil {} }
        }
        let truncated = Array(Self.body().prefix(300))
        let broken = MultipartReader(body: ChunkedBody(bytes: truncated, size: 50), boundary: "XyZ", maxBodyBytes: 1 << 20)
        await #expect(throws: MultipartFailure.malformed) {
            while try await broken.nextPart() != nil { while try await broken.nextChunk() != nil {} }
        }
    }

    @Test func boundaryFromContentType() {
        #expect(Multipart.boundary(contentType: "multipart/form-data; boundary=----WebKitFormBoundaryAbc") == "----WebKitFormBoundaryAbc")
        #expect(Multipart.boundary(contentType: "multipart/form-data; boundary=\"quoted\"") == "quoted")
        #expect(Multipart.boundary(contentType: "application/x-www-form-urlencoded") == nil)
        #expect(Multipart.boundary(contentType: nil) == nil)
    }

    @Test func fileTypeIsJudgedByContent() {
        #expect(DocumentSupport.sniff(Array("%PDF-1.7".utf8)) == "application/pdf")
        #expect(DocumentSupport.sniff([0xFF, 0xD8, 0xFF, 0xE0]) == "image/jpeg")
        #expect(DocumentSupport.sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) == "image/png")
        #expect(DocumentSupport.sniff(Array("MZ\u{90}\u{0}".utf8)) == nil)
        #expect(DocumentSupport.sniff(Array("<html>".utf8)) == nil)
    }

    @Test func urlencodedForms() {
        let form = FormBody.parseMulti("a=1&b=x+y%26z&languages=en&languages=ru&=skip&c")
        #expect(form["a"] == ["1"])
        #expect(form["b"] == ["x y&z"])
        #expect(form["languages"] == ["en", "ru"])
        #expect(form["c"] == [""])
        #expect(form[""] == nil)
    }
}
