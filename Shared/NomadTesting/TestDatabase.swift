import Foundation
import NomadKit
import Synchronization

/// The PostgreSQL the tests of one process share: NOMAD_TEST_DATABASE_URL
/// when given, else a throwaway cluster started on first use and stopped by
/// its watchdog when the test process exits. Each test gets a schema of its
/// own, so tests run in parallel without seeing each other's rows.
public enum TestDatabase {
    private static let cluster = Mutex<Result<String, any Error>?>(nil)

    /// The server's base URL (superuser, database "postgres").
    public static func baseURL() throws -> String {
        try cluster.withLock { state in
            if let state { return try state.get() }
            let result = Result<String, any Error> {
                if let url = ProcessInfo.processInfo.environment["NOMAD_TEST_DATABASE_URL"], !url.isEmpty {
                    return url
                }
                let postgres = try LocalPostgres.start()
                return postgres.url()
            }
            state = result
            return try result.get()
        }
    }

    /// A fresh schema name; the service's migrator creates it.
    public static func freshSchema(prefix: String = "t") -> String {
        "\(prefix)_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased())"
    }
}
