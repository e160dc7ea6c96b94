import GRPCCore
import NomadKit

/// Refusals of the registry areas (data assets, trading, tokens, alerts), each
/// in both languages.
enum RegistryErrors {
    static let duplicateContent = NomadError(
        .alreadyExists, zh: "该内容哈希已登记过", en: "This content hash is already registered")
    static let unknownPool = NomadError.invalid(
        "pool_code", zh: "未知的数据资源池", en: "not a known pool (vehicle_road_cloud, culture_tourism_consumption, entertainment_metaverse)")
    static func notWhitelisted(_ role: String) -> NomadError {
        NomadError(
            .failedPrecondition,
            zh: "\(role == "receiver" ? "接收方" : role == "sender" ? "转出方" : "持有人")不在有效的合格投资者（QFLP）白名单中",
            en: "The \(role) is not a qualified (QFLP) investor on the whitelist, or the qualification has expired")
    }
    static func insufficientUnits(available: Int64) -> NomadError {
        NomadError(
            .failedPrecondition, zh: "可用（未冻结）份额不足，当前可用 \(available)",
            en: "Not enough unfrozen units: \(available) available")
    }
    static func holderCapExceeded(_ max: Int32) -> NomadError {
        NomadError(
            .failedPrecondition, zh: "超过该资产的持有人数上限（\(max)）",
            en: "The asset's cap of \(max) holders would be exceeded")
    }
    static func shareCapExceeded(_ maxBP: Int32) -> NomadError {
        NomadError(
            .failedPrecondition, zh: "接收方持有比例将超过单一持有人上限（\(maxBP) 基点）",
            en: "The receiver's share would exceed the per-holder cap of \(maxBP) basis points")
    }
    static let tokenized = NomadError.wrongState("该资产已通证化，所有权通过通证转让", "the asset is tokenized; its ownership moves by token transfers")
    static let notTokenized = NomadError.notFound("token of this asset")
}
