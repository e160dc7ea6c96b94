import Foundation

/// A service's own environment variables, on top of the chassis' `NomadConfig`:
/// every service spells them `<Service>Settings.fromEnvironment()`.
public protocol ServiceSettings: Sendable {
    /// Reads the service's NOMAD_* variables; a bad value throws `ConfigError`.
    static func fromEnvironment(_ env: Environment) throws -> Self
    /// What an operator must hear at start although the service runs (an
    /// ephemeral key, a missing peer credential), one line each.
    func startupWarnings(config: NomadConfig) -> [String]
}

extension ServiceSettings {
    public func startupWarnings(config: NomadConfig) -> [String] { [] }
}

/// What a server executable needs of its service library, so that the five
/// `Server/main.swift` files differ only in the definition they name.
public protocol ServerDefinition {
    associatedtype Settings: ServiceSettings
    /// The service's name: its NOMAD_* defaults, its schema, its logs.
    static var serviceName: String { get }
    /// True only for identity, the one service that holds a signing key.
    static var signsTokens: Bool { get }
    static func make(settings: Settings) -> ServiceDefinition
}

extension ServerDefinition {
    public static var signsTokens: Bool { false }
}

/// The body of every service executable. Everything it reads is an environment
/// variable (see the README): a bad value exits 2 before anything starts;
/// SIGTERM/SIGINT drain and exit 0; a failure while serving exits 1.
public enum NomadServer {
    public static func run<Definition: ServerDefinition>(_ definition: Definition.Type) async -> Never {
        let program = "nomad-\(Definition.serviceName)"
        NomadRuntime.prepare()
        let app: NomadApp
        do {
            let config = try NomadConfig.fromEnvironment(service: Definition.serviceName, signs: Definition.signsTokens)
            let settings = try Definition.Settings.fromEnvironment(Environment())
            for warning in settings.startupWarnings(config: config) {
                standardError("\(program): warning: \(warning)")
            }
            app = try NomadApp(definition: Definition.make(settings: settings), config: config)
        } catch {
            standardError("\(program): configuration error: \(error)")
            exit(2)
        }
        do {
            try await app.run()
        } catch {
            standardError("\(program): stopped with error: \(error)")
            exit(1)
        }
        exit(0)
    }

    private static func standardError(_ line: String) {
        FileHandle.standardError.write(Data("\(line)\n".utf8))
    }
}
