// A service executable: its library's definition in the chassis. NomadServer
// reads the environment, runs the service and sets the exit status.
import Analytics
import NomadKit

await NomadServer.run(AnalyticsDefinition.self)
