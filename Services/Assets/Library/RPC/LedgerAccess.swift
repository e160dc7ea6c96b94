import GRPCCore
import NomadKit
import NomadProtos

/// Who may call each pools / contributions / ledger / vouchers RPC.
/// Ownership (a nomad's own statement, an enterprise's own grant) is checked
/// in the handlers.
enum LedgerAccess {
    typealias M = Nomad_Assets_V1_AssetsService.Method

    static let signedIn: Set<Role> = Set(Role.allCases)
    static let staff: Set<Role> = [.officer, .admin]

    static let rules: [MethodDescriptor: AccessPolicy.Rule] = [
        M.ListPools.descriptor: .roles(signedIn),
        M.GetPool.descriptor: .roles(signedIn),
        M.RequestPoolAccess.descriptor: .roles([.enterprise]),
        M.DecidePoolAccess.descriptor: .roles([.officer]),
        M.RevokePoolAccess.descriptor: .roles([.enterprise, .officer]),
        M.ListPoolGrants.descriptor: .roles([.enterprise, .officer, .admin]),
        M.ReadPoolData.descriptor: .roles([.enterprise]),
        M.ListPoolReads.descriptor: .roles([.enterprise, .officer, .admin]),

        M.SubmitContribution.descriptor: .roles([.nomad]),
        M.ReviewContribution.descriptor: .roles([.officer]),
        M.ReverseContribution.descriptor: .roles([.officer]),
        M.GetContribution.descriptor: .roles([.nomad, .officer, .admin]),
        M.ListContributions.descriptor: .roles([.nomad, .officer, .admin]),
        M.GetValuationRule.descriptor: .roles(signedIn),
        M.SetValuationRule.descriptor: .roles([.officer]),

        M.GetBalances.descriptor: .roles([.nomad, .enterprise, .officer, .admin]),
        M.ListStatement.descriptor: .roles([.nomad, .enterprise, .officer, .admin]),
        M.TransferPoints.descriptor: .roles([.nomad]),
        M.ExchangePow.descriptor: .roles([.nomad]),
        M.GetExchangeRate.descriptor: .roles(signedIn),
        M.SetExchangeRate.descriptor: .roles([.officer]),
        M.RegisterMerchant.descriptor: .roles([.officer]),
        M.ListMerchants.descriptor: .roles(signedIn),
        M.RedeemPoints.descriptor: .roles([.nomad]),
        M.GetTrialBalance.descriptor: .roles(staff),
        M.SweepExpired.descriptor: .roles(staff),

        M.IssueVoucher.descriptor: .roles([.officer]),
        M.SpendVoucher.descriptor: .roles([.nomad, .enterprise]),
    ]
}
