import Foundation
import NomadKit
import NomadProtos
import SwiftProtobuf

// The pipeline's records to messages.

extension IngestedEventRecord {
    var message: Nomad_Analytics_V1_IngestedEvent {
        .with {
            $0.event = .init(
                id: id, source: source, type: type, schemaVersion: schemaVersion, occurredAt: occurredAt,
                subjectIDsJSON: subjectIDsJSON, payloadJSON: payloadJSON)
            $0.ingestedAt = Google_Protobuf_Timestamp(date: ingestedAt)
        }
    }
}
