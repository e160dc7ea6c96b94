import Metrics
import Prometheus
import Synchronization

/// The process's Prometheus registry, installed as swift-metrics' backend once.
public enum MetricsSetup {
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Buckets from 0.5 ms to 5 s: unary calls on this suite sit in the
        // low milliseconds, and anything past seconds is an incident.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .milliseconds(2500), .seconds(5),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// Forces the bootstrap; call before the first metric is made.
    public static func bootstrap() { _ = registry }
}
