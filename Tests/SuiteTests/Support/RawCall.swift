import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2

/// A call of any method with request bytes made by hand, as a broken or
/// hostile client would send them: no generated stub stands between the
/// bytes and the server.
enum RawCall {
    struct Bytes: MessageSerializer, MessageDeserializer {
        func serialize<Output: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Output { Output(message) }
        func deserialize<Input: GRPCContiguousBytes>(_ serializedMessageBytes: Input) throws -> [UInt8] {
            serializedMessageBytes.withUnsafeBytes { Array($0) }
        }
    }

    /// Sends `messages` (one for a unary method) and reads every response
    /// message; throws the status when it is not OK.
    static func send(
        _ messages: [[UInt8]], to method: MethodDescriptor, on client: GRPCClient<HTTP2ClientTransport.Posix>,
        metadata: Metadata
    ) async throws {
        var options = CallOptions.defaults
        options.timeout = .seconds(30)
        let request = StreamingClientRequest<[UInt8]>(metadata: metadata) { writer in
            for message in messages { try await writer.write(message) }
        }
        try await client.bidirectionalStreaming(
            request: request, descriptor: method, serializer: Bytes(), deserializer: Bytes(), options: options
        ) { response in
            for try await _ in response.messages {}
        }
    }
}
