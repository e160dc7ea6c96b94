@testable import Analytics

enum AnalyticsSamples {
    static func all() throws -> [Encoded] {
        [
            try Encoded(
                AnalyticsEvents.RevenueConfirmed(
                    subjects: .init(reporterID: "r", reportID: "p"),
                    payload: .init(periodFrom: "2026-01-01", periodTo: "2026-03-31", individual: true, revenueMinor: 1, taxMinor: 1))),
            try Encoded(
                AnalyticsEvents.EnterpriseRecognized(
                    subjects: .init(enterpriseID: "e", recognitionID: "r"), payload: .init(recognizedOn: "2026-01-01"))),
        ]
    }

    static var reads: [String: (subjects: Set<String>, payload: Set<String>)] {
        EventReads.byType.mapValues { ($0.subjects, $0.payload) }
    }
    static var kpiEventTypes: Set<String> { Set(KpiCatalogue.all.flatMap(\.eventTypes)) }
}
