import NomadKit

/// Applied in order under the chassis' advisory lock; never edit a shipped one.
let identityMigrations = [
    Migration(1, "core", migration0001Core),
    Migration(2, "catalogue_seed", migration0002CatalogueSeed),
    Migration(3, "revocations", migration0003Revocations),
    Migration(4, "sealed_numbers", migration0004SealedNumbers),
    Migration(5, "documents", migration0005Documents),
    Migration(6, "super individual threshold", migration0006SuperIndividualThreshold),
    Migration(7, "site visit function", migration0007SiteVisitFunction),
    Migration(8, "international sites", migration0008InternationalSites),
    Migration(9, "permit renewal and revocation", migration0009PermitChain),
]
