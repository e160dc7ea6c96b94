import Foundation
import Testing

/// Analytics reads the producers' events by name without importing them; these
/// tests hold the names it reads (`EventReads`) against what producers write,
/// and the SQL against `EventReads`.
@Suite struct AnalyticsReadsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Events some SQL function writes (alone or beside Swift), by the
    /// service whose migrations hold it.
    static let writtenInSQL: [String: String] = [
        "events.checkin.recorded": "Events", "assets.points.redeemed": "Assets",
        "identity.site.visited": "Identity", "jobs.contract.signed": "Jobs",
    ]

    @Test func everyKeyAnalyticsReadsIsWritten() throws {
        let samples = Dictionary(try Samples.all().map { ($0.type, $0) }, uniquingKeysWith: { first, _ in first })
        for (type, reads) in AnalyticsSamples.reads {
            if let service = Self.writtenInSQL[type] {
                let sql = try Self.lastStatement(writing: type, in: service)
                for key in reads.subjects.union(reads.payload) {
                    #expect(sql.contains("'\(key)'"), "\(type): \(service)'s SQL does not write \(key)")
                }
            }
            guard let sample = samples[type] else {
                #expect(Self.writtenInSQL[type] != nil, "no producer emits \(type)")
                continue
            }
            #expect(
                reads.payload.isSubset(of: sample.payloadKeys), "\(type) payload lacks \(reads.payload.subtracting(sample.payloadKeys))")
            #expect(
                reads.subjects.isSubset(of: sample.subjectKeys), "\(type) subjects lack \(reads.subjects.subtracting(sample.subjectKeys))")
        }
    }

    @Test func theSqlReadsOnlyDeclaredKeys() throws {
        let reads = AnalyticsSamples.reads
        let subjects = reads.values.reduce(into: Set<String>()) { $0.formUnion($1.subjects) }
        let payload = reads.values.reduce(into: Set<String>()) { $0.formUnion($1.payload) }
        let sql = try Self.sources(under: "Services/Analytics/Library")
        let subjectReads = Self.matches(#"subject_ids\s*->>?\s*'([a-z_]+)'"#, in: sql)
        let payloadReads = Self.matches(#"payload\s*->>?\s*'([a-z_]+)'"#, in: sql)
        #expect(!subjectReads.isEmpty && !payloadReads.isEmpty)
        #expect(subjectReads.isSubset(of: subjects), "undeclared subject keys: \(subjectReads.subtracting(subjects))")
        #expect(payloadReads.isSubset(of: payload), "undeclared payload keys: \(payloadReads.subtracting(payload))")
        // The KPIs built from helpers name their keys in Swift.
        for match in Self.groups(#"firstDayPer\("([a-z_.]+)", "([a-z_]+)"\)"#, in: sql) {
            #expect(reads[match[0]]?.subjects.contains(match[1]) == true, "\(match)")
        }
        for match in Self.groups(#"reportedSum\("([a-z_]+)"\)"#, in: sql) {
            #expect(reads["analytics.revenue.confirmed"]?.payload.contains(match[0]) == true, "\(match)")
        }
        #expect(AnalyticsSamples.kpiEventTypes.isSubset(of: Set(reads.keys)))
    }

    /// The function body of the newest migration statement that writes `type`.
    static func lastStatement(writing type: String, in service: String) throws -> String {
        let text = try sources(under: "Services/\(service)/Library/Migrations")
        guard let at = text.range(of: "'\(type)'", options: .backwards) else { return "" }
        let start =
            text.range(of: "CREATE", options: .backwards, range: text.startIndex..<at.lowerBound)?.lowerBound
            ?? text.startIndex
        let end = text.range(of: "\nEND", range: at.upperBound..<text.endIndex)?.lowerBound ?? text.endIndex
        return String(text[start..<end])
    }

    /// The files in name order, so migrations come oldest first.
    static func sources(under folder: String) throws -> String {
        let base = root.appendingPathComponent(folder)
        let files = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        #expect(!files.isEmpty, "no sources under \(folder)")
        return try files.map { try String(contentsOf: $0, encoding: .utf8) }.joined(separator: "\n")
    }

    static func matches(_ pattern: String, in text: String) -> Set<String> {
        Set(groups(pattern, in: text).map { $0[0] })
    }

    static func groups(_ pattern: String, in text: String) -> [[String]] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match in
            (1..<match.numberOfRanges).map { String(text[Range(match.range(at: $0), in: text)!]) }
        }
    }
}
