import Foundation
@testable import Events
import NomadKit
import Testing

/// The calendar's own variables, as the executable reads them.
@Suite struct CalendarConfigTests {
    @Test func theTicketKeyIsReadOrMadeEphemeralAndABadOneIsRefused() throws {
        let key = SigningKey.generate(keyID: "events-2026-11")
        let given = try EventsSettings.ticketKey(Environment(["NOMAD_EVENTS_TICKET_KEY": key.encoded]))
        #expect(given.key.encoded == key.encoded && !given.ephemeral)
        let missing = try EventsSettings.ticketKey(Environment([:]))
        #expect(missing.ephemeral && missing.key.keyID.hasPrefix("events-ephemeral-"))
        #expect(throws: (any Error).self) {
            _ = try EventsSettings.ticketKey(Environment(["NOMAD_EVENTS_TICKET_KEY": "not-a-key"]))
        }
    }

    @Test func previousKeysAndTheMeetingCapParse() throws {
        let a = SigningKey.generate(keyID: "a").verificationKey, b = SigningKey.generate(keyID: "b").verificationKey
        let keys = try EventsSettings.previousTicketKeys(
            Environment(["NOMAD_EVENTS_TICKET_VERIFY_KEYS": "\(a.encoded), \(b.encoded)"]))
        #expect(keys.map(\.keyID) == ["a", "b"])
        #expect(try EventsSettings.previousTicketKeys(Environment([:])).isEmpty)
        #expect(throws: (any Error).self) {
            _ = try EventsSettings.previousTicketKeys(Environment(["NOMAD_EVENTS_TICKET_VERIFY_KEYS": "x:y"]))
        }
        #expect(try EventsSettings.maxOpenMeetingRequests(Environment([:])) == 5)
        #expect(try EventsSettings.maxOpenMeetingRequests(Environment(["NOMAD_EVENTS_MAX_OPEN_MEETING_REQUESTS": "8"])) == 8)
        #expect(throws: (any Error).self) {
            _ = try EventsSettings.maxOpenMeetingRequests(Environment(["NOMAD_EVENTS_MAX_OPEN_MEETING_REQUESTS": "0"]))
        }
    }
}
