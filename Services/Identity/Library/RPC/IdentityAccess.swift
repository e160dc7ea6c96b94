import NomadKit
import NomadProtos

/// Which roles may call each identity RPC; which department decides what is
/// IdentityDecisionOwners. Ownership (a nomad's own records, the department a
/// catalogue entry or a document's case names) is checked in the handlers.
enum IdentityAccess {
    typealias M = Nomad_Identity_V1_IdentityService.Method

    static let signedIn: Set<Role> = Set(Role.allCases)
    /// People with an account of their own (not the relays' service role).
    static let people: Set<Role> = [.nomad, .enterprise, .officer, .admin]

    static let policy = AccessPolicy(
        [
            M.RegisterNomad.descriptor: .open,
            M.RegisterEnterprise.descriptor: .open,
            M.CreateOfficer.descriptor: .roles([.admin]),
            M.ListOfficers.descriptor: .roles([.admin]),
            M.DisableOfficer.descriptor: .roles([.admin]),
            M.Login.descriptor: .open,
            M.RefreshToken.descriptor: .open,
            M.Logout.descriptor: .open,
            M.GetPublicKeys.descriptor: .open,
            M.GetAccount.descriptor: .roles(signedIn),
            // The other services' revocation pollers, with a service token
            // granted this method alone (ServiceGrant.readRevocations).
            M.ListRevokedAccounts.descriptor: .roles([.service]),
            M.UpdateAccount.descriptor: .roles(people),
            M.ChangePassword.descriptor: .roles(people),

            // Documents: nomads and enterprises upload their own; officers read
            // those cited by a case their department decides (checked in the handler).
            M.UploadDocument.descriptor: .roles([.nomad, .enterprise]),
            M.GetDocument.descriptor: .roles([.nomad, .enterprise, .officer]),
            M.ListDocuments.descriptor: .roles([.nomad, .enterprise]),

            M.ApplyCertification.descriptor: .roles([.nomad]),
            M.GetCertification.descriptor: .roles([.nomad, .officer]),
            M.ListCertifications.descriptor: .roles([.nomad, .officer]),
            M.DecideCertification.descriptor: .roles([.officer]),
            M.SupplementCertification.descriptor: .roles([.nomad]),
            M.RecognizeMigrant.descriptor: .roles([.officer]),

            M.GetCard.descriptor: .roles([.nomad, .officer]),
            M.IssueCardQr.descriptor: .roles([.nomad]),
            // Officers at a site's desk. Not services: no service token is
            // granted it, and a visit must be recorded by a person on duty.
            M.VerifyCard.descriptor: .roles([.officer]),
            M.RecordSiteVisit.descriptor: .roles([.officer]),
            M.SetCardStatus.descriptor: .roles([.officer]),
            M.FindPointsRecipient.descriptor: .roles([.nomad]),

            M.CreateSite.descriptor: .roles([.officer, .admin]),
            // Public: the portal's signed-out pages list the community sites.
            M.ListSites.descriptor: .open,

            M.ApplyPermit.descriptor: .roles([.nomad]),
            M.GetPermit.descriptor: .roles([.nomad, .officer]),
            M.ListPermits.descriptor: .roles([.nomad, .officer]),
            M.DecidePermit.descriptor: .roles([.officer]),
            M.RevokePermit.descriptor: .roles([.officer]),

            M.ListCatalogue.descriptor: .open,
            M.GetCatalogueEntry.descriptor: .open,
            M.SubmitApplication.descriptor: .roles([.nomad, .enterprise]),
            M.GetApplication.descriptor: .roles([.nomad, .enterprise, .officer]),
            M.ListApplications.descriptor: .roles([.nomad, .enterprise, .officer]),
            M.DecideApplication.descriptor: .roles([.officer]),
            M.RateApplication.descriptor: .roles([.nomad, .enterprise]),

            M.ListAuditEntries.descriptor: .roles([.admin, .officer]),
        ], owners: IdentityDecisionOwners.table)
}
