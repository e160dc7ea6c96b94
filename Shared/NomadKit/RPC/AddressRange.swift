#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IP address or a network in CIDR notation ("10.0.0.5", "10.89.0.0/24",
/// "::1", "fd00::/8"), as NOMAD_TRUSTED_FORWARDERS lists them: a container's
/// or a pod's address changes with every start, its network's does not.
public struct AddressRange: Sendable, Hashable {
    /// The network's address bytes (4 or 16), bits past the prefix cleared.
    let network: [UInt8]
    let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let bytes = Self.bytes(of: String(parts[0])) else { return nil }
        let maxLength = bytes.count * 8
        var length = maxLength
        if parts.count == 2 {
            guard let given = Int(parts[1]), (0...maxLength).contains(given), parts[1].allSatisfy({ $0.isASCII && $0.isNumber }) else {
                return nil
            }
            length = given
        }
        network = Self.masked(bytes, to: length)
        prefixLength = length
    }

    /// Whether `address` (text, no port) is in the range; an IPv4 address is
    /// never in an IPv6 range, nor the other way round.
    public func contains(_ address: String) -> Bool {
        guard let bytes = Self.bytes(of: address), bytes.count == network.count else { return false }
        return Self.masked(bytes, to: prefixLength) == network
    }

    private static func masked(_ bytes: [UInt8], to length: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let kept = min(max(length - index * 8, 0), 8)
            return kept == 8 ? byte : byte & ~(UInt8.max >> kept)
        }
    }

    /// The 4 or 16 bytes of an IPv4 or IPv6 address in text, nil if it is neither.
    static func bytes(of text: String) -> [UInt8]? {
        guard text.utf8.count <= 45 else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}
