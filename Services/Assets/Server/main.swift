// nomad-assets: wires the assets library into the chassis and runs it.
// Everything it reads is an environment variable (see the README); a bad
// value exits 2 before anything starts. SIGTERM/SIGINT drain and exit 0.
import Foundation
import Assets
import NomadKit

NomadRuntime.prepare()
let app: NomadApp
do {
    let config = try NomadConfig.fromEnvironment(service: "assets", signs: false)
    app = try NomadApp(definition: AssetsDefinition.make(bubble: try BubbleSettings.fromEnvironment()), config: config)
} catch {
    FileHandle.standardError.write(Data("nomad-assets: configuration error: \(error)\n".utf8))
    exit(2)
}

do {
    try await app.run()
} catch {
    FileHandle.standardError.write(Data("nomad-assets: stopped with error: \(error)\n".utf8))
    exit(1)
}
