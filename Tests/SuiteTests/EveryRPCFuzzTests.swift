import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import NomadTesting
import PropertyBased
import SwiftProtobuf
import Synchronization
import Testing

/// Every RPC of every service, called as every role with generated messages
/// (see WireFuzzer), against the five services as real processes: no answer
/// may be UNKNOWN or INTERNAL, and no process may die. The callers are real
/// accounts with identity's own Login tokens, so the calls get past the
/// chassis into the handlers, where conversions of request values live.
@Suite struct EveryRPCFuzzTests {
    /// Calls per method and run; NOMAD_FUZZ_CALLS_PER_METHOD raises it for a longer hunt.
    static let callsPerMethod = ProcessInfo.processInfo.environment["NOMAD_FUZZ_CALLS_PER_METHOD"].flatMap(Int.init) ?? 40

    @Test func noGeneratedMessageCrashesAServiceOrAnswersInternal() async throws {
        try await WholeSuite.run(WholeSuite.withBootstrapAdmin) { suite in
            let callers = try await Self.callers(suite)
            let contract = Contract.zone
            let fuzzer = WireFuzzer(contract: contract, knownIDs: callers.compactMap(\.id))
            #expect(contract.methods.count > 150, "the descriptor set lists every RPC")
            let calls = CallCount()

            try await withThrowingTaskGroup(of: Void.self) { group in
                var pending = contract.methods[...]
                // A few methods at a time keeps every service busy without
                // turning the run into a load test on two cores.
                for _ in 0..<6 {
                    guard let method = pending.popFirst() else { break }
                    group.addTask { await Self.fuzz(method, suite: suite, fuzzer: fuzzer, callers: callers, calls: calls) }
                }
                while try await group.next() != nil {
                    guard let method = pending.popFirst() else { continue }
                    group.addTask { await Self.fuzz(method, suite: suite, fuzzer: fuzzer, callers: callers, calls: calls) }
                }
            }

            let total = calls.value.withLock { $0 }
            let codes = calls.codes.withLock { $0 }.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }
            print("EveryRPCFuzzTests: \(total) generated calls over \(contract.methods.count) methods: \(codes.joined(separator: ", "))")
            #expect(total >= contract.methods.count * Self.callsPerMethod)
            for service in WholeSuite.services {
                #expect(suite[service].isRunning, "\(service) is still running")
                #expect(await WholeSuite.health(suite[service]) == .serving, "\(service) still SERVING")
            }
        }
    }

    /// Calls made and the status of each, for the run's summary line.
    final class CallCount: Sendable {
        let value = Mutex(0)
        let codes = Mutex<[String: Int]>([:])
    }

    struct Caller: Sendable {
        let name: String
        let id: String?
        let metadata: Metadata
    }

    /// Real accounts through identity's RPCs: the admin, officers of the
    /// departments that decide things, a foreign nomad, an enterprise; plus a
    /// relay's service token and no token at all.
    static func callers(_ suite: ServiceSuite) async throws -> [Caller] {
        let identity = IdentityClient(wrapping: try suite["identity"].client)
        let tag = UUID().uuidString.prefix(6).lowercased()
        let admin = try await WholeSuite.admin(identity)
        var callers = [Caller(name: "admin", id: admin.id, metadata: admin.metadata)]
        for department in [
            "talent", "exit_entry", "commerce", "data", "science_industry", "community", "finance", "culture_tourism",
            "investment_promotion", "tax",
        ] {
            let username = "fuzz-\(department)-\(tag)"
            _ = try await identity.createOfficer(
                .with {
                    $0.requestID = UUID().text
                    $0.username = username
                    $0.password = ScenarioIdentity.password
                    $0.displayName = "Officer \(department)"
                    $0.department = department
                }, metadata: admin.metadata)
            let officer = try await ScenarioIdentity.login(identity, username: username, password: ScenarioIdentity.password)
            callers.append(Caller(name: "officer(\(department))", id: officer.id, metadata: officer.metadata))
        }
        _ = try await ScenarioIdentity.registerNomad(identity, username: "fuzz-nomad-\(tag)", nationality: "DE")
        let nomad = try await ScenarioIdentity.login(identity, username: "fuzz-nomad-\(tag)", password: ScenarioIdentity.password)
        callers.append(Caller(name: "nomad", id: nomad.id, metadata: nomad.metadata(language: "zh-CN")))
        _ = try await ScenarioIdentity.registerEnterprise(identity, username: "fuzz-ent-\(tag)", serial: 11)
        let enterprise = try await ScenarioIdentity.login(identity, username: "fuzz-ent-\(tag)", password: ScenarioIdentity.password)
        callers.append(Caller(name: "enterprise", id: enterprise.id, metadata: enterprise.metadata))
        callers.append(Caller(name: "relay", id: nil, metadata: callMetadata(token: try WholeSuite.relayToken())))
        callers.append(Caller(name: "poller", id: nil, metadata: callMetadata(token: try WholeSuite.pollerToken())))
        callers.append(Caller(name: "anonymous", id: nil, metadata: callMetadata(language: "ar")))
        return callers
    }

    static func fuzz(
        _ method: Contract.Method, suite: ServiceSuite, fuzzer: WireFuzzer, callers: [Caller],
        calls: CallCount
    ) async {
        let service = WholeSuite.service(for: method.service)
        let descriptor = MethodDescriptor(fullyQualifiedService: method.service, method: method.name)
        let generator = Generator { rng -> (Int, [[UInt8]]) in
            let caller = Int.random(in: 0..<callers.count, using: &rng)
            let count = method.clientStreaming ? Int.random(in: 0...3, using: &rng) : 1
            return (caller, (0..<count).map { _ in fuzzer.message(method.inputType, using: &rng) })
        }
        await propertyCheck(count: callsPerMethod, input: generator) { input in
            let (index, messages) = input
            let caller = callers[index]
            calls.value.withLock { $0 += 1 }
            let code: RPCError.Code?
            var message = ""
            do {
                try await RawCall.send(messages, to: descriptor, on: try suite[service].client, metadata: caller.metadata)
                code = nil
            } catch let error as RPCError {
                code = error.code
                message = error.message
            } catch {
                code = .unknown
                message = "\(error)"
            }
            calls.codes.withLock { $0[code.map { "\($0)" } ?? "ok", default: 0] += 1 }
            let processDied = !suite[service].isRunning
            #expect(
                !processDied && code != .unknown && code != .internalError,
                "\(method.service)/\(method.name) as \(caller.name): \(processDied ? "the \(service) process died; " : "")\(code.map { "\($0)" } ?? "OK") \(message)"
            )
        }
    }
}
