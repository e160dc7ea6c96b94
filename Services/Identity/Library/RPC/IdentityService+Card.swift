import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

extension IdentityService {
    func getCard(request: Nomad_Identity_V1_GetCardRequest, context: ServerContext) async throws -> Nomad_Identity_V1_Card {
        let principal = try caller
        let holder = request.holderID.isEmpty ? principal.accountID : try Validate.uuid(request.holderID, "holder_id")
        guard holder == principal.accountID || principal.role == .officer else { throw NomadError.permissionDenied }
        let protection = self.protection
        guard
            let card = try await database.read({
                try await CardStore.find($0, holder: holder, protection: protection)
            })
        else {
            throw IdentityErrors.noCard
        }
        return card.message(for: principal)
    }

    func issueCardQr(request: Nomad_Identity_V1_IssueCardQrRequest, context: ServerContext) async throws -> Nomad_Identity_V1_CardQr {
        let holder = try caller
        let protection = self.protection
        guard
            let card = try await database.read({
                try await CardStore.find($0, holder: holder.accountID, protection: protection)
            })
        else {
            throw IdentityErrors.noCard
        }
        guard card.status() == .active else {
            throw NomadError.wrongState("一卡通未处于有效状态", "the one-card is not active")
        }
        guard let key = tokens.keys.signingKey else { throw NomadError.internalError }
        let now = Date()
        let expiresAt = min(now.addingTimeInterval(settings.cardQRLifetime), card.expiresAt)
        let payload = try CardQR.sign(
            CardQRClaims(
                card: card.number, sub: holder.accountID.text,
                iat: Int64(now.timeIntervalSince1970), exp: Int64(expiresAt.timeIntervalSince1970)), with: key)
        return .with {
            $0.payload = payload
            $0.expiresAt = .init(date: expiresAt)
        }
    }

    func verifyCard(
        request: Nomad_Identity_V1_VerifyCardRequest, context: ServerContext
    ) async throws -> Nomad_Identity_V1_VerifyCardResponse {
        let reader = try caller
        let payload = try Validate.text(request.qrPayload, "qr_payload", max: 4096)
        let protection = self.protection
        let siteID = request.siteID.isEmpty ? nil : try Validate.uuid(request.siteID, "site_id")
        let language = self.language
        @Sendable func refuse(_ refusal: Nomad_Identity_V1_CardRefusal, _ card: CardRecord? = nil) -> Nomad_Identity_V1_VerifyCardResponse {
            .with {
                $0.valid = false
                $0.refusal = refusal
                $0.refusalMessage = CardRefusals.message(refusal).text(language)
                if let card { $0.card = card.message(for: reader) }
            }
        }
        let claims: CardQRClaims
        do {
            claims = try CardQR.verify(payload, keys: tokens.keys)
        } catch {
            switch error {
            case .expired: return refuse(.qrExpired)
            case .badSignature, .unknownKey: return refuse(.badSignature)
            default: return refuse(.malformed)
            }
        }
        if let siteID {
            return try await recordSiteVisit(request, claims: claims, siteID: siteID, refuse: refuse)
        }
        return try await database.read { tx in
            guard let card = try await CardStore.find(tx, number: claims.card, protection: protection),
                card.holderID.text == claims.sub
            else { return refuse(.unknownCard) }
            switch card.status() {
            case .active: break
            case .suspended: return refuse(.cardSuspended, card)
            default: return refuse(.cardExpired, card)
            }
            return .with {
                $0.valid = true
                $0.card = card.message(for: reader)
            }
        }
    }

    /// A desk's scan at a site: the card's checks and the visit in one
    /// statement (`record_site_visit`), answered the same on a retry.
    private func recordSiteVisit(
        _ request: Nomad_Identity_V1_VerifyCardRequest, claims: CardQRClaims, siteID: UUID,
        refuse: (Nomad_Identity_V1_CardRefusal, CardRecord?) -> Nomad_Identity_V1_VerifyCardResponse
    ) async throws -> Nomad_Identity_V1_VerifyCardResponse {
        let reader = try caller
        let numberHash = PersonalNumbers.cardHash(claims.card, protection)
        let now = Date()
        return try await database.mutationInOneStatement(
            request,
            refusal: { IdentityErrors.siteVisitRefusal($0, site: siteID) },
            statement: { SiteVisitStatement(key: $0, numberHash: numberHash, holder: claims.sub, siteID: siteID, now: now) },
            result: SiteVisitStatement.Result.self,
            response: { visit in
                guard let holder = visit.holderId, let issued = visit.issuedAtMicros, let expires = visit.expiresAtMicros else {
                    return refuse(.unknownCard, nil)
                }
                // The number is the QR's: a retry carries the same QR.
                let card = CardRecord(
                    number: claims.card, holderID: holder, holderDisplayName: visit.displayName ?? "",
                    storedStatus: .init(rawValue: visit.status ?? 0) ?? .unspecified,
                    issuedAt: Date(timeIntervalSince1970: Double(issued) / 1_000_000),
                    expiresAt: Date(timeIntervalSince1970: Double(expires) / 1_000_000))
                switch visit.cardRefusal {
                case "card_suspended"?: return refuse(.cardSuspended, card)
                case "card_expired"?: return refuse(.cardExpired, card)
                default: break
                }
                return .with {
                    $0.valid = true
                    $0.card = card.message(for: reader)
                    $0.visitRecorded = visit.visitRecorded ?? false
                }
            })
    }

    func setCardStatus(request: Nomad_Identity_V1_SetCardStatusRequest, context: ServerContext) async throws -> Nomad_Identity_V1_Card {
        let officer = try caller
        guard CardNumber.isValid(request.cardNumber) else {
            throw NomadError.invalid("card_number", zh: "卡号无效（校验位不符）", en: "not a valid card number (check digit)")
        }
        guard request.status == .active || request.status == .suspended else {
            throw NomadError.invalid("status", zh: "只能设为有效或暂停", en: "ACTIVE or SUSPENDED only")
        }
        let reason = try Validate.text(request.reason, "reason", max: 500)
        return try await mutation(request) { tx in
            // The number is neither echoed in the refusal nor written to the audit
            // log: the log is kept for ever and read by other departments.
            guard
                var card = try await CardStore.find(
                    tx, number: request.cardNumber, protection: protection)
            else { throw NomadError.notFound("card") }
            let before = try card.maskedMessage.jsonString()
            try await CardStore.setStatus(tx, holder: card.holderID, status: request.status)
            card.storedStatus = request.status
            try await DecisionAudit.append(
                tx, actor: officer, action: request.status == .suspended ? "card.suspend" : "card.activate",
                subject: "card/\(card.holderID.text)", reason: reason, before: before,
                after: try card.maskedMessage.jsonString())
            try await Outbox.append(
                tx,
                IdentityEvents.CardStatusChanged(
                    subjects: .init(accountID: card.holderID.text),
                    payload: .init(status: "\(request.status)", reason: reason)))
            return card.message(for: officer)
        }
    }
}

extension IdentityService {
    func findPointsRecipient(
        request: Nomad_Identity_V1_FindPointsRecipientRequest, context: ServerContext
    ) async throws -> Nomad_Identity_V1_PointsRecipient {
        let sender = try caller
        let lookup = try PointsRecipientRules.lookup(cardNumber: request.cardNumber, username: request.username)
        let protection = self.protection
        let card = try await database.read { tx -> CardRecord? in
            switch lookup {
            case .card(let number):
                return try await CardStore.find(tx, number: number, protection: protection)
            case .username(let username):
                guard let account = try await AccountStore.find(tx, username: username) else { return nil }
                return try await CardStore.find(tx, holder: account.id, protection: protection)
            }
        }
        guard let card else { throw PointsRecipientRules.unknown }
        guard card.holderID != sender.accountID else { throw PointsRecipientRules.yourself }
        guard card.status() == .active else { throw PointsRecipientRules.cardNotActive }
        guard let key = tokens.keys.signingKey else { throw NomadError.internalError }
        let (token, expires) = try PointsRecipient.sign(recipient: card.holderID, sender: sender.accountID, with: key)
        return .with {
            $0.displayName = PointsRecipientRules.maskedName(card.holderDisplayName)
            $0.cardNumberMasked = Masking.cardNumber(card.number)
            $0.token = token
            $0.expiresAt = .init(date: expires)
        }
    }
}
