import Foundation
import NomadKit

/// One event as `Outbox.append` would store it.
struct Encoded {
    let type: String
    let schemaVersion: Int
    let subjectKeys: Set<String>
    let payloadKeys: Set<String>
    let payloadJSON: String

    init<Event: OutboxEvent>(_ event: Event) throws {
        type = Event.type
        schemaVersion = Event.schemaVersion
        subjectKeys = try Self.keys(Outbox.encode(event.subjects))
        let data = try Outbox.encode(event.payload)
        payloadJSON = String(decoding: data, as: UTF8.self)
        payloadKeys = try Self.keys(data)
    }

    static func keys(_ json: Data) throws -> Set<String> {
        Set((try JSONSerialization.jsonObject(with: json) as? [String: Any] ?? [:]).keys)
    }
}

/// Every producer's events, each sample with its optional fields set so every
/// key it can write shows.
enum Samples {
    static func all() throws -> [Encoded] {
        try IdentitySamples.all() + JobsSamples.all() + AssetsSamples.all() + EventsSamples.all()
            + AnalyticsSamples.all()
    }
}
