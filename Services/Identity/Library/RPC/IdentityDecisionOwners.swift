import NomadKit
import NomadProtos

/// The department whose officers make each identity decision (README,
/// "Who decides what"). A catalogue application is decided by the department
/// its entry names, which only the entry knows: DecideApplication checks that
/// in its handler.
enum IdentityDecisionOwners {
    typealias M = Nomad_Identity_V1_IdentityService.Method

    static let table = DecisionOwners([
        M.DecideCertification.descriptor: Departments.certification,
        M.RecognizeMigrant.descriptor: Departments.certification,
        M.SetCardStatus.descriptor: Departments.certification,
        M.DecidePermit.descriptor: Departments.permits,
        M.RevokePermit.descriptor: Departments.permits,
        // The community service centre runs the community sites' desks.
        M.CreateSite.descriptor: "community",
    ])
}
