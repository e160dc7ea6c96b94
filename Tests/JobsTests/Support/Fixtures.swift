import Foundation
import GRPCCore
@testable import Jobs
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf

/// Steps many jobs tests share, through the public RPCs.
extension JobsEnv {
    /// A published job; `skills` are (code, min level, weight, essential).
    func publishJob(
        by enterprise: Caller, title: String = "iOS app for a Danzhou homestay",
        skills: [(String, Int32, Int32, Bool)] = [("software.mobile.ios", 3, 5, true)],
        mode: Nomad_Jobs_V1_JobMode = .remoteOrder, seats: Int32 = 1, claimable: Bool = true,
        budgetMinor: Int64 = 800_000, deadline: Date = Date().addingTimeInterval(30 * 86400),
        tools: [String] = ["Xcode"], languages: [String] = ["zh-CN"], externalID: String = ""
    ) async throws -> Nomad_Jobs_V1_Job {
        try await client.publishJob(
            .with {
                $0.requestID = UUID().uuidString
                $0.job = Self.posting(
                    title: title, skills: skills, mode: mode, seats: seats, claimable: claimable,
                    budgetMinor: budgetMinor, deadline: deadline, tools: tools, languages: languages,
                    externalID: externalID)
            }, metadata: enterprise.metadata)
    }

    static func posting(
        title: String = "iOS app for a Danzhou homestay",
        skills: [(String, Int32, Int32, Bool)] = [("software.mobile.ios", 3, 5, true)],
        mode: Nomad_Jobs_V1_JobMode = .remoteOrder, seats: Int32 = 1, claimable: Bool = true,
        budgetMinor: Int64 = 800_000, deadline: Date = Date().addingTimeInterval(30 * 86400),
        tools: [String] = ["Xcode"], languages: [String] = ["zh-CN"], externalID: String = ""
    ) -> Nomad_Jobs_V1_Job {
        .with {
            $0.title = title
            $0.description_p = "Build and ship the booking app."
            $0.requiredSkills = skills.map { skill in
                .with {
                    $0.skillCode = skill.0; $0.minLevel = skill.1; $0.weight = skill.2; $0.essential = skill.3
                }
            }
            $0.tools = tools
            $0.budget = .with {
                $0.currencyCode = "CNY"; $0.minorUnits = budgetMinor
            }
            $0.mode = mode
            $0.seats = seats
            $0.claimable = claimable
            $0.deadline = .init(date: deadline)
            $0.languages = languages
            $0.externalID = externalID
        }
    }

    /// Replaces the nomad's profile; `skills` are (code, level).
    @discardableResult
    func updateProfile(
        of nomad: Caller, skills: [(String, Int32)], tools: [String] = ["Xcode"],
        availability: Nomad_Jobs_V1_Availability = .fullTime, languages: [String] = ["zh-CN", "en"]
    ) async throws -> Nomad_Jobs_V1_Profile {
        try await client.updateProfile(
            .with {
                $0.requestID = UUID().uuidString
                $0.profile = .with {
                    $0.skills = skills.map { skill in
                        .with {
                            $0.skillCode = skill.0; $0.level = skill.1; $0.yearsExperience = 3; $0.tools = tools
                        }
                    }
                    $0.availability = availability
                    $0.hoursPerWeek = 40
                    $0.timeZone = "Asia/Shanghai"
                    $0.languages = languages
                    $0.rate = .with {
                        $0.currencyCode = "CNY"; $0.minorUnits = 20_000
                    }
                }
            }, metadata: nomad.metadata)
    }

    func claimJob(_ job: Nomad_Jobs_V1_Job, by nomad: Caller, requestID: String = UUID().uuidString) async throws -> Nomad_Jobs_V1_Order {
        try await client.claimJob(
            .with {
                $0.requestID = requestID
                $0.jobID = job.jobID
            }, metadata: nomad.metadata)
    }
}
