import Foundation
import GRPCCore
import GRPCProtobuf
import NomadProtos

/// The real gRPC calls around the h2load runs: a fresh nomad, its token, and
/// the checks that the measured calls answer grpc-status OK.
enum BenchClient {
    struct Nomad: Sendable {
        let username: String
        let accountID: String
        let accessToken: String
        /// For signing in to the portal as this nomad.
        let password: String
    }

    /// RegisterNomad (passport, nationality DE) then Login, the way a nomad would.
    static func registerNomad(at address: HostPort) async throws -> Nomad {
        let username = "bench-" + randomToken(length: 10).lowercased()
        let password = randomToken(length: 20)
        return try await withPlaintextClient(address) { client in
            let identity = Nomad_Identity_V1_IdentityService.Client(wrapping: client)
            var options = CallOptions.defaults
            options.timeout = .seconds(30)

            var register = Nomad_Identity_V1_RegisterNomadRequest()
            register.requestID = UUID().uuidString.lowercased()
            register.username = username
            register.password = password
            register.displayName = "Bench Nomad"
            register.nationality = "DE"
            register.documentType = .passport
            register.documentNumber = "C" + String(UInt32.random(in: 10_000_000...99_999_999))
            register.languages = ["en", "de"]
            let account = try await identity.registerNomad(register, options: options)

            var login = Nomad_Identity_V1_LoginRequest()
            login.username = username
            login.password = password
            let tokens = try await identity.login(login, options: options)
            return Nomad(username: username, accountID: account.id, accessToken: tokens.accessToken, password: password)
        }
    }

    /// GetAccount with the nomad's token must return OK and their own account.
    static func checkGetAccount(at address: HostPort, nomad: Nomad) async throws {
        try await withPlaintextClient(address) { client in
            var options = CallOptions.defaults
            options.timeout = .seconds(10)
            let account = try await Nomad_Identity_V1_IdentityService.Client(wrapping: client).getAccount(
                Nomad_Identity_V1_GetAccountRequest(),
                metadata: ["authorization": "Bearer \(nomad.accessToken)"], options: options)
            guard account.id == nomad.accountID, account.username == nomad.username else {
                throw CtlError("GetAccount returned account \(account.username) (\(account.id)), not \(nomad.username)")
            }
        }
    }

    /// One Echo call; retried until the server answers OK or `timeout` passes.
    static func waitForEcho(at address: HostPort, timeout: Duration, abandon: @Sendable () throws -> Void) async throws {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            try abandon()
            do {
                try await withPlaintextClient(address) { client in
                    var request = Nomad_Bench_V1_EchoRequest()
                    request.text = "ping"
                    var options = CallOptions.defaults
                    options.timeout = .seconds(2)
                    let response = try await Nomad_Bench_V1_EchoService.Client(wrapping: client).echo(request, options: options)
                    guard response.text == "ping" else { throw CtlError("echo answered \(response.text)") }
                }
                return
            } catch {
                last = "\(error)"
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw CtlError("the echo server on \(address) did not answer within \(timeout): \(last)")
    }

    /// The h2load request bodies: each message as one gRPC frame.
    static func getAccountBody() throws -> [UInt8] {
        grpcFrame(try ProtobufSerializer<Nomad_Identity_V1_GetAccountRequest>().serialize(Nomad_Identity_V1_GetAccountRequest()))
    }

    static func getPublicKeysBody() throws -> [UInt8] {
        grpcFrame(try ProtobufSerializer<Nomad_Identity_V1_GetPublicKeysRequest>().serialize(Nomad_Identity_V1_GetPublicKeysRequest()))
    }

    static func echoBody(_ text: String) throws -> [UInt8] {
        var request = Nomad_Bench_V1_EchoRequest()
        request.text = text
        return grpcFrame(try ProtobufSerializer<Nomad_Bench_V1_EchoRequest>().serialize(request))
    }

    /// `grpc_server_handled_total` for one method from a Prometheus text page,
    /// by status code ("ok", "unauthenticated", ...).
    static func handledCounts(metricsURL: String, method: String) async -> [String: Double]? {
        guard let data = await LoopbackHTTP.get(metricsURL) else { return nil }
        var counts: [String: Double] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n")
        where line.hasPrefix("grpc_server_handled_total{") && line.contains("method=\"\(method)\"") {
            guard let codeRange = line.range(of: "code=\""),
                let end = line[codeRange.upperBound...].firstIndex(of: "\""),
                let value = line.split(separator: " ").last.flatMap({ Double($0) })
            else { continue }
            counts[String(line[codeRange.upperBound..<end]), default: 0] += value
        }
        return counts
    }
}
