import Foundation
import GRPCCore
import NomadKit

enum RegistrationStatus: Int16, Sendable {
    case confirmed = 1, waitlisted, cancelled
}

/// Who may register and when, and what a cancellation does to the queue.
enum RegistrationRules {
    /// What a registration binds its ticket to: the hash of a card number,
    /// under a purpose of events' own. Never change it: stored rows depend on it.
    static let cardPurpose = "events.registrations.card"

    static func cardHash(_ number: String, _ protection: DataProtection) -> Data {
        protection.hash(number, purpose: cardPurpose)
    }

    /// The card a registration is made with: a one-card QR identity signed for
    /// the caller. A bare number is refused, since anyone can type another
    /// nomad's number. Identity issues QRs only for active cards and never past
    /// a card's expiry, so a verified QR of the caller's is a valid card of
    /// theirs (a suspension takes effect when their current QR expires,
    /// NOMAD_CARD_QR_TTL_SECONDS, as at every gate).
    static func card(
        number: String, qr: String, caller: Principal, keys: KeyRing, now: Date = Date()
    ) throws -> CardQRClaims? {
        guard number.isEmpty else {
            throw NomadError.invalid(
                "card_number", zh: "不再接受卡号，请出示本人一卡通二维码（card_qr）",
                en: "no longer accepted; send your own one-card QR (card_qr) instead")
        }
        if qr.isEmpty { return nil }
        let payload = try Validate.text(qr, "card_qr", max: 4096)
        let claims: CardQRClaims
        do {
            claims = try CardQR.verify(payload, keys: keys, now: now)
        } catch .expired {
            throw NomadError.invalid("card_qr", zh: "一卡通二维码已过期，请刷新后重试", en: "the one-card QR has expired; refresh it and try again")
        } catch {
            throw NomadError.invalid("card_qr", zh: "一卡通二维码无效", en: "not a valid one-card QR")
        }
        guard claims.sub == caller.accountID.text else {
            throw NomadError(.permissionDenied, zh: "只能使用本人的一卡通报名", en: "You can register only with your own one-card")
        }
        return claims
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
