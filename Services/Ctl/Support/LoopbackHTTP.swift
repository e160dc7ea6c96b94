import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// GET of a loopback HTTP page (the services' /metrics) over a plain socket.
///
/// Not URLSession: FoundationNetworking needs libcurl, which does not link with
/// `--static-swift-stdlib`, and nomadctl ships static in the image like the services.
enum LoopbackHTTP {
    /// The body of `http://127.0.0.1:PORT/PATH` (or `localhost`), nil when the
    /// page cannot be read or the answer is not 200. Other hosts are refused:
    /// nomadctl only reads the processes it started on this machine.
    static func get(_ url: String, timeoutSeconds: Int = 3) async -> [UInt8]? {
        guard let target = Target(url) else { return nil }
        return await withCheckedContinuation { continuation in
            // Blocking socket calls stay off the cooperative pool.
            Thread.detachNewThread {
                continuation.resume(returning: fetch(target, timeoutSeconds: timeoutSeconds))
            }
        }
    }

    struct Target {
        let port: UInt16
        let path: String

        init?(_ url: String) {
            let prefixes = ["http://127.0.0.1:", "http://localhost:"]
            guard let prefix = prefixes.first(where: url.hasPrefix) else { return nil }
            let rest = url.dropFirst(prefix.count)
            let slash = rest.firstIndex(of: "/") ?? rest.endIndex
            guard let port = UInt16(rest[..<slash]), port > 0 else { return nil }
            self.port = port
            path = slash == rest.endIndex ? "/" : String(rest[slash...])
        }
    }

    private static func fetch(_ target: Target, timeoutSeconds: Int) -> [UInt8]? {
        // HTTP/1.0 with close: the server answers with a plain body and hangs up.
        let request = "GET \(target.path) HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        return exchange(port: target.port, request: Array(request.utf8), timeoutSeconds: timeoutSeconds).flatMap(body(of:))
    }

    /// Sends `request` (a whole HTTP/1.0 request with `Connection: close`) to
    /// 127.0.0.1:`port` and returns everything the server answered.
    static func exchange(port: UInt16, request: [UInt8], timeoutSeconds: Int) -> [UInt8]? {
        guard let fd = connectLoopback(port: port, timeoutSeconds: timeoutSeconds) else { return nil }
        defer { close(fd) }
        var sent = 0
        while sent < request.count {
            let written = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { return nil }
            sent += written
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let received = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if received == 0 { break }
            guard received > 0 else { return nil }
            response.append(contentsOf: buffer[..<received])
        }
        return response
    }

    /// The body of a 200 response, de-chunked if the server chunked it.
    static func body(of response: [UInt8]) -> [UInt8]? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = response.firstRange(of: separator) else { return nil }
        let head = String(decoding: response[..<end.lowerBound], as: UTF8.self).lowercased()
        let statusLine = head.prefix(while: { $0 != "\r" })
        guard statusLine.split(separator: " ").dropFirst().first == "200" else { return nil }
        let body = Array(response[end.upperBound...])
        return head.contains("transfer-encoding: chunked") ? dechunk(body) : body
    }

    private static func dechunk(_ chunked: [UInt8]) -> [UInt8]? {
        var body: [UInt8] = []
        var index = 0
        let crlf: [UInt8] = [13, 10]
        while index < chunked.count {
            guard let lineEnd = chunked[index...].firstRange(of: crlf) else { return nil }
            let sizeText = String(decoding: chunked[index..<lineEnd.lowerBound], as: UTF8.self)
            guard let size = Int(sizeText.prefix(while: { $0 != ";" }), radix: 16) else { return nil }
            if size == 0 { return body }
            let start = lineEnd.upperBound
            guard start + size <= chunked.count else { return nil }
            body.append(contentsOf: chunked[start..<start + size])
            index = start + size + 2
        }
        return nil
    }
}
