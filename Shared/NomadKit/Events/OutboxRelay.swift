import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import Metrics
import NomadProtos
import PostgresNIO
import ServiceLifecycle
import SwiftProtobuf
import Tracing
import W3CTraceContext

/// Delivers the service's outbox to analytics: at-least-once over the wire,
/// exactly-once in analytics' tables (it stores by event id).
///
/// All state is the `delivered_at` column, so a restart resumes where the last
/// commit left off, and a crash between analytics' acknowledgement and our
/// commit only redelivers events analytics already holds. Replicas share the
/// table: `FOR UPDATE SKIP LOCKED` gives each batch to one relay at a time.
public struct OutboxRelay: Service {
    public struct Settings: Sendable {
        /// Rows are locked across the RPC, so batches stay small and the
        /// deadline short: a stuck analytics holds at most this many rows, and
        /// only until the deadline rolls the transaction back.
        public var batchSize = 100
        public var deadline: Duration = .seconds(5)
        /// How long an idle relay waits before looking at the table again.
        public var pollInterval: Duration = .milliseconds(500)
        public var initialBackoff: Duration = .milliseconds(200)
        public var maxBackoff: Duration = .seconds(30)

        public init() {}
    }

    let database: Database
    let source: String
    let address: ServiceAddress
    let tokens: ServiceTokens
    let security: HTTP2ClientTransport.Posix.TransportSecurity
    let settings: Settings
    /// False until the service has migrated, and while its database is
    /// unreachable: the relay waits instead of failing and logging.
    let ready: @Sendable () -> Bool
    let logger: Logger
    /// Names this relay in its service tokens (and analytics' logs).
    let relayID = UUID()
    let relayed: Counter
    let backlog: Gauge

    /// `address` is NOMAD_ANALYTICS_ADDRESS: "host:port".
    public init(
        database: Database, source: String, address: String, tokens: ServiceTokens,
        security: HTTP2ClientTransport.Posix.TransportSecurity = .plaintext, settings: Settings = .init(),
        ready: @escaping @Sendable () -> Bool = { true }, logger: Logger
    ) throws {
        self.database = database
        self.source = source
        self.address = try ServiceAddress(address, variable: "NOMAD_ANALYTICS_ADDRESS")
        self.tokens = tokens
        self.security = security
        self.settings = settings
        self.ready = ready
        self.logger = logger
        relayed = Counter(label: "nomad_outbox_relayed_total", dimensions: [("service", source)])
        backlog = Gauge(label: "nomad_outbox_backlog", dimensions: [("service", source)])
    }

    public func run() async throws {
        let client = GRPCClient(
            transport: try .http2NIOPosix(target: address.target, transportSecurity: security),
            interceptors: [TraceContextClientInterceptor()])
        let analytics = Nomad_Analytics_V1_AnalyticsService.Client(wrapping: client)
        let connections = ClientConnections.bounded(client, name: "outbox relay", logger: logger)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await connections.run() }
            await cancelWhenGracefulShutdown { await self.loop(analytics) }
        }
    }

    func loop(_ analytics: Nomad_Analytics_V1_AnalyticsService.Client<HTTP2ClientTransport.Posix>) async {
        var failures = 0
        // Halved when analytics refuses a batch as too large or invalid, so
        // one oversized event cannot hold back the ones around it.
        var limit = settings.batchSize
        while !Task.isCancelled {
            guard ready() else {
                try? await Task.sleep(for: settings.pollInterval)
                continue
            }
            do {
                let sent = try await relayBatch(analytics, limit: limit)
                failures = 0
                let full = sent >= limit
                limit = min(settings.batchSize, limit * 2)
                // A full batch means there is likely more: go again at once.
                if !full {
                    try? await updateBacklog()
                    try? await Task.sleep(for: settings.pollInterval)
                }
            } catch {
                if let error = error as? RPCError, [.resourceExhausted, .invalidArgument].contains(error.code) {
                    limit = max(1, limit / 2)
                }
                failures += 1
                let delay = backoff(after: failures)
                if failures == 1 || failures % 10 == 0 {
                    logger.warning(
                        "outbox relay failed; retrying",
                        metadata: [
                            "failures": "\(failures)", "retry_in": "\(delay)", "error": "\(error)",
                        ])
                }
                try? await Task.sleep(for: delay)
            }
        }
    }

    /// One batch in one transaction: lock, send, mark what analytics stored,
    /// commit. Any failure rolls back and the rows are simply picked up again.
    /// Returns how many events were sent.
    func relayBatch(
        _ analytics: Nomad_Analytics_V1_AnalyticsService.Client<HTTP2ClientTransport.Posix>, limit: Int
    ) async throws -> Int {
        let logger = self.logger
        let source = self.source
        var options = CallOptions.defaults
        options.timeout = settings.deadline
        let token = try tokens.issue(caller: relayID, for: .ingestEvents, lifetime: 120).token
        var metadata = Metadata()
        metadata.addString("Bearer \(token)", forKey: "authorization")
        let requestMetadata = metadata
        let stored = try await database.transaction { tx -> Int in
            let rows = try await tx.query(
                """
                SELECT id, type, schema_version, subject_ids::text, payload::text, occurred_at, traceparent FROM outbox
                WHERE delivered_at IS NULL ORDER BY occurred_at, id LIMIT \(limit) FOR UPDATE SKIP LOCKED
                """)
            var events: [Nomad_Common_V1_DomainEvent] = []
            var origins: [String] = []
            for try await (id, type, version, subjects, payload, occurredAt, traceparent)
                in rows.decode((UUID, String, Int, String, String, Date, String?).self)
            {
                if let traceparent, !origins.contains(traceparent) { origins.append(traceparent) }
                events.append(
                    .init(
                        id: id, source: source, type: type, schemaVersion: version, occurredAt: occurredAt,
                        subjectIDsJSON: subjects, payloadJSON: payload))
            }
            if events.isEmpty { return 0 }
            // A batch is a trace of its own (it mixes events of many requests),
            // linked to the trace of every request whose events it carries; its
            // context goes to analytics with the call. Empty polls make no span.
            return try await withSpan("outbox.relay", ofKind: .producer) { span in
                for origin in origins {
                    if let context = TraceCarrier.context(traceparent: origin) { span.addLink(SpanLink(context: context, attributes: [:])) }
                }
                let response = try await analytics.ingestEvents(
                    .with { $0.events = events }, metadata: requestMetadata, options: options)
                // Only what analytics says it stored is marked; anything else stays
                // undelivered and goes out again with a later batch.
                let sent = Set(events.map(\.eventID))
                let acked = response.storedEventIds.filter { sent.contains($0.lowercased()) }.compactMap(UUID.init(uuidString:))
                try await tx.query(
                    "UPDATE outbox SET delivered_at = now() WHERE id = ANY(\(acked))")
                // Under the batch's span: its trace_id is the one analytics logs for
                // the call; origin_trace_ids lead back to the requests.
                logger.debug(
                    "outbox batch relayed",
                    metadata: [
                        "events": "\(acked.count)",
                        "origin_trace_ids": .array(
                            origins.compactMap { origin in
                                W3CHeaders.parse(traceparent: origin, tracestate: nil).map { .string($0.traceID.description) }
                            }),
                    ])
                return acked.count
            }
        }
        if stored > 0 { relayed.increment(by: stored) }
        return stored
    }

    func updateBacklog() async throws {
        let count = try await database.read { tx in
            try await tx.query("SELECT count(*) FROM outbox WHERE delivered_at IS NULL")
                .collect().first?.decode(Int.self) ?? 0
        }
        backlog.record(count)
    }

    /// Exponential, capped, with jitter so replicas that failed together do
    /// not all retry together.
    func backoff(after failures: Int) -> Duration {
        let base = Double(settings.initialBackoff.components.attoseconds) / 1e18 + Double(settings.initialBackoff.components.seconds)
        let cap = Double(settings.maxBackoff.components.attoseconds) / 1e18 + Double(settings.maxBackoff.components.seconds)
        let exponential = min(cap, base * pow(2, Double(min(failures - 1, 30))))
        return .milliseconds(Int64(exponential * Double.random(in: 0.5...1.0) * 1000))
    }
}
