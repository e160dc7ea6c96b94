import Foundation
import NomadKit

#if canImport(Glibc)
    import Glibc
#endif

/// "host:port" as given on the command line.
struct HostPort: Sendable, CustomStringConvertible {
    let host: String
    let port: Int

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    init(parsing text: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65535).contains(port), colon != text.startIndex
        else { throw CtlError("expected HOST:PORT, got \(text)") }
        host = String(text[..<colon])
        self.port = port
    }

    var description: String { "\(host):\(port)" }
}

/// Whether something accepts TCP connections on 127.0.0.1:port right now.
func loopbackPortInUse(_ port: Int) -> Bool {
    guard let fd = connectLoopback(port: UInt16(port)) else { return false }
    close(fd)
    return true
}

/// A blocking TCP socket connected to 127.0.0.1:port (the caller closes it),
/// nil when nothing accepts there; `timeoutSeconds` bounds each send and receive.
func connectLoopback(port: UInt16, timeoutSeconds: Int = 3) -> Int32? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
    guard connected else {
        close(fd)
        return nil
    }
    return fd
}

func formatBytes(_ bytes: Int) -> String {
    String(format: "%.1f MiB", Double(bytes) / 1_048_576)
}

/// A random string from an alphabet without look-alikes, for passwords.
func randomToken(length: Int) -> String {
    let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
    var generator = SystemRandomNumberGenerator()
    return String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
}
