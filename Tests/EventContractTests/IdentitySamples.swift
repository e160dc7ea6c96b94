@testable import Identity

enum IdentitySamples {
    typealias E = IdentityEvents

    static func all() throws -> [Encoded] {
        [
            try Encoded(E.NomadRegistered(subjects: .init(accountID: "a"), payload: .init(nationality: "DE", foreign: "true"))),
            try Encoded(E.EnterpriseRegistered(subjects: .init(accountID: "a"), payload: .init(creditCode: "c"))),
            try Encoded(E.CardStatusChanged(subjects: .init(accountID: "a"), payload: .init(status: "s", reason: "r"))),
            try Encoded(
                E.ApplicationSubmitted(
                    subjects: .init(accountID: "a", applicationID: "p"),
                    payload: .init(serviceCode: "s", department: "d", applicantRole: "nomad", processingDays: "5"))),
            try Encoded(
                E.ApplicationDecided(
                    subjects: .init(accountID: "a", applicationID: "p"),
                    payload: .init(serviceCode: "s", department: "d", approved: "true", late: "false"))),
            try Encoded(
                E.ApplicationRated(
                    subjects: .init(accountID: "a", applicationID: "p"),
                    payload: .init(serviceCode: "s", department: "d", stars: "4", overdue: "false"))),
            try Encoded(
                E.PermitApplied(
                    subjects: .init(accountID: "a", permitID: "p"),
                    payload: .init(nationality: "DE", months: "6", activities: "a,b", startDate: "2026-01-01", renewsPermitID: ""))),
            try Encoded(
                E.PermitDecided(
                    subjects: .init(accountID: "a", permitID: "p"),
                    payload: .init(approved: "true", months: "6", validFrom: "2026-01-01", validUntil: "2026-06-30"))),
            try Encoded(
                E.PermitRevoked(
                    subjects: .init(accountID: "a", permitID: "p"), payload: .init(validUntil: "2026-06-30", revokedOn: "2026-03-01"))),
            try Encoded(
                E.CertificationApplied(
                    subjects: .init(accountID: "a", certificationID: "c"), payload: .init(criteriaMet: "true"))),
            try Encoded(
                E.NomadCertified(
                    subjects: .init(accountID: "a", certificationID: "c"), payload: .init(criteriaMet: "true"))),
            try Encoded(E.NomadSettled(subjects: .init(accountID: "a"), payload: .init(reason: "r"))),
            try Encoded(
                E.SiteCreated(
                    subjects: .init(siteID: "s"), payload: .init(area: "core", capacity: "10", international: "true"))),
            try Encoded(
                E.SiteVisited(
                    subjects: .init(accountID: "a", siteID: "s"), payload: .init(day: "2026-01-01", area: "core"))),
        ]
    }

    /// A rejected permit writes no validity, as the dictionary it replaced did.
    static func rejectedPermit() throws -> Encoded {
        try Encoded(
            E.PermitDecided(
                subjects: .init(accountID: "a", permitID: "p"),
                payload: .init(approved: "false", months: "6", validFrom: nil, validUntil: nil)))
    }
}
