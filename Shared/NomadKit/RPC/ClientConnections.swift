import GRPCCore
import Logging
import ServiceLifecycle

/// A gRPC client's connections as a service: they run until the graceful
/// shutdown, then close once the calls in flight end.
///
/// GRPCClient is not a swift-service-lifecycle Service, and closing it may
/// wait on a DNS look-up that cancellation cannot interrupt, so use `bounded`
/// (see `BoundedShutdownService`).
public struct ClientConnections<Transport: ClientTransport>: Service {
    let client: GRPCClient<Transport>

    public init(_ client: GRPCClient<Transport>) {
        self.client = client
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await client.runConnections()
        } onGracefulShutdown: {
            client.beginGracefulShutdown()
        }
    }

    /// The connections, given `closeWithin` to close after the graceful shutdown
    /// begins (long enough for a call in flight to meet its deadline).
    public static func bounded(
        _ client: GRPCClient<Transport>, name: String, closeWithin: Duration = .seconds(5), logger: Logger
    ) -> BoundedShutdownService {
        BoundedShutdownService(base: ClientConnections(client), name: name, limit: closeWithin, logger: logger)
    }
}
