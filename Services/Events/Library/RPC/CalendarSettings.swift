import Foundation
import NomadKit

/// What the calendar handlers need beyond the chassis: the ticket key,
/// identity's public keys for one-card QR codes, and the matchmaking cap.
struct CalendarSettings: Sendable {
    let tickets: TicketSigner
    /// Identity's verification keys (NOMAD_VERIFY_KEYS): one-card QR codes are signed with them.
    let cardKeys: KeyRing
    let maxOpenMeetingRequests: Int
}
