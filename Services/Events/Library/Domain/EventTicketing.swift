import Foundation
import NomadKit

/// The claims of an event ticket: a compact JWS a gate verifies offline with
/// the keys GetTicketKeys publishes, and online with VerifyTicket.
struct TicketClaims: Codable, Sendable, Equatable {
    /// Ticket id.
    var tid: String
    /// Event id.
    var evt: String
    /// Registration id.
    var reg: String
    /// Attendee account id.
    var sub: String
    /// base64url of the keyed hash of the one-card the attendee registered
    /// with (their own, checked then), never the number: the ticket is bound
    /// to that card. A gate offline matches the card QR's `sub` to this
    /// ticket's `sub` (a card has one holder); events' CheckIn also compares
    /// the card itself by this hash. Tickets signed before numbers were hashed
    /// carried `card`; decoding ignores it.
    var cdh: String?
    var iat: Int64
    var exp: Int64
}

/// Signs and verifies tickets with the events service's own Ed25519 key
/// (NOMAD_EVENTS_TICKET_KEY), kept apart from identity's token key so a
/// leaked gate key cannot mint access tokens and the reverse.
struct TicketSigner: Sendable {
    static let type = "event-ticket"
    /// Tickets stay valid this long after the event ends (late check-outs, audits).
    static let graceAfterEnd: TimeInterval = 24 * 3600

    let key: SigningKey
    /// Earlier keys' public halves, still accepted during a rotation so
    /// tickets issued weeks ahead keep working (NOMAD_EVENTS_TICKET_VERIFY_KEYS).
    let previous: [VerificationKey]

    init(key: SigningKey, previous: [VerificationKey] = []) {
        self.key = key
        self.previous = previous.filter { $0.keyID != key.keyID }
    }

    /// What gates verify with: the current key first, then the earlier ones.
    var publicKeys: [VerificationKey] { [key.verificationKey] + previous }

    var ring: KeyRing { KeyRing(signingKey: nil, verificationKeys: publicKeys) }

    func sign(_ claims: TicketClaims) throws -> String {
        try JWS.sign(claims, type: Self.type, with: key)
    }

    func verify(_ token: String, now: Date = Date()) throws(TokenError) -> TicketClaims {
        let claims: TicketClaims = try JWS.verify(token, type: Self.type, keys: ring)
        guard Double(claims.exp) > now.timeIntervalSince1970 else { throw .expired }
        return claims
    }

    static func expiry(eventEnd: Date) -> Date {
        eventEnd.addingTimeInterval(graceAfterEnd)
    }

    /// A ticket for the registration, valid until `graceAfterEnd` after the
    /// event's end.
    func ticket(
        id: UUID, eventID: UUID, registrationID: UUID, attendeeID: UUID, cardHash: Data?, eventEnd: Date, now: Date
    ) throws -> SignedTicket {
        let expires = Self.expiry(eventEnd: eventEnd)
        let token = try sign(
            TicketClaims(
                tid: id.text, evt: eventID.text, reg: registrationID.text, sub: attendeeID.text, cdh: cardHash.map(Base64URL.encode),
                iat: Int64(now.timeIntervalSince1970), exp: Int64(expires.timeIntervalSince1970)))
        return SignedTicket(id: id, token: token, expires: expires, eventEnd: eventEnd)
    }
}

/// A ticket signed and not yet stored.
struct SignedTicket: Sendable {
    var id: UUID
    var token: String
    var expires: Date
    /// The event end it was signed for.
    var eventEnd: Date

    var eventEndMicros: Int64 { Int64((eventEnd.timeIntervalSince1970 * 1_000_000).rounded()) }
}

/// The day bounds of the zone (Asia/Shanghai) a schedule is asked for.
enum ZoneDayBounds {
    static func range(_ day: ZoneDay) -> (start: Date, end: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = ZoneDay.zone
        let start = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))!
        return (start, calendar.date(byAdding: .day, value: 1, to: start)!)
    }
}
