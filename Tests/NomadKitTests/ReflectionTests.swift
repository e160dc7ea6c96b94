import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// gRPC server reflection as generic clients use it, over a real stream, and
/// the descriptors it serves compared with what protoc makes of Protos/ now.
@Suite struct ReflectionTests {
    typealias Request = Grpc_Reflection_V1_ServerReflectionRequest
    typealias Response = Grpc_Reflection_V1_ServerReflectionResponse

    /// Asks every question on one stream, as grpcurl does, and returns the answers in order.
    func ask(_ app: TestApp, _ questions: [Request]) async throws -> [Response] {
        let client = Grpc_Reflection_V1_ServerReflection.Client(wrapping: app.client)
        return try await client.serverReflectionInfo { writer in
            try await writer.write(contentsOf: questions)
        } onResponse: { response in
            var answers: [Response] = []
            for try await answer in response.messages { answers.append(answer) }
            return answers
        }
    }

    /// protoc's own descriptor set of Protos/, made for this run.
    func protocDescriptors() throws -> [String: Google_Protobuf_FileDescriptorProto] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let protos = root.appendingPathComponent("Protos").path
        let output = NSTemporaryDirectory() + "nomad-descriptors-\(UUID().uuidString).bin"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let files = try FileManager.default.subpathsOfDirectory(atPath: protos).filter { $0.hasSuffix(".proto") }.sorted()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["protoc", "-I", protos, "--include_imports", "--descriptor_set_out=\(output)"] + files
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "protoc failed (apt-get install protobuf-compiler)")
        let set = try Google_Protobuf_FileDescriptorSet(serializedBytes: try Data(contentsOf: URL(fileURLWithPath: output)))
        return Dictionary(uniqueKeysWithValues: set.file.map { ($0.name, $0) })
    }

    @Test func listsServicesAndServesDescriptorsEqualToProtos() async throws {
        let expected = try protocDescriptors()
        // Every service of the suite, as the contracts in Protos/ define them.
        let services = expected.values.flatMap { file in file.service.map { "\(file.package).\($0.name)" } }.sorted()
        #expect(services.contains("nomad.jobs.v1.JobsService") && services.contains("nomad.analytics.v1.AnalyticsService"))
        try await withTestApp(EchoTestService.definition) { app in
            var questions: [Request] = [.with { $0.listServices = "*" }]
            questions += services.map { name in .with { $0.fileContainingSymbol = name } }
            questions.append(.with { $0.fileContainingSymbol = "nomad.jobs.v1.JobsService.ClaimJob" })
            questions.append(.with { $0.fileContainingSymbol = "nomad.no.such.Thing" })
            let answers = try await ask(app, questions)
            #expect(answers.count == questions.count)

            let listed = answers[0].listServicesResponse.service.map(\.name)
            #expect(
                Set(listed) == [
                    "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection",
                    "nomad.bench.v1.EchoService",
                ])

            for (name, answer) in zip(services, answers.dropFirst()) {
                let files = try answer.fileDescriptorResponse.fileDescriptorProto.map {
                    try Google_Protobuf_FileDescriptorProto(serializedBytes: $0)
                }
                // The defining file first, then what it imports, each equal to protoc's.
                let first = try #require(files.first, "no descriptor for \(name)")
                #expect(first.service.contains { "\(first.package).\($0.name)" == name })
                for file in files { #expect(file == expected[file.name], "\(file.name) differs from Protos/") }
                let imports = Set(files.dropFirst().map(\.name))
                #expect(Set(first.dependency).isSubset(of: imports))
            }
            let method = answers[answers.count - 2].fileDescriptorResponse.fileDescriptorProto.first
            #expect(try method.map { try Google_Protobuf_FileDescriptorProto(serializedBytes: $0).name } == "nomad/jobs/v1/jobs.proto")
            #expect(answers.last?.errorResponse.errorCode == Int32(RPCError.Code.notFound.rawValue))
        }
    }

    @Test func reflectionNeedsNoTokenAndNothingElseOpensUp() async throws {
        try await withTestApp(EchoTestService.definition) { app in
            // No metadata at all: reflection answers...
            let answers = try await ask(app, [.with { $0.fileByFilename = "nomad/bench/v1/echo.proto" }])
            #expect(answers.first?.fileDescriptorResponse.fileDescriptorProto.isEmpty == false)
            // ...while the service it describes still wants a token.
            let echo = Nomad_Bench_V1_EchoService.Client(wrapping: app.client)
            await expectRPCError(.unauthenticated) { _ = try await echo.echo(.with { $0.text = "x" }) }
        }
    }
}
