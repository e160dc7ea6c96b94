import Foundation
import NomadProtos
import SwiftProtobuf

extension Nomad_Common_V1_DomainEvent {
    /// The event from a stored row (the outbox's on the way out, analytics'
    /// ingested_events on the way back), whose subject ids are read as jsonb
    /// text. One builder, so the relay and analytics' listings cannot drift.
    public init(
        id: UUID, source: String, type: String, schemaVersion: Int, occurredAt: Date,
        subjectIDsJSON: String, payloadJSON: String
    ) {
        self.init()
        eventID = id.text
        sourceService = source
        self.type = type
        self.schemaVersion = Int32(clamping: schemaVersion)
        self.occurredAt = Google_Protobuf_Timestamp(date: occurredAt)
        subjectIds = (try? JSONDecoder().decode([String: String].self, from: Data(subjectIDsJSON.utf8))) ?? [:]
        payloadJson = payloadJSON
    }
}
