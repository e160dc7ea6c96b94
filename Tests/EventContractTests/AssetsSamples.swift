@testable import Assets

enum AssetsSamples {
    typealias E = AssetsEvents
    static let contribution = E.ContributionRejected.Subjects(contributionID: "c", contributorID: "o", ownerID: "o")

    static func all() throws -> [Encoded] {
        [
            try Encoded(
                E.AssetTraded(
                    subjects: .init(assetID: "a", tradeID: "t", buyerID: "b", sellerID: "s"),
                    payload: .init(
                        assetID: "a", version: 1, tradeID: "t", buyerID: "b", sellerID: "s", units: 1, unitPriceMinor: 1, currency: "CNY"))),
            try Encoded(
                E.ContributionCredited(
                    subjects: contribution,
                    payload: .init(contributionID: "c", contributorID: "o", poolCode: "p", kind: "k", units: 1, recordCount: 1, bytes: 1))),
            try Encoded(
                E.ContributionRejected(
                    subjects: contribution, payload: .init(contributionID: "c", contributorID: "o", reversedUnits: 0))),
            try Encoded(
                E.AssetRegistered(
                    subjects: .init(assetID: "a", ownerID: "o"), payload: .init(assetID: "a", ownerID: "o", poolCode: "p", version: 1))),
            try Encoded(
                E.AssetValued(
                    subjects: .init(assetID: "a", valuationID: "v"),
                    payload: .init(assetID: "a", version: 1, method: "m", valueMinor: 1, currency: "CNY"))),
            try Encoded(
                E.AlertRaised(
                    subjects: .init(alertID: "l", assetID: "a", tradeID: "t"),
                    payload: .init(alertID: "l", assetID: "a", tradeID: "t", kind: "k", deviationBP: 1))),
            try Encoded(
                E.VoucherIssued(
                    subjects: .init(holderID: "h", ownerID: "h", officerID: "o", transactionID: "t"),
                    payload: .init(holderID: "h", holderKind: "nomad", amount: 1, expiresOn: "2026-12-31"))),
            try Encoded(
                E.VoucherSpent(
                    subjects: .init(holderID: "h", ownerID: "h", referenceID: "r", transactionID: "t"),
                    payload: .init(holderID: "h", purpose: "p", amount: 1))),
            try Encoded(E.TokenIssued(subjects: .init(assetID: "a", holderID: "h"), payload: .init(assetID: "a", units: 1, holderID: "h"))),
            try Encoded(
                E.TokenTransferred(
                    subjects: .init(assetID: "a", fromID: "f", toID: "t"),
                    payload: .init(assetID: "a", fromID: "f", toID: "t", units: 1, forced: false))),
            try Encoded(
                E.PoolAccessGranted(
                    subjects: .init(grantID: "g", enterpriseID: "e", ownerID: "e", officerID: "o"),
                    payload: .init(grantID: "g", poolCode: "p", enterpriseID: "e"))),
            try Encoded(
                E.PointsExpired(subjects: .init(ownerID: "o", accountID: "a"), payload: .init(ownerID: "o", unit: "points", amount: 1))),
        ]
    }
}
