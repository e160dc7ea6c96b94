import NomadKit
import NomadProtos

/// The department whose officers confirm what counts toward the programme's
/// targets (README, "Who decides what"); reading zone-wide figures stays open
/// to every officer. Revenue and tax reports are checked against filings by
/// the tax service (国家税务总局儋州市税务局). High-tech enterprise
/// recognitions are recorded by the Science, Technology, Industry and IT
/// Bureau, the plan's lead for enterprise incubation and rewards (item 11).
enum AnalyticsDecisionOwners {
    typealias M = Nomad_Analytics_V1_AnalyticsService.Method

    static let table = DecisionOwners([
        M.DecideRevenueReport.descriptor: "tax",
        M.RecordRecognition.descriptor: "science_industry",
    ])
}
