/// A domain event a service emits, as a type: the type string and schema
/// version are fixed per event, so a producer cannot misspell them, and the
/// subject ids and payload are structs whose keys (snake_case through
/// `Outbox.append`) are what analytics reads. Each producing service lists
/// its events in `Domain/<Service>Events.swift`.
public protocol OutboxEvent {
    /// Ids only, all strings: they are stored as a JSON object of strings.
    associatedtype Subjects: Encodable
    associatedtype Payload: Encodable
    static var type: String { get }
    /// Raise it when a payload changes shape in a way readers must tell apart.
    static var schemaVersion: Int { get }
    var subjects: Subjects { get }
    var payload: Payload { get }
}

extension OutboxEvent {
    public static var schemaVersion: Int { 1 }
}
