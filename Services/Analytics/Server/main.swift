// nomad-analytics: wires the analytics library into the chassis and runs it.
// Everything it reads is an environment variable (see the README); a bad
// value exits 2 before anything starts. SIGTERM/SIGINT drain and exit 0.
import Foundation
import Analytics
import NomadKit

NomadRuntime.prepare()
let app: NomadApp
do {
    let config = try NomadConfig.fromEnvironment(service: "analytics", signs: false)
    if config.serviceTokenKey == nil {
        FileHandle.standardError.write(Data(
            "nomad-analytics: warning: NOMAD_SERVICE_TOKEN_KEY is not set; no relay can deliver events\n".utf8))
    }
    app = try NomadApp(
        definition: AnalyticsDefinition.make(
            kpiSettings: try KpiSettings.fromEnvironment(), rewardTiers: try RewardsEnvironment.rewardTiers()),
        config: config)
} catch {
    FileHandle.standardError.write(Data("nomad-analytics: configuration error: \(error)\n".utf8))
    exit(2)
}

do {
    try await app.run()
} catch {
    FileHandle.standardError.write(Data("nomad-analytics: stopped with error: \(error)\n".utf8))
    exit(1)
}
