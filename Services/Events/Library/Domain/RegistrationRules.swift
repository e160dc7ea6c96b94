import Foundation
import NomadKit

enum RegistrationStatus: Int16, Sendable {
    case confirmed = 1, waitlisted, cancelled
}

/// Who may register and when, and what a cancellation does to the queue.
enum RegistrationRules {
    /// Card numbers are digits and letters; kept short so a typo'd blob is refused.
    static func cardNumber(_ value: String) throws -> String? {
        let trimmed = try Validate.text(value, "card_number", max: 32, required: false)
        if trimmed.isEmpty { return nil }
        guard trimmed.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }) else {
            throw NomadError.invalid("card_number", zh: "只能包含字母和数字", en: "letters and digits only")
        }
        return trimmed
    }

    /// Registration is open while the event is published and before its close time.
    static func checkOpen(_ event: EventRecord, now: Date) throws {
        guard event.status == .published, now < event.closesAt else { throw CalendarErrors.registrationClosed }
    }

    /// A seat if one is free, else the waitlist.
    static func admits(_ event: EventRecord) -> RegistrationStatus {
        event.confirmed < event.capacity ? .confirmed : .waitlisted
    }

    /// Whether the event still hands freed seats to the waitlist.
    static func promotes(_ event: EventRecord) -> Bool {
        event.status == .published
    }
}
