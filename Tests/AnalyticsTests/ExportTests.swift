import Foundation
import GRPCCore
@testable import Analytics
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// ExportCsv: the same figures as the RPCs, as CSV a spreadsheet opens,
/// streamed in chunks.
@Suite struct ExportTests {
    /// The whole streamed document and how many chunks carried it.
    func export(
        _ env: AnalyticsEnv, _ request: Nomad_Analytics_V1_ExportCsvRequest, as caller: TestCaller
    )
        async throws -> (text: String, chunks: Int)
    {
        try await env.client.exportCsv(request, metadata: caller.metadata) { response in
            var data = Data()
            var chunks = 0
            for try await chunk in response.messages {
                data.append(chunk.data)
                chunks += 1
            }
            return (String(decoding: data, as: UTF8.self), chunks)
        }
    }

    func rows(_ text: String) -> [[String]] {
        text.split(separator: "\r\n", omittingEmptySubsequences: true).map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }

    @Test func eligibilityOfAYearStreamsEveryEnterpriseAsTheListHasIt() async throws {
        try await withRewardsAnalytics(tiers: .defaults) { env in
            // 1,200 enterprises with one flexible engagement each, and one with 20.
            let at = RewardFixtures.zone("2026-05-10T10:00")
            var events = (0..<1200).map { _ in
                RewardFixtures.contractSigned(nomad: UUID().text, enterprise: UUID().text, kind: 3, at: at)
            }
            let busy = UUID().text
            events += (0..<20).map { _ in RewardFixtures.contractSigned(nomad: UUID().text, enterprise: busy, kind: 3, at: at) }
            try await env.ingestEvents(events)

            let officer = env.officer()
            let (text, chunks) = try await export(env, .with { $0.eligibilityYear = 2026 }, as: officer)
            let table = rows(text)
            #expect(table.first == Self.documentedColumns().dropFirst().first, "the header kpis.proto documents")
            #expect(
                table.first == [
                    "enterprise_id", "year", "nomads_introduced", "long_contracts", "flexible_engagements",
                    "nomads_trained", "tiers_met",
                ])
            #expect(table.count == 1 + 1201)
            // More than one message: an export is not capped by the message size limit.
            #expect(chunks > 1)
            let busyRow = try #require(table.first { $0.first == busy })
            #expect(busyRow == [busy, "2026", "20", "0", "20", "0", "introduced_10;flexible_20"])

            // The same rows, in the same order, as ListRewardEligibility pages through them.
            var listed: [Nomad_Analytics_V1_RewardEligibility] = []
            var token = ""
            repeat {
                let page = try await env.client.listRewardEligibility(
                    .with {
                        $0.year = 2026
                        $0.page = .with {
                            $0.pageSize = 100; $0.pageToken = token
                        }
                    }, metadata: officer.metadata)
                listed += page.enterprises
                token = page.page.nextPageToken
            } while !token.isEmpty
            #expect(listed.map(\.enterpriseID) == table.dropFirst().map { $0[0] })
            #expect(listed.map { $0.tiersMet.map(\.code).joined(separator: ";") } == table.dropFirst().map { $0[6] })
        }
    }

    @Test func aKpiSeriesExportsItsMonthsAsGetKpiSeriesAnswers() async throws {
        try await withRewardsAnalytics(tiers: .defaults) { env in
            let visits = (1...3).flatMap { month in
                (0..<month).map { _ in
                    RewardFixtures.event(
                        source: "identity", type: "identity.site.visited",
                        at: RewardFixtures.zone(String(format: "2026-%02d-15T09:00", month)),
                        subjects: ["account_id": UUID().text, "site_id": UUID().text],
                        payload: ["day": String(format: "2026-%02d-15", month), "area": "core"])
                }
            }
            try await env.ingestEvents(visits)
            let request = Nomad_Analytics_V1_GetKpiSeriesRequest.with {
                $0.code = "nomad_visits"
                $0.period = .with {
                    $0.from = .with {
                        $0.year = 2026; $0.month = 1; $0.day = 1
                    }
                    $0.to = .with {
                        $0.year = 2026; $0.month = 4; $0.day = 30
                    }
                }
                $0.area = .core
            }
            let series = try await env.client.getKpiSeries(request, metadata: env.admin().metadata)
            let (text, _) = try await export(env, .with { $0.kpiSeries = request }, as: env.admin())
            let table = rows(text)
            #expect(table.first == ["kpi", "area", "month", "value", "running_total", "target", "target_kind"])
            #expect(table.first == Self.documentedColumns().first, "the header kpis.proto documents")
            #expect(
                table.dropFirst().map { [$0[2], $0[3], $0[4]] }
                    == series.points.map { [$0.month, "\($0.value)", "\($0.runningTotal)"] })
            #expect(table.dropFirst().map { $0[3] } == ["1", "2", "3", "0"])
            #expect(table.dropFirst().allSatisfy { $0[0] == "nomad_visits" && $0[1] == "core" && $0[6] == "annual" })
        }
    }

    @Test func onlyStaffExportAndBadRequestsAreRefused() async throws {
        try await withRewardsAnalytics(tiers: .defaults) { env in
            let request = Nomad_Analytics_V1_ExportCsvRequest.with { $0.eligibilityYear = 2026 }
            for caller in [env.enterprise(), env.nomad()] {
                await expectRPCError(.permissionDenied) { _ = try await export(env, request, as: caller) }
            }
            await expectRPCError(.unauthenticated) {
                // A streamed answer's status arrives with its messages: read them.
                try await env.client.exportCsv(request) { response in for try await _ in response.messages {} }
            }
            let empty = await expectRPCError(.invalidArgument) { _ = try await export(env, .init(), as: env.officer()) }
            #expect(empty?.isEmpty == false)
            await expectRPCError(.invalidArgument) { _ = try await export(env, .with { $0.eligibilityYear = 1999 }, as: env.officer()) }
            await expectRPCError(.notFound) {
                _ = try await export(env, .with { $0.kpiSeries = .with { $0.code = "no_such_kpi" } }, as: env.officer())
            }
        }
    }

    @Test func fieldsAreQuotedAndFormulasNeutralised() {
        #expect(CsvWriter.escaped("plain") == "plain")
        #expect(CsvWriter.escaped("a,b") == "\"a,b\"")
        #expect(CsvWriter.escaped("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CsvWriter.escaped("two\nlines") == "\"two\nlines\"")
        #expect(CsvWriter.escaped("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(CsvWriter.escaped("@SUM(A1)") == "'@SUM(A1)")
        #expect(CsvWriter.escaped("-42") == "-42")
        #expect(CsvWriter.escaped("-cmd") == "'-cmd")
        var writer = CsvWriter(chunkBytes: 10)
        #expect(writer.append(["a", "b"]) == nil)
        let chunk = writer.append(["c", "d"])
        #expect(chunk.map { String(decoding: $0, as: UTF8.self) } == "a,b\r\nc,d\r\n")
        #expect(writer.finish() == nil)
    }

    /// The column lists kpis.proto documents for ExportCsvRequest, in order:
    /// the line after each "Columns:" comment.
    static func documentedColumns() -> [[String]] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let proto = (try? String(contentsOf: root.appendingPathComponent("Protos/nomad/analytics/v1/kpis.proto"), encoding: .utf8)) ?? ""
        let lines = proto.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        return lines.indices.dropLast().filter { lines[$0].hasSuffix("Columns:") }.map {
            lines[$0 + 1].dropFirst(2).trimmingCharacters(in: .whitespaces).split(separator: ",").map(String.init)
        }
    }
}
