import Foundation
import NomadKit
import NomadProtos

/// The permissioned-token rules (as ERC-3643 tokens enforce them): whitelist,
/// unfrozen units, and the per-asset caps on holders and on any one holder's
/// share. Plain Swift over the state the store read under the token's lock.
enum TokenRules {
    struct Caps: Sendable {
        var maxHolders: Int32
        var maxHolderShareBP: Int32
    }

    struct Holding: Sendable {
        var units: Int64
        var frozen: Int64
        var available: Int64 { units - frozen }
    }

    static func caps(maxHolders: Int32, maxHolderShareBP: Int32) throws -> Caps {
        guard maxHolders >= 0 else {
            throw NomadError.invalid("max_holders", zh: "不能为负数", en: "must not be negative")
        }
        guard (0...10_000).contains(maxHolderShareBP) else {
            throw NomadError.invalid("max_holder_share_bp", zh: "应在 0 到 10000 之间", en: "must be between 0 and 10000")
        }
        return Caps(maxHolders: maxHolders, maxHolderShareBP: maxHolderShareBP)
    }

    /// Whether an investor's qualification holds on `today` (its last day included).
    static func qualified(expiresOn: ZoneDay?, today: ZoneDay) -> Bool {
        guard let expiresOn else { return false }
        return today <= expiresOn
    }

    /// Checks one transfer of `units` from `sender` to `receiver` (nil: holds
    /// nothing yet). `holders` counts the holders with units now. A forced
    /// transfer may take frozen units; the receiver's caps hold either way.
    static func checkTransfer(
        units: Int64, sender: Holding, receiver: Holding?, total: Int64, holders: Int, caps: Caps, forced: Bool
    ) throws {
        let available = forced ? sender.units : sender.available
        guard units <= available else { throw RegistryErrors.insufficientUnits(available: available) }
        let receiverAfter = (receiver?.units ?? 0) + units
        // Units are bounded by DataAssetRules.maxUnits, so neither product overflows.
        if caps.maxHolderShareBP > 0, receiverAfter * 10_000 > Int64(caps.maxHolderShareBP) * total {
            throw RegistryErrors.shareCapExceeded(caps.maxHolderShareBP)
        }
        let joins = (receiver?.units ?? 0) == 0 ? 1 : 0
        let leaves = sender.units == units ? 1 : 0
        if caps.maxHolders > 0, holders + joins - leaves > Int(caps.maxHolders) {
            throw RegistryErrors.holderCapExceeded(caps.maxHolders)
        }
    }

    /// Frozen units after freezing `units` more (0: all of them).
    static func frozenAfterFreeze(_ holding: Holding, units: Int64) throws -> Int64 {
        if units == 0 { return holding.units }
        guard units > 0 else { throw NomadError.invalid("units", zh: "不能为负数", en: "must not be negative") }
        guard units <= holding.available else { throw RegistryErrors.insufficientUnits(available: holding.available) }
        return holding.frozen + units
    }

    /// Frozen units after unfreezing `units` (0: all of them).
    static func frozenAfterUnfreeze(_ holding: Holding, units: Int64) throws -> Int64 {
        if units == 0 { return 0 }
        guard units > 0 else { throw NomadError.invalid("units", zh: "不能为负数", en: "must not be negative") }
        guard units <= holding.frozen else {
            throw NomadError.wrongState("解冻数量超过已冻结的 \(holding.frozen) 份", "only \(holding.frozen) units are frozen")
        }
        return holding.frozen - units
    }

    static let maxLegalBasis = 2000
    static let maxName = 200
}
