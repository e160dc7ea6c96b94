import NomadKit

/// Every event identity emits. The payload values are strings (numbers and
/// booleans spelled out) because that is how the stored events and the KPI SQL
/// already read them; the keys are the Swift names in snake_case
/// (`Outbox.append`). Analytics reads them (EventContractTests).
///
/// Written in SQL instead: a card holder's "identity.site.visited"
/// (`record_site_visit`, migration 7), with the same payload as `SiteVisited`.
enum IdentityEvents {
    struct NomadRegistered: OutboxEvent {
        static let type = "identity.nomad.registered"
        var subjects: Subjects
        struct Subjects: Encodable { var accountID: String }
        var payload: Payload
        struct Payload: Encodable { var nationality: String, foreign: String }
    }

    struct EnterpriseRegistered: OutboxEvent {
        static let type = "identity.enterprise.registered"
        var subjects: Subjects
        struct Subjects: Encodable { var accountID: String }
        var payload: Payload
        struct Payload: Encodable { var creditCode: String }
    }

    struct CardStatusChanged: OutboxEvent {
        static let type = "identity.card.status_changed"
        var subjects: Subjects
        struct Subjects: Encodable { var accountID: String }
        var payload: Payload
        struct Payload: Encodable { var status: String, reason: String }
    }

    struct ApplicationSubmitted: OutboxEvent {
        static let type = "identity.application.submitted"
        var subjects: Subjects
        struct Subjects: Encodable { var accountID, applicationID: String }
        var payload: Payload
        struct Payload: Encodable {
            var serviceCode: String, department: String, applicantRole: String, processingDays: String
        }
    }

    struct ApplicationDecided: OutboxEvent {
        static let type = "identity.application.decided"
        var subjects: Subjects
        struct Subjects: Encodable { var accountID, applicationID: String }
        var payload: Payload
        struct Payload: Encodable {
            var serviceCode: String, department: String, approved: String
            /// Decided after the legal time limit.
            var late: String
        }
    }

    struct ApplicationRated: OutboxEvent {
        static let type = "identity.application.rated"
        var subjects: Subjects
        struct Subjects: Encodable { var accountID, applicationID: String }
        var payload: Payload
        struct Payload: Encodable { var serviceCode: String, department: String, stars: String, overdue: String }
    }

    struct PermitApplied: OutboxEvent {
        static let type = "identity.permit.applied"
        var subjects: Subjects
        struct Subjects: Encodable { var accountID, permitID: String }
        var payload: Payload
        struct Payload: Encodable {
            var nationality: String, months: String
            /// Activity codes joined with ",".
            var activities: String
            var startDate: String
            /// Empty for a first permit.
            var renewsPermitID: String
        }
    }

    struct PermitDecided: OutboxEvent {
        static let type = "identity.permit.decided"
        var subjects: Subjects
        struct Subjects: Encodable { var accountID, permitID: String }
        var payload: Payload
        struct Payload: Encodable {
            var approved: String, months: String
            /// Absent when the permit is rejected.
            var validFrom: String?, validUntil: String?
        }
    }

    struct PermitRevoked: OutboxEvent {
        static let type = "identity.permit.revoked"
        var subjects: Subjects
        struct Subjects: Encodable { var accountID, permitID: String }
        var payload: Payload
        struct Payload: Encodable { var validUntil: String, revokedOn: String }
    }

    struct CertificationApplied: OutboxEvent {
        static let type = "identity.certification.applied"
        var subjects: Subjects
        struct Subjects: Encodable { var accountID, certificationID: String }
        var payload: Criteria
    }

    struct NomadCertified: OutboxEvent {
        static let type = "identity.nomad.certified"
        var subjects: Subjects
        struct Subjects: Encodable { var accountID, certificationID: String }
        var payload: Criteria
    }

    struct Criteria: Encodable { var criteriaMet: String }

    struct NomadSettled: OutboxEvent {
        static let type = "identity.nomad.settled"
        var subjects: Subjects
        struct Subjects: Encodable { var accountID: String }
        var payload: Payload
        struct Payload: Encodable { var reason: String }
    }

    struct SiteCreated: OutboxEvent {
        static let type = "identity.site.created"
        var subjects: Subjects
        struct Subjects: Encodable { var siteID: String }
        var payload: Payload
        struct Payload: Encodable { var area: String, capacity: String, international: String }
    }

    struct SiteVisited: OutboxEvent {
        static let type = "identity.site.visited"
        var subjects: Subjects
        struct Subjects: Encodable { var accountID, siteID: String }
        var payload: Payload
        /// `day` is the zone day; `area` is "core" or "linked".
        struct Payload: Encodable { var day: String, area: String }
    }
}
