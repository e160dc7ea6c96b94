import Foundation
import NomadKit

/// Every event assets emits from Swift: its type, subject ids and payload.
/// Subject and payload keys are the Swift names in snake_case (`Outbox.append`);
/// analytics reads them, so they are a contract (EventContractTests). Owner
/// ids also go in the subject ids; no personal numbers, only account ids.
///
/// Written in SQL instead, in the statement that posts them:
/// "assets.points.transferred" (from_owner_id, to_owner_id, points),
/// "assets.points.redeemed" (owner_id, merchant_id, scene, points) by
/// `transfer_points`, `redeem_points` (migration 15) and
/// "assets.points.exchanged" (owner_id, pow_units, points, rate_version) by
/// `exchange_pow` (migration 16).
enum AssetsEvents {
    struct AssetTraded: OutboxEvent {
        static let type = "assets.asset.traded"
        var subjects: Subjects
        struct Subjects: Encodable { var assetID, tradeID, buyerID, sellerID: String }
        var payload: Payload
        struct Payload: Encodable {
            var assetID: String, version: Int32, tradeID: String, buyerID: String, sellerID: String, units: Int64
            var unitPriceMinor: Int64, currency: String
            enum CodingKeys: String, CodingKey {
                case assetID = "asset_id", version, tradeID = "trade_id", buyerID = "buyer_id", sellerID = "seller_id", units
                case unitPriceMinor = "unit_price_minor", currency
            }
        }
    }

    struct ContributionCredited: OutboxEvent {
        static let type = "assets.contribution.credited"
        var subjects: ContributionRejected.Subjects
        var payload: Payload
        struct Payload: Encodable {
            var contributionID: String, contributorID: String, poolCode: String, kind: String
            var units: Int64, recordCount: Int64, bytes: Int64
            enum CodingKeys: String, CodingKey {
                case contributionID = "contribution_id", contributorID = "contributor_id", poolCode = "pool_code", kind, units
                case recordCount = "record_count", bytes
            }
        }
    }

    struct ContributionRejected: OutboxEvent {
        static let type = "assets.contribution.rejected"
        var subjects: Subjects
        struct Subjects: Encodable { var contributionID, contributorID, ownerID: String }
        var payload: Payload
        struct Payload: Encodable {
            var contributionID: String, contributorID: String, reversedUnits: Int64
            enum CodingKeys: String, CodingKey {
                case contributionID = "contribution_id", contributorID = "contributor_id", reversedUnits = "reversed_units"
            }
        }
    }

    struct AssetRegistered: OutboxEvent {
        static let type = "assets.asset.registered"
        var subjects: Subjects
        struct Subjects: Encodable { var assetID, ownerID: String }
        var payload: Payload
        struct Payload: Encodable {
            var assetID: String, ownerID: String, poolCode: String, version: Int32
            enum CodingKeys: String, CodingKey {
                case assetID = "asset_id", ownerID = "owner_id", poolCode = "pool_code", version
            }
        }
    }

    struct AssetValued: OutboxEvent {
        static let type = "assets.asset.valued"
        var subjects: Subjects
        struct Subjects: Encodable { var assetID, valuationID: String }
        var payload: Payload
        struct Payload: Encodable {
            var assetID: String, version: Int32, method: String, valueMinor: Int64, currency: String
            enum CodingKeys: String, CodingKey {
                case assetID = "asset_id", version, method, valueMinor = "value_minor", currency
            }
        }
    }

    struct AlertRaised: OutboxEvent {
        static let type = "assets.alert.raised"
        var subjects: Subjects
        struct Subjects: Encodable { var alertID, assetID, tradeID: String }
        var payload: Payload
        struct Payload: Encodable {
            var alertID: String, assetID: String, tradeID: String, kind: String, deviationBP: Int32
            enum CodingKeys: String, CodingKey {
                case alertID = "alert_id", assetID = "asset_id", tradeID = "trade_id", kind, deviationBP = "deviation_bp"
            }
        }
    }

    struct VoucherIssued: OutboxEvent {
        static let type = "assets.voucher.issued"
        var subjects: Subjects
        struct Subjects: Encodable { var holderID, ownerID, officerID, transactionID: String }
        var payload: Payload
        struct Payload: Encodable {
            var holderID: String, holderKind: String, amount: Int64, expiresOn: String
            enum CodingKeys: String, CodingKey {
                case holderID = "holder_id", holderKind = "holder_kind", amount, expiresOn = "expires_on"
            }
        }
    }

    struct VoucherSpent: OutboxEvent {
        static let type = "assets.voucher.spent"
        var subjects: Subjects
        struct Subjects: Encodable { var holderID, ownerID, referenceID, transactionID: String }
        var payload: Payload
        struct Payload: Encodable {
            var holderID: String, purpose: String, amount: Int64
            enum CodingKeys: String, CodingKey { case holderID = "holder_id", purpose, amount }
        }
    }

    struct TokenIssued: OutboxEvent {
        static let type = "assets.token.issued"
        var subjects: Subjects
        struct Subjects: Encodable { var assetID, holderID: String }
        var payload: Payload
        struct Payload: Encodable {
            var assetID: String, units: Int64, holderID: String
            enum CodingKeys: String, CodingKey { case assetID = "asset_id", units, holderID = "holder_id" }
        }
    }

    struct TokenTransferred: OutboxEvent {
        static let type = "assets.token.transferred"
        var subjects: Subjects
        struct Subjects: Encodable { var assetID, fromID, toID: String }
        var payload: Payload
        struct Payload: Encodable {
            var assetID: String, fromID: String, toID: String, units: Int64, forced: Bool
            enum CodingKeys: String, CodingKey {
                case assetID = "asset_id", fromID = "from_id", toID = "to_id", units, forced
            }
        }
    }

    struct PoolAccessGranted: OutboxEvent {
        static let type = "assets.pool.access_granted"
        var subjects: Subjects
        struct Subjects: Encodable { var grantID, enterpriseID, ownerID, officerID: String }
        var payload: Payload
        struct Payload: Encodable {
            var grantID: String, poolCode: String, enterpriseID: String
            enum CodingKeys: String, CodingKey { case grantID = "grant_id", poolCode = "pool_code", enterpriseID = "enterprise_id" }
        }
    }

    struct PointsExpired: OutboxEvent {
        static let type = "assets.points.expired"
        var subjects: Subjects
        struct Subjects: Encodable { var ownerID, accountID: String }
        var payload: Payload
        struct Payload: Encodable {
            var ownerID: String, unit: String, amount: Int64
            enum CodingKeys: String, CodingKey { case ownerID = "owner_id", unit, amount }
        }
    }
}
