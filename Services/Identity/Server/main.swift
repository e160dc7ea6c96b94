// nomad-identity: wires the identity library into the chassis and runs it.
// Everything it reads is an environment variable (see the README); a bad
// value exits 2 before anything starts. SIGTERM/SIGINT drain and exit 0.
import Foundation
import Identity
import NomadKit

NomadRuntime.prepare()
let app: NomadApp
do {
    let config = try NomadConfig.fromEnvironment(service: "identity", signs: true)
    let settings = try IdentitySettings.fromEnvironment()
    app = try NomadApp(definition: IdentityDefinition.make(settings: settings), config: config)
} catch {
    FileHandle.standardError.write(Data("nomad-identity: configuration error: \(error)\n".utf8))
    exit(2)
}

do {
    try await app.run()
} catch {
    FileHandle.standardError.write(Data("nomad-identity: stopped with error: \(error)\n".utf8))
    exit(1)
}
