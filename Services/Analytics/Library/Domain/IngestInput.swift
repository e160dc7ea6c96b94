import Foundation
import NomadKit
import NomadProtos
import SwiftProtobuf

/// One event as analytics accepts it: checked before anything is written, so
/// a bad batch is refused whole and stores nothing.
struct IngestInput: Sendable {
    static let maxBatch = 500

    let id: UUID
    let source: String
    let type: String
    let schemaVersion: Int
    let occurredAt: Date
    /// JSON text of the subject ids object.
    let subjectIDs: String
    /// JSON text of the payload object, as the sender wrote it.
    let payload: String

    static func batch(_ events: [Nomad_Common_V1_DomainEvent]) throws -> [IngestInput] {
        guard !events.isEmpty else { throw NomadError.required("events") }
        guard events.count <= maxBatch else {
            throw NomadError.invalid("events", zh: "一批最多 \(maxBatch) 个事件", en: "at most \(maxBatch) events per batch")
        }
        return try events.map(IngestInput.init)
    }

    init(_ event: Nomad_Common_V1_DomainEvent) throws {
        id = try Validate.uuid(event.eventID, "event_id")
        source = try Validate.text(event.sourceService, "source_service", max: 64)
        type = try Validate.text(event.type, "type", max: 200)
        guard event.schemaVersion >= 1 else {
            throw NomadError.invalid("schema_version", zh: "必须至少为 1", en: "must be at least 1")
        }
        schemaVersion = Int(event.schemaVersion)
        guard event.hasOccurredAt else { throw NomadError.required("occurred_at") }
        occurredAt = event.occurredAt.date
        // No size limit of its own: the chassis' request limit bounds a batch,
        // and the relay sends smaller batches when one is refused as too large.
        // Any JSON value is kept (an event analytics cannot refuse never
        // stalls a relay); what is not JSON at all is refused, naming the field.
        guard (try? JSONSerialization.jsonObject(with: Data(event.payloadJson.utf8), options: .fragmentsAllowed)) != nil
        else { throw NomadError.invalid("payload_json", zh: "必须是 JSON", en: "must be JSON") }
        payload = event.payloadJson
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        subjectIDs = String(decoding: try encoder.encode(event.subjectIds), as: UTF8.self)
    }
}
