import ArgumentParser
import Foundation

/// `nomadctl seed`: `up --seed`'s demo zone entered into a suite that something
/// else runs (the compose topology, through its published ports). The admin's
/// password comes on standard input, never on the command line.
struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Enter up --seed's demo zone into a running suite, given its addresses; the admin password is read from standard input.",
        discussion: """
            Logs in as the admin (password: the first line of standard input), enters the demo \
            officers, sites, nomads, enterprises, jobs, a bounty, data and a forum through the public \
            RPCs, and returns when analytics counts them. Not entered twice into the same database.
            """)

    @Option(help: "identity's gRPC address.") var identity = "127.0.0.1:50051"
    @Option(help: "jobs' gRPC address (a balancer in front of the replicas is fine).") var jobs = "127.0.0.1:50052"
    @Option(help: "assets' gRPC address.") var assets = "127.0.0.1:50053"
    @Option(help: "events' gRPC address.") var events = "127.0.0.1:50054"
    @Option(help: "analytics' gRPC address.") var analytics = "127.0.0.1:50055"
    @Option(help: "The admin's username.") var adminUsername = "admin"

    func run() async throws {
        guard let password = readLine(strippingNewline: true), !password.isEmpty else {
            throw CtlError("give the admin's password on standard input")
        }
        let addresses = try [
            "identity": HostPort(parsing: identity), "jobs": HostPort(parsing: jobs), "assets": HostPort(parsing: assets),
            "events": HostPort(parsing: events), "analytics": HostPort(parsing: analytics),
        ]
        try await DemoSeed.run(addresses: addresses, adminUsername: adminUsername, adminPassword: password, say: say)
    }
}
