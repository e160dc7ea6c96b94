import NomadKit
import NomadProtos

/// The department whose officers make each assets decision, after the lead
/// units of the city's plan (README, "Who decides what"): the data bureau
/// the data resource pools, contributions, their valuation rule, vouchers
/// and data assets; the tourism and culture bureau, lead of the POW-for-points
/// exchange and its consumption scenes (plan item 7), the exchange rate and
/// the merchants; the finance office, lead of RWA and QFLP (item 4), tokens,
/// the whitelist and bubble alerts on the market they watch.
enum AssetsDecisionOwners {
    typealias M = Nomad_Assets_V1_AssetsService.Method

    static let data = "data", cultureTourism = "culture_tourism", finance = "finance"

    static let table = DecisionOwners([
        M.DecidePoolAccess.descriptor: data,
        M.RevokePoolAccess.descriptor: data,
        M.ReviewContribution.descriptor: data,
        M.ReverseContribution.descriptor: data,
        M.SetValuationRule.descriptor: data,
        M.IssueVoucher.descriptor: data,
        M.RegisterDataAsset.descriptor: data,
        M.RecordValuation.descriptor: data,

        M.SetExchangeRate.descriptor: cultureTourism,
        M.RegisterMerchant.descriptor: cultureTourism,

        M.AddQflpInvestor.descriptor: finance,
        M.RemoveQflpInvestor.descriptor: finance,
        M.TokenizeAsset.descriptor: finance,
        M.FreezeTokenHolder.descriptor: finance,
        M.UnfreezeTokenHolder.descriptor: finance,
        M.ForceTransferTokens.descriptor: finance,
        M.CloseAlert.descriptor: finance,
    ])
}
