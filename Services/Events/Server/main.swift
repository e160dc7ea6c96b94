// nomad-events: wires the events library into the chassis and runs it.
// Everything it reads is an environment variable (see the README); a bad
// value exits 2 before anything starts. SIGTERM/SIGINT drain and exit 0.
import Foundation
import Events
import NomadKit

NomadRuntime.prepare()
let app: NomadApp
do {
    let config = try NomadConfig.fromEnvironment(service: "events", signs: false)
    let ticketKey = try CalendarEnvironment.ticketKey()
    if ticketKey.ephemeral {
        FileHandle.standardError.write(Data(
            "nomad-events: warning: NOMAD_EVENTS_TICKET_KEY is not set; tickets are signed with an ephemeral key and stop verifying after a restart\n".utf8))
    }
    app = try NomadApp(
        definition: EventsDefinition.make(
            ticketKey: ticketKey.key, previousTicketKeys: try CalendarEnvironment.previousTicketKeys(),
            maxOpenMeetingRequests: try CalendarEnvironment.maxOpenMeetingRequests()),
        config: config)
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
