import Foundation
import NomadKit
import NomadProtos
import PropertyBased
import SwiftProtobuf

/// Every RPC of the contract, read from the descriptor set the code was
/// generated with, so a method added tomorrow is fuzzed without touching this.
struct Contract: Sendable {
    struct Method: Sendable {
        /// "nomad.jobs.v1.JobsService"
        let service: String
        let name: String
        /// Fully qualified, leading dot: ".nomad.jobs.v1.PublishJobRequest".
        let inputType: String
        let clientStreaming: Bool
    }

    let methods: [Method]
    let messages: [String: Google_Protobuf_DescriptorProto]
    let enums: [String: [Int32]]

    static let zone: Contract = {
        let data = Data(base64Encoded: NomadDescriptorSet.base64, options: .ignoreUnknownCharacters) ?? Data()
        let set = (try? Google_Protobuf_FileDescriptorSet(serializedBytes: data)) ?? .init()
        return Contract(set)
    }()

    init(_ set: Google_Protobuf_FileDescriptorSet) {
        var methods: [Method] = []
        var messages: [String: Google_Protobuf_DescriptorProto] = [:]
        var enums: [String: [Int32]] = [:]
        func index(_ message: Google_Protobuf_DescriptorProto, scope: String) {
            let name = scope + "." + message.name
            messages[name] = message
            for nested in message.nestedType { index(nested, scope: name) }
            for enumeration in message.enumType { enums[name + "." + enumeration.name] = enumeration.value.map(\.number) }
        }
        for file in set.file {
            let scope = file.package.isEmpty ? "" : "." + file.package
            for message in file.messageType { index(message, scope: scope) }
            for enumeration in file.enumType { enums[scope + "." + enumeration.name] = enumeration.value.map(\.number) }
            // The zone's own services; health, reflection and the bench echo are the chassis'.
            guard file.package.hasPrefix("nomad."), file.package != "nomad.bench.v1" else { continue }
            for service in file.service {
                for method in service.method {
                    methods.append(
                        Method(
                            service: file.package + "." + service.name, name: method.name, inputType: method.inputType,
                            clientStreaming: method.clientStreaming))
                }
            }
        }
        self.methods = methods
        self.messages = messages
        self.enums = enums
    }
}

/// Protobuf wire bytes for a message type, with values chosen to break
/// things: boundary and extreme numbers, timestamps and durations far outside
/// any calendar, empty, huge, NUL-bearing and invalid UTF-8 strings, unknown
/// enum values, forged page tokens, and ids that parse but name nothing.
struct WireFuzzer: Sendable {
    let contract: Contract
    /// Ids of records that exist, so some calls get past "not found".
    let knownIDs: [String]

    func message(_ type: String, using rng: inout any SeededRandomNumberGenerator, depth: Int = 0) -> [UInt8] {
        switch type {
        case ".google.protobuf.Timestamp", ".google.protobuf.Duration":
            return secondsAndNanos(using: &rng)
        default:
            break
        }
        guard let descriptor = contract.messages[type] else { return [] }
        var out: [UInt8] = []
        // Past the services' 1 MiB request limit now and then, never without end.
        for field in descriptor.field where out.count < 1_200_000 && Int.random(in: 0..<10, using: &rng) < 8 {
            let repeated = field.label == .repeated
            let count = !repeated ? 1 : depth == 0 ? [0, 1, 2, 3, 40].randomElement(using: &rng)! : Int.random(in: 0...2, using: &rng)
            for _ in 0..<count {
                encode(field, into: &out, using: &rng, depth: depth)
            }
        }
        return out
    }

    private func encode(
        _ field: Google_Protobuf_FieldDescriptorProto, into out: inout [UInt8],
        using rng: inout any SeededRandomNumberGenerator, depth: Int
    ) {
        let number = UInt64(field.number)
        func key(_ wireType: UInt64) { varint((number << 3) | wireType, into: &out) }
        func delimited(_ bytes: [UInt8]) {
            key(2)
            varint(UInt64(bytes.count), into: &out)
            out += bytes
        }
        switch field.type {
        case .int32, .int64, .uint32, .uint64:
            key(0)
            varint(UInt64(bitPattern: integer(using: &rng)), into: &out)
        case .sint32, .sint64:
            key(0)
            let value = integer(using: &rng)
            varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)), into: &out)
        case .bool:
            key(0)
            varint([0, 1, 2, UInt64.max].randomElement(using: &rng)!, into: &out)
        case .enum:
            key(0)
            let known = contract.enums[field.typeName] ?? [0]
            let value =
                Int.random(in: 0..<4, using: &rng) == 0
                ? [-1, 999, Int32.max, Int32.min].randomElement(using: &rng)!
                : known.randomElement(using: &rng)!
            varint(UInt64(bitPattern: Int64(value)), into: &out)
        case .fixed32, .sfixed32, .float:
            key(5)
            out += withUnsafeBytes(of: UInt32(truncatingIfNeeded: integer(using: &rng)).littleEndian, Array.init)
        case .fixed64, .sfixed64, .double:
            key(1)
            let bits =
                field.type == .double
                ? [Double.nan, .infinity, -.infinity, 1e300, -0.0, 0.5].randomElement(using: &rng)!.bitPattern
                : UInt64(bitPattern: integer(using: &rng))
            out += withUnsafeBytes(of: bits.littleEndian, Array.init)
        case .string:
            delimited(string(named: field.name, using: &rng))
        case .bytes:
            delimited((0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        case .message, .group:
            // Deep enough to reach every nested value the zone's messages hold.
            guard depth < 4 else { return }
            delimited(message(field.typeName, using: &rng, depth: depth + 1))
        }
    }

    private func varint(_ value: UInt64, into out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    private func integer(using rng: inout any SeededRandomNumberGenerator) -> Int64 {
        let extremes: [Int64] = [
            0, 1, -1, 2, 100, Int64(Int32.max), Int64(Int32.min), Int64(UInt32.max), Int64.max, Int64.min,
            Int64.max / 100, 100_000_000_000_000_000, -100_000_000_000_000_000, 1 << 53,
        ]
        return Int.random(in: 0..<3, using: &rng) == 0
            ? Int64.random(in: .min ... .max, using: &rng)
            : extremes.randomElement(using: &rng)!
    }

    /// google.protobuf.Timestamp and Duration share their shape: seconds = 1, nanos = 2.
    private func secondsAndNanos(using rng: inout any SeededRandomNumberGenerator) -> [UInt8] {
        let now = Int64(Date().timeIntervalSince1970)
        let seconds: [Int64] = [
            now, now + 86_400 * 30, now - 86_400, 0, -1, 100_000_000_000_000_000, -100_000_000_000_000_000,
            Int64.max, Int64.min, 253_402_300_799, -62_135_596_800, 9_223_372_036_854,
        ]
        let nanos: [Int64] = [0, 1, 999_999_999, 1_000_000_000, -1, Int64(Int32.max), Int64(Int32.min)]
        var out: [UInt8] = []
        varint(1 << 3, into: &out)
        varint(UInt64(bitPattern: seconds.randomElement(using: &rng)!), into: &out)
        varint(2 << 3, into: &out)
        varint(UInt64(bitPattern: nanos.randomElement(using: &rng)!), into: &out)
        return out
    }

    private func string(named name: String, using rng: inout any SeededRandomNumberGenerator) -> [UInt8] {
        let roll = Int.random(in: 0..<10, using: &rng)
        if name == "page_token", roll < 6 {
            let forged = ["o:9223372036854775807", "o:-1", "o:99999999999999999999999", "o:1e9", "x", "o:4611686018427387904"]
            return Array(Base64URL.encode(Data(forged.randomElement(using: &rng)!.utf8)).utf8)
        }
        if name == "id" || name.hasSuffix("_id"), roll < 7 {
            if roll < 3, let known = knownIDs.randomElement(using: &rng) { return Array(known.utf8) }
            return Array(UUID().uuidString.lowercased().utf8)
        }
        let nasty: [[UInt8]] = [
            [],
            Array("a".utf8),
            Array("Xinying Bay 新英湾 مرحبا".utf8),
            Array("nul\u{0}inside".utf8),
            [0],
            Array("\u{7}\u{1B}[31m\r\n".utf8),
            [0xFF, 0xFE, 0xC3],  // not UTF-8
            Array(String(repeating: "长", count: 70_000).utf8),  // far past every length limit
            Array(String(repeating: "x", count: 5_000).utf8),
            Array("'; DROP TABLE accounts; --".utf8),
            Array("<script>alert(1)</script>".utf8),
            Array("CNY".utf8),
            Array("zh-CN".utf8),
            Array("9223372036854775808".utf8),
            Array("-1".utf8),
            Array("\u{202E}\u{FEFF}\u{1F600}".utf8),
        ]
        return nasty.randomElement(using: &rng)!
    }
}
