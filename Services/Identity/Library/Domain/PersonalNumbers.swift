import Foundation
import NomadKit

/// The purposes identity seals and hashes personal numbers under. A purpose
/// is authenticated with each ciphertext and mixed into each hash, so a sealed
/// card number does not open as a document number and equal strings of two
/// kinds do not share a hash. Never change one: stored rows depend on it.
enum PersonalNumbers {
    static let documentPurpose = "identity.accounts.document_number"
    static let cardPurpose = "identity.cards.number"

    /// The document type is part of the hash's input as well as of the unique
    /// index, so a passport and a resident ID with the same characters differ.
    static func documentHash(_ number: String, type: Int16?, _ protection: DataProtection) throws -> Data {
        protection.hash("\(type ?? 0):\(number)", purpose: documentPurpose)
    }

    static func cardHash(_ number: String, _ protection: DataProtection) -> Data {
        protection.hash(number, purpose: cardPurpose)
    }
}
