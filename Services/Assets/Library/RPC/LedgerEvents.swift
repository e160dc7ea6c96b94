import Foundation

/// Outbox payloads of the ledger areas. Field names are the contract with
/// analytics, spelled exactly as agreed (snake_case); owner ids also go in
/// the events' subject ids. No personal numbers, only account ids.
struct ContributionCredited: Encodable {
    var contributionID: String, contributorID: String, poolCode: String, kind: String
    var units: Int64, recordCount: Int64, bytes: Int64
    enum CodingKeys: String, CodingKey {
        case contributionID = "contribution_id", contributorID = "contributor_id", poolCode = "pool_code", kind, units
        case recordCount = "record_count", bytes
    }
}

struct ContributionRejected: Encodable {
    var contributionID: String, contributorID: String, reversedUnits: Int64
    enum CodingKeys: String, CodingKey {
        case contributionID = "contribution_id", contributorID = "contributor_id", reversedUnits = "reversed_units"
    }
}

// "assets.points.transferred" (from_owner_id, to_owner_id, points),
// "assets.points.redeemed" (owner_id, merchant_id, scene, points) and
// "assets.points.exchanged" (owner_id, pow_units, points, rate_version) are
// written by `transfer_points`, `redeem_points` (migration 15) and
// `exchange_pow` (migration 16), in the statement that posts them.

struct PointsExpired: Encodable {
    var ownerID: String, unit: String, amount: Int64
    enum CodingKeys: String, CodingKey { case ownerID = "owner_id", unit, amount }
}

struct VoucherIssued: Encodable {
    var holderID: String, holderKind: String, amount: Int64, expiresOn: String
    enum CodingKeys: String, CodingKey {
        case holderID = "holder_id", holderKind = "holder_kind", amount, expiresOn = "expires_on"
    }
}

struct VoucherSpent: Encodable {
    var holderID: String, purpose: String, amount: Int64
    enum CodingKeys: String, CodingKey { case holderID = "holder_id", purpose, amount }
}

struct PoolAccessGranted: Encodable {
    var grantID: String, poolCode: String, enterpriseID: String
    enum CodingKeys: String, CodingKey { case grantID = "grant_id", poolCode = "pool_code", enterpriseID = "enterprise_id" }
}
