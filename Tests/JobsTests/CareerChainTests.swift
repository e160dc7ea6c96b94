import Foundation
import GRPCCore
@testable import Jobs
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

@Suite("Career chain")
struct CareerChainTests {
    func careerChain(_ env: JobsEnv, of nomad: JobsEnv.Caller, by caller: JobsEnv.Caller? = nil) async throws -> Nomad_Jobs_V1_CareerChain {
        try await env.client.getCareerChain(
            .with {
                if caller != nil { $0.nomadID = nomad.id }
            }, metadata: (caller ?? nomad).metadata)
    }

    @Test("scenario, then a year's contract, then completion: landed, in time order")
    func landedChain() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise(), nomad = env.nomad()
            try await env.insertSkills(["software.mobile.ios"])
            let scenario = try await env.createScenario()
            _ = try await env.completeScenario(scenario, nomad: nomad)
            let (_, order) = try await env.completedOrder(
                enterprise: enterprise, nomad: nomad, mode: .longContract,
                contract: JobsEnv.contract(.employment, months: 12))
            let chain = try await careerChain(env, of: nomad)
            #expect(chain.nomadID == nomad.id)
            #expect(chain.steps.map(\.stage) == [.scenario, .order, .landed, .orderCompleted])
            #expect(chain.steps.map(\.referenceID) == [scenario.scenarioID, order.orderID, order.orderID, order.orderID])
            #expect(chain.steps.allSatisfy { $0.skillCode == "software.mobile.ios" })
            #expect(zip(chain.steps, chain.steps.dropFirst()).allSatisfy { $0.at.date <= $1.at.date })
            #expect(chain.scenariosCompleted == 1 && chain.ordersTaken == 1 && chain.ordersCompleted == 1)
            #expect(chain.landed)

            let byOfficer = try await careerChain(env, of: nomad, by: env.officer())
            #expect(byOfficer == chain)
            #expect(try await careerChain(env, of: nomad, by: env.admin()) == chain)
        }
    }

    @Test("a short service order does not land; a flexible claim does; a cancelled year's contract does not")
    func whatLands() async throws {
        try await withJobs { env in
            let enterprise = env.enterprise()
            let short = env.nomad()
            _ = try await env.completedOrder(enterprise: enterprise, nomad: short)
            var chain = try await careerChain(env, of: short)
            #expect(chain.steps.map(\.stage) == [.order, .orderCompleted])
            #expect(chain.ordersTaken == 1 && chain.ordersCompleted == 1 && !chain.landed)

            let flexible = env.nomad()
            let job = try await env.insertJob(by: enterprise, mode: .flexible, claimable: true)
            _ = try await env.claimJob(job, by: flexible)
            chain = try await careerChain(env, of: flexible)
            #expect(chain.steps.map(\.stage) == [.order, .landed])
            #expect(chain.landed && chain.ordersCompleted == 0)

            let cancelled = env.nomad()
            let (_, order) = try await env.activeOrder(
                enterprise: enterprise, nomad: cancelled, mode: .longContract, contract: JobsEnv.contract(.employment, months: 24))
            #expect(try await careerChain(env, of: cancelled).landed)
            _ = try await env.cancelOrder(order, by: cancelled)
            chain = try await careerChain(env, of: cancelled)
            #expect(chain.steps.map(\.stage) == [.order])
            #expect(chain.ordersTaken == 1 && !chain.landed)

            // An application not (yet) accepted is not a step.
            let applicant = env.nomad()
            _ = try await env.applyToJob(try await env.insertJob(by: enterprise, claimable: false), by: applicant)
            chain = try await careerChain(env, of: applicant)
            #expect(chain.steps.isEmpty && chain.ordersTaken == 0 && !chain.landed)
        }
    }

    @Test("only the nomad themselves or staff read a chain")
    func access() async throws {
        try await withJobs { env in
            let nomad = env.nomad()
            await expectRPCError(.permissionDenied) { _ = try await careerChain(env, of: nomad, by: env.nomad()) }
            await expectRPCError(.permissionDenied) { _ = try await careerChain(env, of: nomad, by: env.enterprise()) }
            let zh = await expectRPCError(.invalidArgument) {
                _ = try await env.client.getCareerChain(.init(), metadata: env.officer().metadata(language: "zh-CN"))
            }
            #expect(zh?.contains("nomad_id") == true)
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.getCareerChain(.with { $0.nomadID = "nope" }, metadata: env.officer().metadata)
            }
            let own = try await env.client.getCareerChain(.with { $0.nomadID = nomad.id }, metadata: nomad.metadata)
            #expect(own.steps.isEmpty && !own.landed)
        }
    }

    @Test("the chain's definition, apart from storage")
    func definition() {
        let t0 = Date(timeIntervalSince1970: 1_700_000_000)
        let scenario = UUID(), long = UUID(), short = UUID(), cancelled = UUID(), applied = UUID()
        let chain = CareerChain(
            completions: [.init(scenarioID: scenario, skillCode: "design.ui", completedAt: t0.addingTimeInterval(50))],
            orders: [
                .init(
                    orderID: long, skillCode: "design.ui", cancelled: false, flexible: false, longTerm: true,
                    signedAt: t0.addingTimeInterval(100), completedAt: nil),
                .init(
                    orderID: short, skillCode: "design.ui", cancelled: false, flexible: false, longTerm: false,
                    signedAt: t0, completedAt: t0.addingTimeInterval(10)),
                .init(
                    orderID: cancelled, skillCode: "design.ui", cancelled: true, flexible: true, longTerm: false,
                    signedAt: t0.addingTimeInterval(200), completedAt: nil),
                .init(
                    orderID: applied, skillCode: "design.ui", cancelled: false, flexible: true, longTerm: false,
                    signedAt: nil, completedAt: nil),
            ])
        #expect(chain.steps.map(\.stage) == [.order, .orderCompleted, .scenario, .order, .landed, .order])
        #expect(chain.steps.map(\.referenceID) == [short, short, scenario, long, long, cancelled])
        #expect(chain.scenariosCompleted == 1 && chain.ordersTaken == 3 && chain.ordersCompleted == 1 && chain.landed)
        #expect(
            OrderRules.wholeMonths(from: ZoneDay(year: 2025, month: 1, day: 31)!, through: ZoneDay(year: 2026, month: 1, day: 30)!) == 12)
        #expect(OrderRules.wholeMonths(from: ZoneDay(year: 2025, month: 1, day: 1)!, through: ZoneDay(year: 2025, month: 1, day: 30)!) == 0)
        #expect(OrderRules.wholeMonths(from: ZoneDay(year: 2025, month: 3, day: 1)!, through: ZoneDay(year: 2025, month: 5, day: 31)!) == 3)
    }
}
