import Foundation

public enum ConfigError: Error, CustomStringConvertible, Sendable {
    case invalid(String, String)

    public var description: String {
        switch self {
        case .invalid(let name, let why): return "configuration \(name): \(why)"
        }
    }
}

/// Reads typed settings from environment variables. Every variable the suite
/// reads goes through here, so the README's table and the code agree.
public struct Environment: Sendable {
    public let values: [String: String]

    public init(_ values: [String: String] = ProcessInfo.processInfo.environment) {
        self.values = values
    }

    public func string(_ name: String, default fallback: String) -> String {
        optionalString(name) ?? fallback
    }

    public func optionalString(_ name: String) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    public func int(_ name: String, default fallback: Int) throws -> Int {
        guard let raw = optionalString(name) else { return fallback }
        guard let value = Int(raw) else { throw ConfigError.invalid(name, "not an integer: \(raw)") }
        return value
    }

    public func seconds(_ name: String, default fallback: Double) throws -> Double {
        guard let raw = optionalString(name) else { return fallback }
        guard let value = Double(raw), value >= 0 else { throw ConfigError.invalid(name, "not a number of seconds: \(raw)") }
        return value
    }

    /// A secret given inline or, preferably in containers, as NAME_FILE.
    public func secret(_ name: String) throws -> String? {
        if let path = optionalString(name + "_FILE") {
            do {
                return try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            } catch {
                throw ConfigError.invalid(name + "_FILE", "cannot read \(path)")
            }
        }
        return optionalString(name)
    }
}
