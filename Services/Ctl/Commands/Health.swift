import ArgumentParser
import Foundation
import GRPCCore
import NomadProtos

struct Health: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask a service grpc.health.v1.Health/Check; exit 0 when SERVING, 1 otherwise.")

    @Option(help: "The service's gRPC address.")
    var address: String = "127.0.0.1:50051"

    @Option(help: "The gRPC service to ask about (fully qualified); empty asks about the whole server.")
    var service: String = ""

    @Option(help: "Seconds to wait for the answer.")
    var timeout: Double = 5

    func run() async throws {
        let target = try HostPort(parsing: address)
        let label = service.isEmpty ? "\(target)" : "\(target) \(service)"
        do {
            let status = try await HealthProbe.check(target, service: service, timeout: .milliseconds(Int64(timeout * 1000)))
            emit("\(label): \(HealthProbe.name(status))")
            if status != .serving { throw ExitCode(1) }
        } catch let error as RPCError {
            emit("\(label): \(error.code): \(error.message)")
            throw ExitCode(1)
        }
    }
}
