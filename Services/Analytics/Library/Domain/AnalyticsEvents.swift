import NomadKit

/// The events analytics records itself (`OwnEventStore`), beside those it ingests.
enum AnalyticsEvents {
    struct RevenueConfirmed: OutboxEvent {
        static let type = "analytics.revenue.confirmed"
        var subjects: Subjects
        struct Subjects: Encodable { var reporterID, reportID: String }
        var payload: Payload
        /// Money in fen (CNY).
        struct Payload: Encodable {
            var periodFrom: String
            var periodTo: String
            var individual: Bool
            var revenueMinor: Int64
            var taxMinor: Int64
        }
    }

    struct EnterpriseRecognized: OutboxEvent {
        static let type = "analytics.enterprise.recognized"
        var subjects: Subjects
        struct Subjects: Encodable { var enterpriseID, recognitionID: String }
        var payload: Payload
        struct Payload: Encodable { var recognizedOn: String }
    }
}
