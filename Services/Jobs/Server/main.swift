// nomad-jobs: wires the jobs library into the chassis and runs it.
// Everything it reads is an environment variable (see the README); a bad
// value exits 2 before anything starts. SIGTERM/SIGINT drain and exit 0.
import Foundation
import Jobs
import NomadKit

NomadRuntime.prepare()
let app: NomadApp
do {
    let config = try NomadConfig.fromEnvironment(service: "jobs", signs: false)
    app = try NomadApp(definition: JobsDefinition.make(), config: config)
} catch {
    FileHandle.standardError.write(Data("nomad-jobs: configuration error: \(error)\n".utf8))
    exit(2)
}

do {
    try await app.run()
} catch {
    FileHandle.standardError.write(Data("nomad-jobs: stopped with error: \(error)\n".utf8))
    exit(1)
}
