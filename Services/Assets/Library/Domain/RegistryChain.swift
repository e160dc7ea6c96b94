import Crypto
import Foundation

/// The tamper-evident registry's arithmetic: hash = SHA-256(prev_hash ||
/// payload bytes), starting from 32 zero bytes. Payloads are canonical JSON
/// (string values, sorted keys), so the hashed bytes are exactly the stored text.
enum RegistryChain {
    static let genesis = [UInt8](repeating: 0, count: 32)

    static func hash(prev: [UInt8], payload: String) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: prev)
        hasher.update(data: Array(payload.utf8))
        return Array(hasher.finalize())
    }

    static func canonicalPayload(_ fields: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a [String: String] cannot fail.
        return String(decoding: try! encoder.encode(fields), as: UTF8.self)
    }

    struct Link: Sendable {
        var seq: Int64
        var payload: String
        var prevHash: [UInt8]
        var hash: [UInt8]
    }

    struct Break: Sendable, Equatable {
        var seq: Int64
        var reason: String
    }

    /// Walks links in seq order, one page at a time, remembering only the
    /// last hash; the first link that does not hold is the answer.
    struct Verifier: Sendable {
        private(set) var checked: Int64 = 0
        private(set) var lastHash = RegistryChain.genesis
        private var expectedSeq: Int64 = 1

        mutating func check(_ link: Link) -> Break? {
            if link.seq != expectedSeq {
                return Break(seq: expectedSeq, reason: "entry \(expectedSeq) is missing (next is \(link.seq))")
            }
            if link.prevHash != lastHash {
                return Break(seq: link.seq, reason: "prev_hash does not match the hash of entry \(link.seq - 1)")
            }
            if RegistryChain.hash(prev: link.prevHash, payload: link.payload) != link.hash {
                return Break(seq: link.seq, reason: "hash does not match SHA-256(prev_hash || payload)")
            }
            checked += 1
            expectedSeq += 1
            lastHash = link.hash
            return nil
        }

        /// After the last page: the head row must point at the last entry, or
        /// entries were cut off the end.
        func finish(headSeq: Int64, headHash: [UInt8]) -> Break? {
            if headSeq != checked {
                return Break(seq: checked + 1, reason: "the chain head is at \(headSeq) but the entries end at \(checked)")
            }
            if headHash != lastHash {
                return Break(seq: headSeq, reason: "the chain head's hash does not match entry \(headSeq)")
            }
            return nil
        }
    }
}

extension Array where Element == UInt8 {
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}
