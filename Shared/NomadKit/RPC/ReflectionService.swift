import Foundation
import GRPCCore
import NomadProtos
import SwiftProtobuf

/// gRPC server reflection (grpc.reflection.v1), so generic clients list and
/// call a service's methods without the .proto files. It answers from the
/// descriptor set generated with the code (`NomadDescriptorSet`), which the
/// drift check keeps equal to Protos/. Public, like health: the contract is
/// not a secret, and every call it describes still needs its token.
public struct ReflectionService: Grpc_Reflection_V1_ServerReflection.SimpleServiceProtocol {
    /// The descriptors, indexed once per process.
    struct Index: Sendable {
        var files: [String: Google_Protobuf_FileDescriptorProto] = [:]
        var serialized: [String: Data] = [:]
        /// Fully qualified symbol (service, method, message, enum) to its file.
        var symbols: [String: String] = [:]

        init(set: Google_Protobuf_FileDescriptorSet) throws {
            for file in set.file {
                files[file.name] = file
                serialized[file.name] = try file.serializedBytes()
                let prefix = file.package.isEmpty ? "" : file.package + "."
                for service in file.service {
                    symbols[prefix + service.name] = file.name
                    for method in service.method { symbols[prefix + service.name + "." + method.name] = file.name }
                }
                for message in file.messageType { index(message, prefix: prefix, file: file.name) }
                for enumeration in file.enumType { symbols[prefix + enumeration.name] = file.name }
            }
        }

        private mutating func index(_ message: Google_Protobuf_DescriptorProto, prefix: String, file: String) {
            let name = prefix + message.name
            symbols[name] = file
            for nested in message.nestedType { index(nested, prefix: name + ".", file: file) }
            for enumeration in message.enumType { symbols[name + "." + enumeration.name] = file }
        }

        /// The file and everything it imports, each once, the file first.
        func closure(of name: String) -> [Data] {
            var seen: Set<String> = []
            var order: [String] = []
            var pending = [name]
            while let next = pending.popLast() {
                guard seen.insert(next).inserted, let file = files[next] else { continue }
                order.append(next)
                pending.append(contentsOf: file.dependency.reversed())
            }
            return order.compactMap { serialized[$0] }
        }
    }

    static let index: Index = {
        // Generated with the code and checked for drift: failing here is a build defect.
        let data = Data(base64Encoded: NomadDescriptorSet.base64, options: .ignoreUnknownCharacters)!
        return try! Index(set: Google_Protobuf_FileDescriptorSet(serializedBytes: data))
    }()

    /// The services this server offers, health and reflection included.
    let serviceNames: [String]

    public init(serviceNames: [String]) {
        self.serviceNames = serviceNames
    }

    public func serverReflectionInfo(
        request: RPCAsyncSequence<Grpc_Reflection_V1_ServerReflectionRequest, any Error>,
        response: RPCWriter<Grpc_Reflection_V1_ServerReflectionResponse>,
        context: ServerContext
    ) async throws {
        for try await question in request {
            try await response.write(answer(question))
        }
    }

    func answer(_ question: Grpc_Reflection_V1_ServerReflectionRequest) -> Grpc_Reflection_V1_ServerReflectionResponse {
        let index = Self.index
        var answer = Grpc_Reflection_V1_ServerReflectionResponse.with {
            $0.validHost = question.host
            $0.originalRequest = question
        }
        func files(_ name: String?, missing: String) {
            if let name, index.files[name] != nil {
                answer.fileDescriptorResponse = .with { $0.fileDescriptorProto = index.closure(of: name) }
            } else {
                answer.errorResponse = .with {
                    $0.errorCode = Int32(RPCError.Code.notFound.rawValue)
                    $0.errorMessage = missing
                }
            }
        }
        switch question.messageRequest {
        case .listServices:
            answer.listServicesResponse = .with {
                $0.service = serviceNames.map { name in .with { $0.name = name } }
            }
        case .fileByFilename(let name):
            files(name, missing: "no file named \(name)")
        case .fileContainingSymbol(let symbol):
            let trimmed = symbol.hasPrefix(".") ? String(symbol.dropFirst()) : symbol
            files(index.symbols[trimmed], missing: "no symbol named \(symbol)")
        case .fileContainingExtension(let request):
            // The suite's contracts define no extensions.
            files(nil, missing: "no extension \(request.extensionNumber) of \(request.containingType)")
        case .allExtensionNumbersOfType(let type):
            if index.symbols[type] != nil {
                answer.allExtensionNumbersResponse = .with { $0.baseTypeName = type }
            } else {
                files(nil, missing: "no type named \(type)")
            }
        case nil:
            answer.errorResponse = .with {
                $0.errorCode = Int32(RPCError.Code.invalidArgument.rawValue)
                $0.errorMessage = "empty request"
            }
        }
        return answer
    }
}

/// The same reflection under its earlier v1alpha name, which some generic
/// clients still ask for. The messages are wire-identical, so each request
/// is re-read as v1, answered, and the answer re-read as v1alpha.
public struct ReflectionServiceV1Alpha: Grpc_Reflection_V1alpha_ServerReflection.SimpleServiceProtocol {
    let v1: ReflectionService

    public init(_ v1: ReflectionService) {
        self.v1 = v1
    }

    public func serverReflectionInfo(
        request: RPCAsyncSequence<Grpc_Reflection_V1alpha_ServerReflectionRequest, any Error>,
        response: RPCWriter<Grpc_Reflection_V1alpha_ServerReflectionResponse>,
        context: ServerContext
    ) async throws {
        for try await question in request {
            let asked = try Grpc_Reflection_V1_ServerReflectionRequest(serializedBytes: try question.serializedBytes() as [UInt8])
            let answer = v1.answer(asked)
            try await response.write(
                Grpc_Reflection_V1alpha_ServerReflectionResponse(serializedBytes: try answer.serializedBytes() as [UInt8]))
        }
    }
}
