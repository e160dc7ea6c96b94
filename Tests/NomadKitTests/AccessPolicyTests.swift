import GRPCCore
import NomadKit
import NomadProtos
import Testing

/// A service's policy merged from its areas' rules, apart from any service.
@Suite struct AccessPolicyTests {
    let echo = Nomad_Bench_V1_EchoService.Method.Echo.descriptor
    let other = MethodDescriptor(fullyQualifiedService: "nomad.test.v1.TestService", method: "Other")

    @Test func areasMergeIntoOnePolicyAndAMethodRuledTwiceIsKept() {
        let merged = AccessPolicy(areas: [[echo: .open], [other: .roles([.admin])]])
        #expect(merged.rules == [echo: .open, other: .roles([.admin])])
        #expect(merged.duplicates.isEmpty)

        let twice = AccessPolicy(areas: [[echo: .open], [echo: .roles([.admin]), other: .open]])
        #expect(twice.duplicates == [echo])
    }

    @Test func aServiceWhosePolicyRulesAMethodTwiceDoesNotStart() throws {
        let definition = ServiceDefinition(
            name: "echotest", migrations: [],
            policy: AccessPolicy(areas: [[echo: .roles([.nomad])], [echo: .open]]),
            grpcServiceNames: [Nomad_Bench_V1_EchoService.descriptor.fullyQualifiedService],
            makeServices: { _ in [] })
        let config = try NomadConfig.fromEnvironment(service: "echotest", Environment([:]))
        #expect(throws: ConfigError.self) {
            _ = try NomadApp(definition: definition, config: config, signals: [])
        }
    }
}
