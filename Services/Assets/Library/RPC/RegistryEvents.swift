/// Outbox payloads of the registry areas. Analytics consumes them: the field
/// names are a contract, keep them exactly as they are.
struct AssetRegisteredEvent: Encodable {
    var assetID: String, ownerID: String, poolCode: String, version: Int32
    enum CodingKeys: String, CodingKey {
        case assetID = "asset_id", ownerID = "owner_id", poolCode = "pool_code", version
    }
}

struct AssetValuedEvent: Encodable {
    var assetID: String, version: Int32, method: String, valueMinor: Int64, currency: String
    enum CodingKeys: String, CodingKey {
        case assetID = "asset_id", version, method, valueMinor = "value_minor", currency
    }
}

struct AssetTradedEvent: Encodable {
    var assetID: String, version: Int32, tradeID: String, buyerID: String, sellerID: String, units: Int64
    var unitPriceMinor: Int64, currency: String
    enum CodingKeys: String, CodingKey {
        case assetID = "asset_id", version, tradeID = "trade_id", buyerID = "buyer_id", sellerID = "seller_id", units
        case unitPriceMinor = "unit_price_minor", currency
    }
}

struct TokenIssuedEvent: Encodable {
    var assetID: String, units: Int64, holderID: String
    enum CodingKeys: String, CodingKey { case assetID = "asset_id", units, holderID = "holder_id" }
}

struct TokenTransferredEvent: Encodable {
    var assetID: String, fromID: String, toID: String, units: Int64, forced: Bool
    enum CodingKeys: String, CodingKey {
        case assetID = "asset_id", fromID = "from_id", toID = "to_id", units, forced
    }
}

struct AlertRaisedEvent: Encodable {
    var alertID: String, assetID: String, tradeID: String, kind: String, deviationBP: Int32
    enum CodingKeys: String, CodingKey {
        case alertID = "alert_id", assetID = "asset_id", tradeID = "trade_id", kind, deviationBP = "deviation_bp"
    }
}
