import Foundation
import Hummingbird
import NIOCore

/// Reads a multipart/form-data body part by part as it arrives, so a file is
/// passed on in chunks and never held whole. Used by one task at a time (a
/// page handler and the upload it drives in turn), hence @unchecked Sendable.
public final class MultipartReader<Body: AsyncSequence>: @unchecked Sendable where Body.Element == ByteBuffer {
    private var iterator: Body.AsyncIterator
    private var buffer: [UInt8]
    private let delimiter: [UInt8]
    private var inPart = false
    private var finished = false
    private var started = false
    /// Every byte read so far, against `maxBodyBytes`.
    private var total = 0
    private let maxBodyBytes: Int

    public init(body: Body, boundary: String, maxBodyBytes: Int) {
        iterator = body.makeAsyncIterator()
        // The body's first delimiter has no CRLF before it: start with one, so
        // every delimiter reads "\r\n--boundary".
        buffer = Array("\r\n".utf8)
        delimiter = Array("\r\n--\(boundary)".utf8)
        self.maxBodyBytes = maxBodyBytes
    }

    /// Reads more of the body into the buffer; false at its end.
    private func fill() async throws -> Bool {
        guard let chunk = try await iterator.next() else { return false }
        total += chunk.readableBytes
        if total > maxBodyBytes { throw MultipartFailure.tooLarge }
        buffer.append(contentsOf: chunk.readableBytesView)
        return true
    }

    private func indexOfDelimiter() -> Int? {
        guard buffer.count >= delimiter.count else { return nil }
        let first = delimiter[0]
        var index = 0
        let last = buffer.count - delimiter.count
        while index <= last {
            if buffer[index] == first {
                var matched = true
                for offset in 1..<delimiter.count where buffer[index + offset] != delimiter[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }

    /// The next piece of the current part's content; nil at the part's end.
    public func nextChunk() async throws -> [UInt8]? {
        guard inPart else { return nil }
        while true {
            if let index = indexOfDelimiter() {
                let data = Array(buffer[0..<index])
                buffer.removeFirst(index + delimiter.count)
                inPart = false
                return data.isEmpty ? nil : data
            }
            // What cannot be the start of a delimiter can go now.
            let safe = buffer.count - (delimiter.count - 1)
            if safe >= 16 * 1024 {
                let data = Array(buffer[0..<safe])
                buffer.removeFirst(safe)
                return data
            }
            if try await !fill() {
                throw MultipartFailure.malformed
            }
        }
    }

    /// The rest of the current part, at most `limit` bytes, as UTF-8.
    public func text(limit: Int = 16 * 1024) async throws -> String {
        var bytes: [UInt8] = []
        while let chunk = try await nextChunk() {
            bytes += chunk
            if bytes.count > limit { throw MultipartFailure.tooLarge }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Skips what is left of the current part and reads the next part's
    /// headers; nil after the closing delimiter.
    public func nextPart() async throws -> MultipartPart? {
        if finished { return nil }
        if !started {
            started = true
            // Skip any preamble up to the first delimiter.
            inPart = true
            while try await nextChunk() != nil {}
        }
        while inPart { _ = try await nextChunk() }
        // After a delimiter: "--" closes the body, CRLF opens headers.
        while buffer.count < 2 { guard try await fill() else { throw MultipartFailure.malformed } }
        if buffer[0] == UInt8(ascii: "-"), buffer[1] == UInt8(ascii: "-") {
            finished = true
            return nil
        }
        guard buffer[0] == 13, buffer[1] == 10 else { throw MultipartFailure.malformed }
        buffer.removeFirst(2)
        let end = Array("\r\n\r\n".utf8)
        var headerEnd: Int?
        while headerEnd == nil {
            headerEnd = Multipart.find(end, in: buffer)
            if headerEnd == nil {
                if buffer.count > 8 * 1024 { throw MultipartFailure.malformed }
                guard try await fill() else { throw MultipartFailure.malformed }
            }
        }
        let headerText = String(decoding: buffer[0..<headerEnd!], as: UTF8.self)
        buffer.removeFirst(headerEnd! + 4)
        inPart = true
        return try Multipart.parseHeaders(headerText)
    }
}

public struct MultipartPart: Sendable, Equatable {
    public let name: String
    /// Set for file inputs (possibly empty: no file chosen).
    public let filename: String?
    public let contentType: String?
}

public enum MultipartFailure: Error, Equatable {
    case malformed
    case tooLarge
}

public enum Multipart {
    /// The boundary from a Content-Type such as
    /// `multipart/form-data; boundary=----x`; nil when it is not multipart.
    public static func boundary(contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pieces = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pieces.count == 2, pieces[0].lowercased() == "boundary" {
                let value = pieces[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return (1...70).contains(value.utf8.count) ? value : nil
            }
        }
        return nil
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where haystack[index] == needle[0] {
            if Array(haystack[index..<(index + needle.count)]) == needle { return index }
        }
        return nil
    }

    static func parseHeaders(_ text: String) throws -> MultipartPart {
        var name: String?
        var filename: String?
        var contentType: String?
        for line in text.components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let header = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if header == "content-disposition" {
                for parameter in value.split(separator: ";").dropFirst() {
                    let pieces = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    guard pieces.count == 2 else { continue }
                    var quoted = pieces[1]
                    if quoted.hasPrefix("\""), quoted.hasSuffix("\""), quoted.count >= 2 {
                        quoted = String(quoted.dropFirst().dropLast())
                    }
                    switch pieces[0].lowercased() {
                    case "name": name = quoted
                    case "filename": filename = quoted
                    default: break
                    }
                }
            } else if header == "content-type" {
                contentType = value
            }
        }
        guard let name, !name.isEmpty else { throw MultipartFailure.malformed }
        return MultipartPart(name: name, filename: filename, contentType: contentType)
    }
}
