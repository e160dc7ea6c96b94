import GRPCCore
import NomadKit
import NomadProtos

/// Who may call each registry-area RPC (data assets, trading, tokens, the
/// registry chain, bubble monitoring). Ownership (an asset's owner, a
/// listing's seller, a token's issuer, an enterprise's own balance sheet) is
/// checked in the handlers.
enum RegistryAccess {
    typealias M = Nomad_Assets_V1_AssetsService.Method

    static let signedIn: Set<Role> = Set(Role.allCases)
    static let staff: Set<Role> = [.officer, .admin]
    static let marketAndStaff: Set<Role> = [.enterprise, .officer, .admin]

    static let rules: [MethodDescriptor: AccessPolicy.Rule] = [
        M.RegisterDataAsset.descriptor: .roles([.enterprise, .officer]),
        M.GetDataAsset.descriptor: .roles(signedIn),
        M.ListDataAssets.descriptor: .roles(signedIn),
        M.AddAssetVersion.descriptor: .roles([.enterprise]),
        M.ListAssetVersions.descriptor: .roles(signedIn),
        M.RecordValuation.descriptor: .roles(staff),
        M.ListValuations.descriptor: .roles(signedIn),
        M.ListAssetForSale.descriptor: .roles([.enterprise]),
        M.CancelAssetListing.descriptor: .roles([.enterprise]),
        M.ListAssetListings.descriptor: .roles(signedIn),
        M.TradeDataAsset.descriptor: .roles([.enterprise]),
        M.ListAssetHoldings.descriptor: .roles(marketAndStaff),
        M.ListOwnershipHistory.descriptor: .roles(marketAndStaff),
        M.GetBalanceSheet.descriptor: .roles(marketAndStaff),

        M.AddQflpInvestor.descriptor: .roles([.officer]),
        M.RemoveQflpInvestor.descriptor: .roles([.officer]),
        M.ListQflpInvestors.descriptor: .roles(staff),
        M.TokenizeAsset.descriptor: .roles([.enterprise, .officer]),
        M.GetAssetToken.descriptor: .roles(signedIn),
        M.ListTokenHoldings.descriptor: .roles([.nomad, .enterprise, .officer, .admin]),
        M.TransferTokens.descriptor: .roles([.nomad, .enterprise]),
        M.FreezeTokenHolder.descriptor: .roles([.officer]),
        M.UnfreezeTokenHolder.descriptor: .roles([.officer]),
        M.ForceTransferTokens.descriptor: .roles([.officer]),

        M.ListRegistryEntries.descriptor: .roles(staff),
        M.VerifyRegistry.descriptor: .roles(staff),

        M.GetPriceIndex.descriptor: .roles(signedIn),
        M.ListAlerts.descriptor: .roles(staff),
        M.CloseAlert.descriptor: .roles([.officer]),
    ]
}
