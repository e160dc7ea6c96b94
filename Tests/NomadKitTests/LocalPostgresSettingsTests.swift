import Foundation
import NomadKit
import NomadLocal
import Testing

/// What the clusters we start promise: a throwaway one trades durability for
/// speed, a kept one keeps what it acknowledged, and neither writes the values
/// of a refused row (personal numbers) into its log.
@Suite struct LocalPostgresSettingsTests {
    static let durability =
        "SELECT current_setting('fsync') || current_setting('synchronous_commit') || current_setting('full_page_writes')"

    @Test func aThrowawayClusterRunsFastAndLogsTersely() throws {
        let cluster = try LocalPostgres.start()
        defer { cluster.stop() }
        #expect(try cluster.psql(Self.durability) == "offoffoff")
        #expect(try cluster.psql("SHOW log_error_verbosity") == "terse")
    }

    @Test func aKeptDataDirectoryStartedDurableTurnsDurable() throws {
        let base = NSTemporaryDirectory() + "nomad-durable-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: base) }
        let fast = try LocalPostgres.start(.init(baseDirectory: base))
        try fast.psql("CREATE TABLE kept (id int); INSERT INTO kept VALUES (1)")
        #expect(try fast.psql(Self.durability) == "offoffoff")
        fast.stop()

        let durable = try LocalPostgres.start(.init(baseDirectory: base, durable: true))
        defer { durable.stop() }
        #expect(try durable.psql(Self.durability) == "ononon")
        #expect(try durable.psql("SHOW log_error_verbosity") == "terse")
        #expect(try durable.psql("SELECT count(*) FROM kept") == "1")
    }

    @Test func aUniqueViolationLeavesTheDuplicateValueOutOfTheLog() throws {
        let base = NSTemporaryDirectory() + "nomad-terse-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: base) }
        let cluster = try LocalPostgres.start(.init(baseDirectory: base))
        defer { cluster.stop() }
        try cluster.psql("CREATE TABLE people (passport text UNIQUE); INSERT INTO people VALUES ('E12345678')")
        #expect(throws: LocalPostgresError.self) { try cluster.psql("INSERT INTO people VALUES ('E12345678')") }
        let log = try String(contentsOfFile: base + "/postgres.log", encoding: .utf8)
        #expect(log.contains("duplicate key value violates unique constraint"))
        // The DETAIL would read "Key (passport)=(E12345678) already exists." (The
        // STATEMENT line quotes psql's literal; the services bind parameters.)
        #expect(!log.contains("Key (passport)"))
    }
}
