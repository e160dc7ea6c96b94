import Foundation
import GRPCCore
@testable import Analytics
import NomadKit
import NomadProtos
import NomadTesting
import Testing

/// Races decided by the database: row locks, an advisory lock, a unique key.
@Suite struct ReportConcurrencyTests {
    @Test func twoOfficersDecidingAtOnceExactlyOneWins() async throws {
        try await withAnalytics { env in
            for (from, to) in [("2025-01-01", "2025-01-31"), ("2025-02-01", "2025-02-28"), ("2025-03-01", "2025-03-31")] {
                let report = try await env.submitRevenueReport(env.enterprise(), from: from, to: to, revenueYuan: 1)
                let outcomes = try await withThrowingTaskGroup(of: RPCError.Code?.self) { group in
                    for index in 0..<8 {
                        group.addTask {
                            do {
                                // Half confirm, half reject: whichever is first decides.
                                try await env.decideRevenueReport(report.reportID, confirm: index % 2 == 0, reason: "race \(index)")
                                return nil
                            } catch let error as RPCError {
                                return error.code
                            }
                        }
                    }
                    return try await group.reduce(into: [RPCError.Code?]()) { $0.append($1) }
                }
                #expect(outcomes.filter { $0 == nil }.count == 1)
                #expect(outcomes.filter { $0 == .failedPrecondition }.count == 7)
            }
            // At most one confirmation event per report, and only for confirmed ones.
            let confirmed = try await env.count("revenue_reports", "status = 2")
            #expect(try await env.storedCount("type = 'analytics.revenue.confirmed'").rows == confirmed)
            #expect(try await env.count("revenue_reports", "status = 1") == 0)
        }
    }

    @Test func overlappingReportsSentAtOnceLeaveOneLive() async throws {
        try await withAnalytics { env in
            let enterprise = env.enterprise()
            let codes = try await withThrowingTaskGroup(of: RPCError.Code?.self) { group in
                for month in 1...8 {
                    group.addTask {
                        do {
                            // Every period contains September: all overlap pairwise.
                            try await env.submitRevenueReport(
                                enterprise, from: String(format: "2025-%02d-01", month), to: "2025-09-30", revenueYuan: 1)
                            return nil
                        } catch let error as RPCError {
                            return error.code
                        }
                    }
                }
                return try await group.reduce(into: [RPCError.Code?]()) { $0.append($1) }
            }
            #expect(codes.filter { $0 == nil }.count == 1)
            #expect(codes.filter { $0 == .alreadyExists }.count == 7)
            #expect(try await env.count("revenue_reports") == 1)
        }
    }

    @Test func oneRecognitionPerEnterpriseUnderConcurrency() async throws {
        try await withAnalytics { env in
            let enterprise = UUID().text
            let codes = try await withThrowingTaskGroup(of: RPCError.Code?.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        do {
                            try await env.recordRecognition(enterprise, on: "2025-02-14")
                            return nil
                        } catch let error as RPCError {
                            return error.code
                        }
                    }
                }
                return try await group.reduce(into: [RPCError.Code?]()) { $0.append($1) }
            }
            #expect(codes.filter { $0 == nil }.count == 1)
            #expect(codes.filter { $0 == .alreadyExists }.count == 7)
            #expect(try await env.storedCount("type = 'analytics.enterprise.recognized'").rows == 1)
        }
    }
}
