import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import SwiftProtobuf

extension AnalyticsService {
    /// Stores the batch in one transaction and acknowledges every id only
    /// after the commit: an acknowledged event is durable, so the relay may
    /// mark it delivered. Idempotent by event id, hence no request_id.
    func ingestEvents(
        request: Nomad_Analytics_V1_IngestEventsRequest, context: ServerContext
    ) async throws -> Nomad_Analytics_V1_IngestEventsResponse {
        _ = try caller
        let events = try IngestInput.batch(request.events)
        try await database.statement { tx in
            try await IngestedEventStore.insert(tx, events)
        }
        return .with { $0.storedEventIds = events.map(\.id.text) }
    }

    func listIngestedEvents(
        request: Nomad_Analytics_V1_ListIngestedEventsRequest, context: ServerContext
    ) async throws -> Nomad_Analytics_V1_ListIngestedEventsResponse {
        _ = try caller
        let page = try Page(request.page)
        let source = request.sourceService.isEmpty ? nil : try Validate.text(request.sourceService, "source_service", max: 64)
        let type = request.type.isEmpty ? nil : try Validate.text(request.type, "type", max: 200)
        let events = try await database.read { tx in
            try await IngestedEventStore.list(tx, source: source, type: type, page: page)
        }
        return .listing(\.events, events.map(\.message), page)
    }
}
