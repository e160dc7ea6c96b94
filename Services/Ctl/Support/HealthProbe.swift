import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NomadProtos

/// Asks grpc.health.v1.Health/Check over plaintext HTTP/2.
enum HealthProbe {
    typealias Status = Grpc_Health_V1_HealthCheckResponse.ServingStatus

    /// One Check call with its own short-lived client. "" asks about the whole server.
    static func check(_ address: HostPort, service: String = "", timeout: Duration = .seconds(3)) async throws -> Status {
        try await withPlaintextClient(address) { client in
            var request = Grpc_Health_V1_HealthCheckRequest()
            request.service = service
            var options = CallOptions.defaults
            options.timeout = timeout
            let response = try await Grpc_Health_V1_Health.Client(wrapping: client).check(request, options: options)
            return response.status
        }
    }

    /// Retries `check` until SERVING, `timeout` passes, or `abandon()` says
    /// to stop (the child exited, Ctrl-C). Throws with the last answer.
    static func waitUntilServing(
        _ address: HostPort, service: String = "", timeout: Duration = .seconds(30),
        abandon: @Sendable () throws -> Void = {}
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        var last = "no answer"
        while true {
            try abandon()
            do {
                let status = try await check(address, service: service, timeout: .seconds(2))
                if status == .serving { return }
                last = "status \(name(status))"
            } catch let error as RPCError {
                last = "\(error.code): \(error.message)"
            } catch {
                last = "\(error)"
            }
            if ContinuousClock.now >= deadline {
                throw CtlError("\(address) did not report SERVING within \(timeout): \(last)")
            }
            try abandon()
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    static func name(_ status: Status) -> String {
        switch status {
        case .serving: return "SERVING"
        case .notServing: return "NOT_SERVING"
        case .serviceUnknown: return "SERVICE_UNKNOWN"
        case .unknown: return "UNKNOWN"
        case .UNRECOGNIZED(let value): return "UNRECOGNIZED(\(value))"
        }
    }
}

/// Runs `body` with a plaintext HTTP/2 client to `address`, then closes it.
func withPlaintextClient<Result: Sendable>(
    _ address: HostPort,
    serviceConfig: ServiceConfig = ServiceConfig(),
    _ body: (GRPCClient<HTTP2ClientTransport.Posix>) async throws -> Result
) async throws -> Result {
    let isIPv4 = address.host.allSatisfy { $0.isNumber || $0 == "." }
    let target: any ResolvableTarget =
        isIPv4
        ? ResolvableTargets.IPv4.ipv4(address: address.host, port: address.port)
        : ResolvableTargets.DNS.dns(host: address.host, port: address.port)
    let transport = try HTTP2ClientTransport.Posix(
        target: target, transportSecurity: .plaintext, serviceConfig: serviceConfig)
    return try await withGRPCClient(transport: transport) { client in
        try await body(client)
    }
}
