import Foundation
import Synchronization
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Loopback helpers for local runs and tests (never another address).
public enum Loopback {
    /// Ports handed out by `portForLater` in this process, never handed out twice.
    private static let handedOut = Mutex<Set<Int>>([])

    /// A free port for a server that binds it later (a process still to
    /// start, or to restart on the same port). Drawn below Linux's ephemeral
    /// range (32768-60999): a port in that range may meanwhile become the
    /// source port of any outgoing connection, and the later bind fails with
    /// "address already in use" (seen in CI with the whole suite running).
    public static func portForLater() throws -> Int {
        for _ in 0..<500 {
            let port = Int.random(in: 20_000..<32_000)
            let fresh = handedOut.withLock { $0.insert(port).inserted }
            if fresh, canBind(port) { return port }
        }
        throw LoopbackError("no free port between 20000 and 32000")
    }

    private static func canBind(_ port: Int) -> Bool {
        bound(port) != nil
    }

    /// Binds a socket to 127.0.0.1:`port` (0: any) and closes it again;
    /// the port it got, or nil when the bind failed.
    private static func bound(_ port: Int) -> Int? {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var addr = sockaddr_in()
        #if canImport(Darwin)
            addr.sin_len = UInt8(MemoryLayout<sockaddr_in>.size)
        #endif
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, len) == 0 && getsockname(fd, pointer, &len) == 0
            }
        }
        return ok ? Int(UInt16(bigEndian: addr.sin_port)) : nil
    }

    public static func freePort() throws -> Int {
        guard let port = bound(0) else { throw LoopbackError("binding 127.0.0.1:0 failed: errno \(errno)") }
        return port
    }
}

public struct LoopbackError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
