import Foundation
import GRPCCore
import Logging
import Metrics
import NomadProtos
import PostgresNIO
import _ConnectionPoolModule
import SwiftProtobuf
import Synchronization
import Tracing

/// The outermost interceptor: gives the call its request id and language,
/// runs it in a server span continuing the caller's W3C trace context
/// (`traceparent`, `tracestate`; a malformed one starts a new trace), counts
/// and times it, logs it, and turns whatever error escapes into a gRPC
/// status with a message in the caller's language and no internals.
public struct ObservabilityInterceptor: ServerInterceptor {
    let logger: Logger
    let maxRequestBytes: Int
    let health: HealthState?
    let meters = CallMeters()

    public init(logger: Logger, maxRequestBytes: Int, health: HealthState? = nil) {
        self.logger = logger
        self.maxRequestBytes = maxRequestBytes
        self.health = health
    }

    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let started = ContinuousClock.now
        let requestContext = RequestContext(
            correlationID: Self.correlationID(from: request.metadata), method: context.descriptor.method,
            language: Language.negotiate(request.metadata[stringValues: "accept-language"].first(where: { _ in true })),
            deadline: Self.deadline(from: request.metadata, start: started))
        let method = context.descriptor
        let logger = self.logger

        // The server span: the caller's trace continued, or a new one.
        var traceParent = InstrumentationContext.topLevel
        InstrumentationSystem.instrument.extract(request.metadata, into: &traceParent, using: GRPCMetadataExtractor())
        let span = startSpan(method.fullyQualifiedMethod, context: traceParent, ofKind: .server)
        let traceContext = span.context

        @Sendable func finish(_ error: (any Error)?) -> RPCError? {
            // Under the span's context, so the error's and the call's log lines carry its ids.
            let rpcError = InstrumentationContext.$current.withValue(traceContext) { () -> RPCError? in
                let rpcError = error.map { Self.rpcError(for: $0, language: requestContext.language, logger: logger) }
                meters.record(method: method, code: rpcError?.code, since: started, logger: logger)
                return rpcError
            }
            if span.isRecording {
                span.attributes["rpc.system"] = "grpc"
                span.attributes["rpc.service"] = method.service.fullyQualifiedService
                span.attributes["rpc.method"] = method.method
                span.attributes["rpc.grpc.status_code"] = rpcError?.code.rawValue ?? 0
                if let rpcError { span.setStatus(.init(code: .error, message: "\(rpcError.code)")) }
            }
            span.end()
            return rpcError
        }

        // The transport's own limit resets the stream, which clients read as
        // UNAVAILABLE; checking here answers RESOURCE_EXHAUSTED instead. The
        // transport keeps a higher hard ceiling (see NomadApp).
        var request = request
        let limit = maxRequestBytes
        request.messages = RPCAsyncSequence(
            wrapping: request.messages.map { message in
                guard let proto = message as? any SwiftProtobuf.Message else { return message }
                if let size = try? (proto.serializedBytes() as [UInt8]).count, size > limit {
                    throw NomadError(
                        .resourceExhausted, zh: "请求消息过大（上限 \(limit) 字节）",
                        en: "The request message is too large (limit \(limit) bytes)")
                }
                try RequestScreen.check(proto)
                // Here, once for every RPC: a handler never sees a malformed
                // request_id. Whether one is needed at all is the mutation's
                // question (VerifyCard without a site records nothing).
                if let idempotent = proto as? any IdempotentRequest, !idempotent.requestID.isEmpty {
                    try Idempotency.validate(requestID: idempotent.requestID)
                }
                return message
            })

        var response: StreamingServerResponse<Output>
        do {
            if let health, !health.databaseReachable, method.service != Grpc_Health_V1_Health.descriptor {
                throw NomadError.unavailable
            }
            response = try await RequestContext.$current.withValue(requestContext) {
                try await InstrumentationContext.$current.withValue(traceContext) {
                    try await next(request, context)
                }
            }
        } catch {
            throw finish(error)!
        }
        switch response.accepted {
        case .failure(let error):
            let mapped = finish(error)!
            return StreamingServerResponse(error: mapped)
        case .success(var contents):
            contents.metadata.replaceOrAddString(requestContext.correlationID, forKey: "x-correlation-id")
            let producer = contents.producer
            contents.producer = { writer in
                do {
                    let trailers = try await RequestContext.$current.withValue(requestContext) {
                        try await InstrumentationContext.$current.withValue(traceContext) {
                            try await producer(writer)
                        }
                    }
                    _ = finish(nil)
                    return trailers
                } catch {
                    throw finish(error)!
                }
            }
            response.accepted = .success(contents)
            return response
        }
    }

    static func correlationID(from metadata: Metadata) -> String {
        if let given = metadata[stringValues: "x-correlation-id"].first(where: { _ in true }),
            (1...64).contains(given.utf8.count),
            given.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F })
        {
            return given
        }
        return UUID().uuidString.lowercased()
    }

    /// grpc-timeout: up to 8 digits and a unit (H, M, S, m, u, n).
    static func deadline(from metadata: Metadata, start: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        guard let value = metadata[stringValues: "grpc-timeout"].first(where: { _ in true }),
            (2...9).contains(value.count), let amount = Int64(value.dropLast()), amount >= 0
        else { return nil }
        let duration: Duration
        switch value.last {
        case "H": duration = .seconds(amount * 3600)
        case "M": duration = .seconds(amount * 60)
        case "S": duration = .seconds(amount)
        case "m": duration = .milliseconds(amount)
        case "u": duration = .microseconds(amount)
        case "n": duration = .nanoseconds(amount)
        default: return nil
        }
        return start + duration
    }

    static func rpcError(for error: any Error, language: Language, logger: Logger) -> RPCError {
        switch error {
        case let error as NomadError:
            return error.rpcError(language)
        case let error as RPCError:
            // The server wraps what an inner interceptor or handler threw in
            // an UNKNOWN error; map the original instead.
            if error.code == .unknown, let cause = error.cause {
                return rpcError(for: cause, language: language, logger: logger)
            }
            // Bytes that are not a message of the method's type (grpc-swift's
            // deserializer says so in English only).
            if error.code == .invalidArgument, error.cause is BinaryDecodingError {
                return NomadError.malformedMessage.rpcError(language)
            }
            return error
        case let error as any RPCErrorConvertible:
            return RPCError(error)
        case is TokenError:
            return NomadError.unauthenticated.rpcError(language)
        case is CancellationError:
            return RPCError(code: .cancelled, message: "cancelled")
        case is ConnectionPoolError:
            logger.error("database unavailable", metadata: ["error": "\(error)"])
            return NomadError.unavailable.rpcError(language)
        case let error as PSQLError where error.code != .server:
            logger.error("database unavailable", metadata: ["error": "\(error.code)"])
            return NomadError.unavailable.rpcError(language)
        case let error as PSQLError where error.isRefusedValue:
            // A value PostgreSQL refused (out of range, too long for an index)
            // that no check caught first: the caller's input, not our fault.
            // Logged so the missing check gets written.
            logger.warning("database refused a value", metadata: ["sqlstate": "\(error.sqlState ?? "-")"])
            return NomadError.valueOutOfRange.rpcError(language)
        default:
            logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            return NomadError.internalError.rpcError(language)
        }
    }
}

/// The counters and histogram of each (method, status code), made once: making
/// them per call went through the registry's lock and label handling every time.
final class CallMeters: Sendable {
    struct Meter: Sendable {
        let handled: Counter
        let errors: Counter?
        let latency: Metrics.Timer
    }

    private let meters = Mutex<[String: Meter]>([:])

    func meter(method: MethodDescriptor, code: String) -> Meter {
        let key = method.fullyQualifiedMethod + " " + code
        return meters.withLock { meters in
            if let meter = meters[key] { return meter }
            let dimensions = [("service", method.service.fullyQualifiedService), ("method", method.method)]
            let meter = Meter(
                handled: Counter(label: "grpc_server_handled_total", dimensions: dimensions + [("code", code)]),
                errors: code == "ok" ? nil : Counter(label: "grpc_server_errors_total", dimensions: dimensions + [("code", code)]),
                latency: Metrics.Timer(label: "grpc_server_handling_seconds", dimensions: dimensions))
            meters[key] = meter
            return meter
        }
    }

    func record(method: MethodDescriptor, code: RPCError.Code?, since started: ContinuousClock.Instant, logger: Logger) {
        let elapsed = ContinuousClock.now - started
        let codeName = code.map { "\($0)" } ?? "ok"
        let meter = meter(method: method, code: codeName)
        meter.handled.increment()
        meter.errors?.increment()
        meter.latency.recordNanoseconds(
            elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        let level: Logger.Level
        switch code {
        case nil: level = .debug
        case .internalError?, .unknown?, .dataLoss?: level = .error
        case .unavailable?: level = .warning
        default: level = .info
        }
        logger.log(
            level: level, "rpc",
            metadata: [
                "method": "\(method.fullyQualifiedMethod)",
                "code": "\(codeName)",
                "duration_ms": "\(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)",
            ])
    }
}
