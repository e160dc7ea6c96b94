import GRPCCore
import NomadKit
import NomadProtos

/// The event pipeline: only services (their outbox relays) deliver events;
/// staff may look at what arrived.
enum PipelineAccess {
    typealias M = Nomad_Analytics_V1_AnalyticsService.Method

    static let rules: [MethodDescriptor: AccessPolicy.Rule] = [
        M.IngestEvents.descriptor: .roles([.service]),
        M.ListIngestedEvents.descriptor: .roles(AnalyticsAccess.staff),
    ]
}
