import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A GET to a loopback HTTP server over a plain socket, whose every step is
/// bounded by socket timeouts: a server that accepts and never answers fails
/// the call after `timeoutSeconds` instead of holding the test (URLSession's
/// request timeout is advisory on Linux, and an unfinished task cannot be
/// cancelled from outside).
enum PlainHTTP {
    /// The status code of `GET path` on 127.0.0.1:`port` with `headers`; nil
    /// when nothing or no HTTP came back in time.
    static func status(port: Int, path: String, headers: [String: String] = [:], timeoutSeconds: Int = 10) async -> Int? {
        var request = "GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        let bytes = Array(request.utf8)
        return await withCheckedContinuation { continuation in
            // Blocking socket calls stay off the cooperative pool.
            Thread.detachNewThread {
                continuation.resume(returning: exchange(port: port, request: bytes, timeoutSeconds: timeoutSeconds))
            }
        }
    }

    private static func exchange(port: Int, request: [UInt8], timeoutSeconds: Int) -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        var sent = 0
        while sent < request.count {
            let written = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { return nil }
            sent += written
        }
        // The status line is all we read; the rest is left unread.
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !response.contains(UInt8(ascii: "\n")) {
            let received = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard received > 0 else { break }
            response.append(contentsOf: buffer[..<received])
        }
        let statusLine = String(decoding: response.prefix(while: { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }), as: UTF8.self)
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/") else { return nil }
        return Int(parts[1])
    }
}
