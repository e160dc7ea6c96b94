import GRPCCore
import Testing

/// Runs `body`, expects it to fail with `code`, and returns the message.
@discardableResult
public func expectRPCError(
    _ code: RPCError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async -> String? {
    do {
        try await body()
        Issue.record("expected \(code), but the call succeeded", sourceLocation: sourceLocation)
        return nil
    } catch let error as RPCError {
        #expect(error.code == code, "\(error.message)", sourceLocation: sourceLocation)
        return error.message
    } catch {
        Issue.record("expected RPCError \(code), got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// As `expectRPCError`, and the message (in the language the call asked
/// for) must say `words`.
public func expectRPCError(
    _ code: RPCError.Code, containing words: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async {
    let message = await expectRPCError(code, sourceLocation: sourceLocation, body)
    #expect(message?.contains(words) == true, "\(message ?? "no message") does not say \(words)", sourceLocation: sourceLocation)
}

/// Runs every call at once and returns their outcomes in completion order:
/// nil for a success, else the gRPC status code (UNKNOWN for anything else).
public func concurrentOutcomes(_ calls: [@Sendable () async throws -> Void]) async -> [RPCError.Code?] {
    await withTaskGroup(of: RPCError.Code?.self) { group in
        for call in calls {
            group.addTask {
                do {
                    try await call()
                    return nil
                } catch let error as RPCError {
                    return error.code
                } catch {
                    return .unknown
                }
            }
        }
        var outcomes: [RPCError.Code?] = []
        for await outcome in group { outcomes.append(outcome) }
        return outcomes
    }
}
