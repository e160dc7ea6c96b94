import Foundation
import NomadKit
import NomadTesting
import Testing

/// How a service learns it should relay, and what it refuses at start.
@Suite struct RelayConfigTests {
    let key = SigningKey.generate(keyID: "cfg-service")

    @Test func noAddressMeansNoRelay() throws {
        let config = try NomadConfig.fromEnvironment(service: "jobs", Environment([:]))
        #expect(config.analyticsAddress == nil)
        #expect(config.serviceTokens == nil)
    }

    @Test func addressAndKeyAreRead() throws {
        let config = try NomadConfig.fromEnvironment(
            service: "jobs",
            Environment([
                "NOMAD_ANALYTICS_ADDRESS": "analytics.internal:50055", "NOMAD_SERVICE_TOKEN_KEY": key.encoded,
            ]))
        #expect(config.analyticsAddress == "analytics.internal:50055")
        #expect(config.serviceTokenKey?.keyID == "cfg-service")
        #expect(config.relay.maxBackoff == .seconds(30))
        #expect(config.analyticsCAFile == nil)
    }

    @Test func backoffCapAndCAFileAreRead() throws {
        let config = try NomadConfig.fromEnvironment(
            service: "jobs",
            Environment([
                "NOMAD_ANALYTICS_ADDRESS": "analytics.internal:50055", "NOMAD_SERVICE_TOKEN_KEY": key.encoded,
                "NOMAD_RELAY_MAX_BACKOFF_SECONDS": "2.5", "NOMAD_ANALYTICS_CA_FILE": "/etc/nomad/analytics-ca.pem",
            ]))
        #expect(config.relay.maxBackoff == .milliseconds(2500))
        #expect(config.analyticsCAFile == "/etc/nomad/analytics-ca.pem")
        #expect(throws: ConfigError.self) {
            try NomadConfig.fromEnvironment(service: "jobs", Environment(["NOMAD_RELAY_MAX_BACKOFF_SECONDS": "0.01"]))
        }
    }

    @Test func anAddressWithoutAKeyOrABadKeyIsRefused() {
        #expect(throws: ConfigError.self) {
            try NomadConfig.fromEnvironment(service: "jobs", Environment(["NOMAD_ANALYTICS_ADDRESS": "127.0.0.1:50055"]))
        }
        #expect(throws: ConfigError.self) {
            try NomadConfig.fromEnvironment(service: "jobs", Environment(["NOMAD_SERVICE_TOKEN_KEY": "nonsense"]))
        }
    }

    @Test func aBadAddressIsRefusedBeforeStart() throws {
        let config = try NomadConfig.fromEnvironment(
            service: "jobs",
            Environment([
                "NOMAD_ANALYTICS_ADDRESS": "no-port", "NOMAD_SERVICE_TOKEN_KEY": key.encoded,
            ]))
        #expect(throws: ConfigError.self) {
            _ = try NomadApp(definition: ProducerService.definition, config: config, signals: [])
        }
    }
}
