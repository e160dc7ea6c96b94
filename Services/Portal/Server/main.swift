// nomad-portal: the zone's web interface. Reads its environment (see the
// README's Portal section), serves until SIGTERM/SIGINT, drains, exits 0.
import Foundation
import NomadKit
import Portal

let app: PortalApp
do {
    let config = try PortalConfig.fromEnvironment()
    app = try await PortalApp(config: config)
} catch {
    FileHandle.standardError.write(Data("nomad-portal: configuration error: \(error)\n".utf8))
    exit(2)
}

do {
    try await app.run()
} catch {
    FileHandle.standardError.write(Data("nomad-portal: stopped with error: \(error)\n".utf8))
    exit(1)
}
