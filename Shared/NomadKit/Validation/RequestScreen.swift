import Foundation
import NomadProtos
import SwiftProtobuf

/// The checks every request message passes before any handler sees it, so no
/// service has to remember them field by field (and none can forget one):
///
/// - no string holds a NUL character (PostgreSQL cannot store one in text, and
///   no name, number or sentence needs one);
/// - no enum holds a value the contract does not define (handlers narrow enum
///   values to the database's smallint, and an unknown one would not fit);
/// - every `google.protobuf.Timestamp` lies within `ZoneTime.accepted` with
///   valid nanos, and every `google.protobuf.Duration` within a century, so
///   converting one to a `Date`, to microseconds or to a calendar day cannot
///   overflow.
///
/// A refusal is INVALID_ARGUMENT naming the field by its path ("job.deadline").
public enum RequestScreen {
    public static func check(_ message: some SwiftProtobuf.Message) throws {
        var visitor = ScreenVisitor(messageName: type(of: message).protoMessageName, path: "")
        try message.traverse(visitor: &visitor)
    }
}

/// The instants a request may name: wide enough for any birth date, deadline
/// or report period the zone deals in, narrow enough that every conversion
/// (seconds to Date, to PostgreSQL's microseconds, to a calendar day) is exact.
public enum ZoneTime {
    /// 1900-01-01T00:00:00Z up to, not including, 2200-01-01T00:00:00Z.
    public static let accepted: Range<Int64> = -2_208_988_800..<7_258_118_400
    /// A century either way.
    public static let maxDurationSeconds: Int64 = 100 * 366 * 86_400

    public static func check(_ timestamp: Google_Protobuf_Timestamp, _ field: String) throws {
        guard accepted.contains(timestamp.seconds), (0..<1_000_000_000).contains(timestamp.nanos) else {
            throw NomadError.invalid(
                field, zh: "时间须在 1900-01-01 至 2199-12-31 之间", en: "must be a time between 1900-01-01 and 2199-12-31")
        }
    }

    public static func check(_ duration: Google_Protobuf_Duration, _ field: String) throws {
        let sameSign = duration.seconds == 0 || duration.nanos == 0 || (duration.seconds > 0) == (duration.nanos > 0)
        guard (-maxDurationSeconds...maxDurationSeconds).contains(duration.seconds),
            (-999_999_999...999_999_999).contains(duration.nanos), sameSign
        else {
            throw NomadError.invalid(field, zh: "时长须在正负一百年之内", en: "must be a duration within a hundred years either way")
        }
    }
}

/// Field names come from the contract's descriptors (the same set reflection
/// serves), so a refusal names the field as the caller's .proto spells it.
struct ScreenVisitor: Visitor {
    let messageName: String
    let path: String

    private func field(_ number: Int) -> String {
        let name = ContractNames.shared.fieldName(message: messageName, number: number) ?? "#\(number)"
        return path.isEmpty ? name : path + "." + name
    }

    private func checkText(_ value: String, _ number: Int) throws {
        if value.utf8.contains(0) {
            throw NomadError.invalid(field(number), zh: "不能包含 NUL 字符", en: "must not contain a NUL character")
        }
    }

    private func nested(_ message: some Message, _ number: Int) throws {
        let path = field(number)
        switch message {
        case let timestamp as Google_Protobuf_Timestamp:
            try ZoneTime.check(timestamp, path)
        case let duration as Google_Protobuf_Duration:
            try ZoneTime.check(duration, path)
        default:
            var visitor = ScreenVisitor(messageName: type(of: message).protoMessageName, path: path)
            try message.traverse(visitor: &visitor)
        }
    }

    mutating func visitSingularStringField(value: String, fieldNumber: Int) throws {
        try checkText(value, fieldNumber)
    }

    mutating func visitSingularEnumField<E: Enum>(value: E, fieldNumber: Int) throws {
        guard Self.isDefined(value) else { throw NomadError.unknownEnum(field(fieldNumber)) }
    }

    mutating func visitSingularMessageField<M: Message>(value: M, fieldNumber: Int) throws {
        try nested(value, fieldNumber)
    }

    mutating func visitMapField<KeyType, ValueType: MapValueType>(
        fieldType: _ProtobufMap<KeyType, ValueType>.Type, value: _ProtobufMap<KeyType, ValueType>.BaseType,
        fieldNumber: Int
    ) throws {
        for (key, element) in value {
            if let key = key as? String { try checkText(key, fieldNumber) }
            if let element = element as? String { try checkText(element, fieldNumber) }
        }
    }

    mutating func visitMapField<KeyType, ValueType>(
        fieldType: _ProtobufEnumMap<KeyType, ValueType>.Type, value: _ProtobufEnumMap<KeyType, ValueType>.BaseType,
        fieldNumber: Int
    ) throws where ValueType.RawValue == Int {
        for (key, element) in value {
            if let key = key as? String { try checkText(key, fieldNumber) }
            guard Self.isDefined(element) else { throw NomadError.unknownEnum(field(fieldNumber)) }
        }
    }

    mutating func visitMapField<KeyType, ValueType>(
        fieldType: _ProtobufMessageMap<KeyType, ValueType>.Type, value: _ProtobufMessageMap<KeyType, ValueType>.BaseType,
        fieldNumber: Int
    ) throws {
        for (key, element) in value {
            if let key = key as? String { try checkText(key, fieldNumber) }
            try nested(element, fieldNumber)
        }
    }

    // Numbers, booleans and bytes have no contract-wide rule: their ranges are
    // the domain's, checked where the field is read.
    mutating func visitSingularDoubleField(value: Double, fieldNumber: Int) throws {}
    mutating func visitSingularInt64Field(value: Int64, fieldNumber: Int) throws {}
    mutating func visitSingularUInt64Field(value: UInt64, fieldNumber: Int) throws {}
    mutating func visitSingularBoolField(value: Bool, fieldNumber: Int) throws {}
    mutating func visitSingularBytesField(value: Data, fieldNumber: Int) throws {}
    mutating func visitUnknown(bytes: Data) throws {}

    /// Generated enums are CaseIterable over the values the contract defines;
    /// an unknown wire value decodes to UNRECOGNIZED, which is not among them.
    static func isDefined<E: Enum>(_ value: E) -> Bool {
        guard let iterable = E.self as? any CaseIterable.Type else { return true }
        return definedRawValues(iterable).contains(value.rawValue)
    }

    private static func definedRawValues<C: CaseIterable>(_ type: C.Type) -> [Int] {
        type.allCases.compactMap { ($0 as? any RawRepresentable)?.rawValue as? Int }
    }
}

/// Field names by message and number, from the generated descriptor set.
final class ContractNames: Sendable {
    static let shared = ContractNames()

    private let fields: [String: [Int: String]]

    private init() {
        var fields: [String: [Int: String]] = [:]
        func index(_ message: Google_Protobuf_DescriptorProto, scope: String) {
            let name = scope.isEmpty ? message.name : scope + "." + message.name
            fields[name] = Dictionary(message.field.map { (Int($0.number), $0.name) }, uniquingKeysWith: { first, _ in first })
            for nested in message.nestedType { index(nested, scope: name) }
        }
        if let data = Data(base64Encoded: NomadDescriptorSet.base64, options: .ignoreUnknownCharacters),
            let set = try? Google_Protobuf_FileDescriptorSet(serializedBytes: data)
        {
            for file in set.file {
                for message in file.messageType { index(message, scope: file.package) }
            }
        }
        self.fields = fields
    }

    func fieldName(message: String, number: Int) -> String? {
        fields[message]?[number]
    }
}
