// nomad-events: wires the events library into the chassis and runs it.
// Everything it reads is an environment variable (see the README); a bad
// value exits 2 before anything starts. SIGTERM/SIGINT drain and exit 0.
import Foundation
import Events
import NomadKit

let app: NomadApp
do {
    let config = try NomadConfig.fromEnvironment(service: "events", signs: false)
    app = try NomadApp(definition: EventsDefinition.make(), config: config)
} catch {
    FileHandle.standardError.write(Data("nomad-events: configuration error: \(error)\n".utf8))
    exit(2)
}

do {
    try await app.run()
} catch {
    FileHandle.standardError.write(Data("nomad-events: stopped with error: \(error)\n".utf8))
    exit(1)
}
