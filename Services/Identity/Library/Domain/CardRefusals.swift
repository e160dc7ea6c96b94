import NomadKit
import NomadProtos

/// Why a card is refused, as a desk clerk reads it.
enum CardRefusals {
    static func message(_ refusal: Nomad_Identity_V1_CardRefusal) -> LocalizedMessage {
        switch refusal {
        case .malformed: return .init(zh: "二维码无法识别", en: "The QR code cannot be read")
        case .badSignature: return .init(zh: "二维码签名无效，可能是伪造的", en: "The QR code's signature is invalid; it may be forged")
        case .qrExpired: return .init(zh: "二维码已过期，请刷新后重新出示", en: "The QR code has expired; refresh it and show it again")
        case .unknownCard: return .init(zh: "查无此卡", en: "No such card")
        case .cardSuspended: return .init(zh: "该卡已被暂停使用", en: "This card is suspended")
        case .cardExpired: return .init(zh: "该卡已过有效期", en: "This card has expired")
        default: return .init(zh: "卡片无效", en: "The card is not valid")
        }
    }
}
