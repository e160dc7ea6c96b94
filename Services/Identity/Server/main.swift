// A service executable: its library's definition in the chassis. NomadServer
// reads the environment, runs the service and sets the exit status.
import Identity
import NomadKit

await NomadServer.run(IdentityDefinition.self)
