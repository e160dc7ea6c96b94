import Foundation
import GRPCCore
@testable import Jobs
import Logging
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

@Suite struct ProfileTests {
    @Test func aNomadSavesTheirProfileAndTheRightPeopleReadIt() async throws {
        try await withJobs { env in
            let nomad = env.nomad(standing: .certified)
            let saved = try await env.updateProfile(of: nomad, skills: [("software.mobile.ios", 4), ("Swift", 3)])
            #expect(saved.nomadID == nomad.id)
            #expect(saved.skills.map(\.skillCode) == ["software.mobile.ios", "software.languages.swift"])
            #expect(saved.skills.allSatisfy { $0.verifiedLevel == 0 && $0.verification == .selfDeclared && $0.tools == ["Xcode"] })
            #expect(saved.availability == .fullTime && saved.hoursPerWeek == 40 && saved.timeZone == "Asia/Shanghai")
            #expect(saved.languages == ["zh-CN", "en"])
            #expect(saved.rate.currencyCode == "CNY" && saved.rate.minorUnits == 20_000)
            #expect(saved.certification == .certified)
            #expect(try await env.app.outboxCount(type: "jobs.profile.updated", subject: nomad.id) == 1)

            let own = try await env.client.getProfile(.init(), metadata: nomad.metadata)
            #expect(own == saved)
            for reader in [env.enterprise(), env.officer(), env.admin()] {
                #expect(try await env.client.getProfile(.with { $0.nomadID = nomad.id }, metadata: reader.metadata) == saved)
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.getProfile(.with { $0.nomadID = nomad.id }, metadata: env.nomad().metadata)
            }
            await expectRPCError(.notFound) { _ = try await env.client.getProfile(.init(), metadata: env.nomad().metadata) }
            await expectRPCError(.notFound) {
                _ = try await env.client.getProfile(.with { $0.nomadID = UUID().uuidString }, metadata: env.enterprise().metadata)
            }
            await expectRPCError(.invalidArgument) { _ = try await env.client.getProfile(.init(), metadata: env.enterprise().metadata) }
            await expectRPCError(.permissionDenied) { _ = try await env.updateProfile(of: env.enterprise(), skills: [("design.ui", 2)]) }
        }
    }

    @Test func standingComesFromTheTokenOnEverySave() async throws {
        try await withJobs { env in
            let registered = try await env.updateProfile(of: env.nomad(standing: .registered), skills: [])
            let settled = try await env.updateProfile(of: env.nomad(standing: .settled), skills: [])
            #expect(registered.certification == .none)
            #expect(settled.certification == .settled)
        }
    }

    @Test func theMaskReplacesOnlyTheNamedFields() async throws {
        try await withJobs { env in
            let nomad = env.nomad()
            let before = try await env.updateProfile(of: nomad, skills: [("design.ui", 4)])
            let after = try await env.client.updateProfile(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.profile = .with {
                        $0.hoursPerWeek = 10
                        $0.timeZone = "Europe/Lisbon"
                        $0.skills = [
                            .with {
                                $0.skillCode = "games"; $0.level = 1
                            }
                        ]
                    }
                    $0.updateMask = ["hours_per_week", "time_zone"]
                }, metadata: nomad.metadata)
            #expect(after.hoursPerWeek == 10 && after.timeZone == "Europe/Lisbon")
            #expect(after.skills == before.skills)
            #expect(after.availability == before.availability && after.languages == before.languages && after.rate == before.rate)
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.updateProfile(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.updateMask = ["nomad_id"]
                    }, metadata: nomad.metadata)
            }
        }
    }

    @Test func badProfilesAreRefusedAndChangeNothing() async throws {
        try await withJobs { env in
            let nomad = env.nomad()
            let before = try await env.updateProfile(of: nomad, skills: [("software.web", 3)])
            func refuse(language: String = "en", _ edit: (inout Nomad_Jobs_V1_Profile) -> Void) async -> String? {
                var profile = before
                edit(&profile)
                let sent = profile
                return await expectRPCError(.invalidArgument) {
                    _ = try await env.client.updateProfile(
                        .with {
                            $0.requestID = UUID().uuidString
                            $0.profile = sent
                        }, metadata: nomad.metadata(language: language))
                }
            }
            _ = await refuse { $0.skills[0].level = 0 }
            _ = await refuse { $0.skills[0].level = 6 }
            let unknown = await refuse(language: "zh-CN") { $0.skills[0].skillCode = "basket weaving" }
            #expect(unknown == "技能库中没有该技能：basket weaving")
            _ = await refuse {
                $0.skills.append(
                    .with {
                        $0.skillCode = "Web 开发"; $0.level = 2
                    })
            }
            _ = await refuse { $0.skills[0].yearsExperience = -1 }
            _ = await refuse { $0.hoursPerWeek = 81 }
            _ = await refuse { $0.timeZone = "Mars/Olympus" }
            _ = await refuse { $0.languages = ["english please"] }
            _ = await refuse { $0.languages = Array(repeating: "en", count: 11) }
            _ = await refuse { $0.rate.minorUnits = -5 }
            _ = await refuse { $0.rate.currencyCode = "rmb" }
            #expect(try await env.client.getProfile(.init(), metadata: nomad.metadata) == before)
            #expect(try await env.app.outboxCount(type: "jobs.profile.updated", subject: nomad.id) == 1)
        }
    }

    @Test func aRetriedSaveAnswersTheSameAndChangesOnce() async throws {
        try await withJobs { env in
            let nomad = env.nomad()
            let request = Nomad_Jobs_V1_UpdateProfileRequest.with {
                $0.requestID = UUID().uuidString
                $0.profile = .with {
                    $0.skills = [
                        .with {
                            $0.skillCode = "data.labelling"; $0.level = 2
                        }
                    ]
                    $0.availability = .partTime
                }
                $0.updateMask = ["skills", "availability"]
            }
            let first = try await env.client.updateProfile(request, metadata: nomad.metadata)
            let second = try await env.client.updateProfile(request, metadata: nomad.metadata)
            #expect(first == second)
            #expect(try await env.app.outboxCount(type: "jobs.profile.updated", subject: nomad.id) == 1)
        }
    }

    /// Proofs are not the nomad's to set or lose: replacing the list keeps
    /// them, and a skill dropped and added again gets its proof back.
    @Test func verifiedLevelsSurviveEditsOfTheSkillList() async throws {
        try await withJobs { env in
            let nomad = env.nomad()
            _ = try await env.updateProfile(of: nomad, skills: [("software.mobile.ios", 2)])
            let nomadID = try #require(UUID(uuidString: nomad.id))
            try await env.app.withSchemaConnection { tx in
                try await VerificationStore.record(
                    tx, nomadID: nomadID,
                    skillCode: "software.mobile.ios", level: 4, source: .order, referenceID: UUID())
            }
            func ios(_ profile: Nomad_Jobs_V1_Profile) -> Nomad_Jobs_V1_ProfileSkill? {
                profile.skills.first { $0.skillCode == "software.mobile.ios" }
            }
            var profile = try await env.updateProfile(of: nomad, skills: [("software.mobile.ios", 5), ("design.ui", 2)])
            #expect(ios(profile)?.level == 5)
            #expect(ios(profile)?.verifiedLevel == 4 && ios(profile)?.verification == .order)

            // Output-only fields sent by the nomad are ignored.
            profile = try await env.client.updateProfile(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.profile = .with {
                        $0.skills = [
                            .with {
                                $0.skillCode = "design.ui"; $0.level = 2; $0.verifiedLevel = 5; $0.verification = .training
                            }
                        ]
                    }
                    $0.updateMask = ["skills"]
                }, metadata: nomad.metadata)
            #expect(profile.skills.map(\.verifiedLevel) == [0] && ios(profile) == nil)

            profile = try await env.updateProfile(of: nomad, skills: [("iOS 开发", 3)])
            #expect(ios(profile)?.verifiedLevel == 4 && ios(profile)?.verification == .order)
        }
    }

    @Test func concurrentSavesOfOneNomadEachApplyWhole() async throws {
        try await withJobs { env in
            let nomad = env.nomad()
            let codes = [
                "software.web", "design.ui", "data.cleaning", "ai.training", "games", "media.livestream", "photography", "commerce",
            ]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for code in codes {
                    group.addTask { _ = try await env.updateProfile(of: nomad, skills: [(code, 3), ("software.backend", 2)]) }
                }
                try await group.waitForAll()
            }
            let profile = try await env.client.getProfile(.init(), metadata: nomad.metadata)
            #expect(profile.skills.count == 2)
            #expect(profile.skills.contains { $0.skillCode == "software.backend" })
            #expect(try await env.app.outboxCount(type: "jobs.profile.updated", subject: nomad.id) == codes.count)
        }
    }
}
