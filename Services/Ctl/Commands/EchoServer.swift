import ArgumentParser
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NomadKit
import NomadProtos

/// The baseline for `bench`: grpc-swift-2 over HTTP/2 with nothing else, no
/// interceptors, no database, plaintext on loopback.
struct EchoServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "echo-server",
        abstract: "Serve nomad.bench.v1.EchoService/Echo bare (the baseline `bench` compares against).")

    @Option(help: "TCP port on 127.0.0.1 (0 picks a free one and prints it).")
    var port: Int

    func run() async throws {
        // The baseline runs on the same executor as the service it is compared with.
        NomadRuntime.prepare()
        let signals = SignalWatcher()
        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: "127.0.0.1", port: port), transportSecurity: .plaintext)
        let server = GRPCServer(transport: transport, services: [EchoHandler()])
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await server.serve() }
            if let bound = try await server.listeningAddress?.ipv4 {
                say("echo-server listening on 127.0.0.1:\(bound.port)")
            }
            group.addTask {
                while signals.received == nil, !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(100))
                }
                server.beginGracefulShutdown()
            }
        }
    }
}

struct EchoHandler: Nomad_Bench_V1_EchoService.SimpleServiceProtocol {
    func echo(request: Nomad_Bench_V1_EchoRequest, context: ServerContext) async throws -> Nomad_Bench_V1_EchoResponse {
        var response = Nomad_Bench_V1_EchoResponse()
        response.text = request.text
        return response
    }
}
