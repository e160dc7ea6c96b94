import Foundation
import Logging
import Synchronization

/// One JSON object per line on stdout: what log collectors on the government
/// cloud ingest. Every line logged while serving a call carries that call's
/// request id, taken from the call's RequestContext, and the current span's
/// `trace_id` and `span_id` (W3C hex), whichever tracer is in force (TraceSetup).
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let service: String
    private let output: @Sendable (Data) -> Void
    private let traceMetadata: Logger.MetadataProvider

    public init(
        label: String, service: String, level: Logger.Level,
        traceMetadata: Logger.MetadataProvider = TraceSetup.logMetadata,
        output: @escaping @Sendable (Data) -> Void = { FileHandle.standardOutput.write($0) }
    ) {
        self.label = label
        self.service = service
        self.logLevel = level
        self.traceMetadata = traceMetadata
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var object: [String: Any] = [
            "ts": Self.timestamp(),
            "level": event.level.rawValue,
            "service": service,
            "logger": label,
            "msg": event.message.description,
        ]
        let correlationID = RequestContext.current.correlationID
        if correlationID != "-" { object["correlation_id"] = correlationID }
        for (key, value) in traceMetadata.get() { object[key] = Self.plain(value) }
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            object[key] = Self.plain(value)
        }
        if event.level >= .error { object["source"] = "\(event.file):\(event.line)" }
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return }
        data.append(0x0A)
        // One write per line keeps lines whole when several tasks log at once.
        output(data)
    }

    private static func plain(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let string): return string
        case .stringConvertible(let convertible): return convertible.description
        case .array(let array): return array.map(plain)
        case .dictionary(let dictionary): return dictionary.mapValues(plain)
        }
    }

    private static func timestamp() -> String {
        Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}

public enum LogSetup {
    /// Installs the process-wide log handler (and the tracer) once; later calls do nothing, so
    /// tests that start many servers in one process can all call it.
    public static func bootstrap(service: String, level: String, format: String) {
        let parsed = Logger.Level(rawValue: level) ?? .info
        // The tracer first: the handlers read its log metadata.
        TraceSetup.bootstrap(service: service)
        once.withLock { done in
            guard !done else { return }
            done = true
            LoggingSystem.bootstrap { label in
                if format == "text" {
                    var handler = StreamLogHandler.standardOutput(label: label, metadataProvider: TraceSetup.logMetadata)
                    handler.logLevel = parsed
                    return handler
                }
                return JSONLogHandler(label: label, service: service, level: parsed)
            }
        }
    }

    private static let once = Mutex(false)
}
