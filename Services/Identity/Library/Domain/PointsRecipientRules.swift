import Foundation
import GRPCCore
import NomadKit

/// Who a nomad may send points to, and what they see of them before sending.
enum PointsRecipientRules {
    /// The person the sender named, by one of the two ways a friend can tell
    /// them: the number printed on the card, or the username.
    enum Lookup: Equatable {
        case card(String)
        case username(String)
    }

    static func lookup(cardNumber: String, username: String) throws -> Lookup {
        // People read card numbers out in groups of four: "4604 0000 …".
        let number = cardNumber.filter { !$0.isWhitespace && $0 != "-" }
        let name = username.trimmingCharacters(in: .whitespaces).lowercased()
        switch (number.isEmpty, name.isEmpty) {
        case (true, true):
            throw NomadError.invalid("card_number", zh: "请填写对方的一卡通卡号或用户名", en: "give the recipient's one-card number or username")
        case (false, false):
            throw NomadError.invalid("card_number", zh: "卡号和用户名只需填写一项", en: "give the card number or the username, not both")
        case (false, true):
            guard CardNumber.isValid(number) else {
                throw NomadError.invalid(
                    "card_number", zh: "卡号应为 4604 开头的 16 位数字，请核对", en: "a one-card number is 16 digits starting with 4604; check it")
            }
            return .card(number)
        case (true, false):
            guard name.count <= 32 else { throw NomadError.tooLong("username", max: 32) }
            return .username(name)
        }
    }

    /// The same answer whether nobody has that name or number, or they have
    /// no card: the sender learns no more than that points cannot go there.
    static let unknown = NomadError(
        .notFound, zh: "找不到持有该卡号或用户名的一卡通持卡人", en: "No one-card holder has this card number or username")
    static let yourself = NomadError.invalid(
        "card_number", zh: "这是您自己的一卡通，不能给自己转积分", en: "that is your own one-card; you cannot send points to yourself")
    static let cardNotActive = NomadError(
        .failedPrecondition, zh: "对方的一卡通已暂停或过期，暂不能接收积分",
        en: "The recipient's one-card is suspended or expired; it cannot receive points now")

    /// "王小明" → "王**", "Léa Martin" → "L** M*****": the first letter of
    /// each word, so a sender recognises a friend and a stranger learns little.
    static func maskedName(_ name: String) -> String {
        name.split(separator: " ", omittingEmptySubsequences: true).map { word in
            guard let first = word.first else { return "" }
            return String(first) + String(repeating: Masking.mask, count: word.count - 1)
        }.joined(separator: " ")
    }
}
