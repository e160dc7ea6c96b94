import Foundation
import NomadKit

/// Events' own settings, on top of the chassis' NomadConfig.
public struct EventsSettings: ServiceSettings {
    public var ticketKey: SigningKey
    /// True when no key was configured and `ticketKey` is a fresh one.
    public var ticketKeyIsEphemeral: Bool
    public var previousTicketKeys: [VerificationKey]
    public var maxOpenMeetingRequests: Int

    public static func fromEnvironment(_ env: Environment = Environment()) throws -> EventsSettings {
        let ticketKey = try ticketKey(env)
        return EventsSettings(
            ticketKey: ticketKey.key, ticketKeyIsEphemeral: ticketKey.ephemeral,
            previousTicketKeys: try previousTicketKeys(env), maxOpenMeetingRequests: try maxOpenMeetingRequests(env))
    }

    public func startupWarnings(config: NomadConfig) -> [String] {
        ticketKeyIsEphemeral
            ? ["NOMAD_EVENTS_TICKET_KEY is not set; tickets are signed with an ephemeral key and stop verifying after a restart"]
            : []
    }

    /// NOMAD_EVENTS_TICKET_KEY ("kid:base64url(32-byte Ed25519 seed)", or
    /// NOMAD_EVENTS_TICKET_KEY_FILE). Absent, a fresh key per start: fine for a
    /// local run, and tickets issued before a restart stop verifying, which is
    /// the safe failure. `ephemeral` tells the caller to warn.
    public static func ticketKey(_ env: Environment = Environment()) throws -> (key: SigningKey, ephemeral: Bool) {
        guard let encoded = try env.secret("NOMAD_EVENTS_TICKET_KEY") else {
            return (SigningKey.generate(keyID: "events-ephemeral-\(UUID().uuidString.prefix(8).lowercased())"), true)
        }
        do {
            return (try SigningKey(encoded: encoded), false)
        } catch {
            throw ConfigError.invalid("NOMAD_EVENTS_TICKET_KEY", "expected kid:base64url(32-byte Ed25519 seed)")
        }
    }

    /// NOMAD_EVENTS_TICKET_VERIFY_KEYS: comma-separated "kid:base64url(public
    /// key)" of earlier ticket keys, accepted and published until their
    /// tickets have expired.
    public static func previousTicketKeys(_ env: Environment = Environment()) throws -> [VerificationKey] {
        try (env.optionalString("NOMAD_EVENTS_TICKET_VERIFY_KEYS") ?? "").split(separator: ",").map { entry in
            do {
                return try VerificationKey(encoded: entry.trimmingCharacters(in: .whitespaces))
            } catch {
                throw ConfigError.invalid(
                    "NOMAD_EVENTS_TICKET_VERIFY_KEYS", "expected kid:base64url(32-byte Ed25519 public key), comma-separated")
            }
        }
    }

    /// NOMAD_EVENTS_MAX_OPEN_MEETING_REQUESTS: pending matchmaking requests a
    /// participant may have per event (default 5).
    public static func maxOpenMeetingRequests(_ env: Environment = Environment()) throws -> Int {
        let value = try env.int("NOMAD_EVENTS_MAX_OPEN_MEETING_REQUESTS", default: 5)
        guard value >= 1 else { throw ConfigError.invalid("NOMAD_EVENTS_MAX_OPEN_MEETING_REQUESTS", "at least 1") }
        return value
    }
}
