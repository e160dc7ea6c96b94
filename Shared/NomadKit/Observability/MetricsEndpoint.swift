import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle

/// The small HTTP server that serves GET /metrics in Prometheus' text format.
public enum MetricsEndpoint {
    public static func make(
        host: String, port: Int, logger: Logger,
        onBound: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some Service {
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            var buffer = ByteBuffer()
            buffer.writeBytes(MetricsSetup.registry.emitToBuffer())
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: buffer))
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "nomad-metrics"),
            onServerRunning: { channel in await onBound(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
