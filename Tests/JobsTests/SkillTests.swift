import Foundation
import GRPCCore
@testable import Jobs
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

@Suite struct SkillTests {
    static let required = [
        "software", "software.mobile", "software.mobile.ios", "software.mobile.android", "software.web", "software.backend",
        "data", "data.labelling", "data.cleaning", "ai", "ai.training", "games", "media", "media.livestream", "commerce",
        "commerce.cross-border", "photography", "design", "design.ui",
    ]

    @Test func termsFoldCaseSeparatorsAndWidthButKeepChinese() {
        #expect(SkillTerms.key(" Swift ") == "swift")
        #expect(SkillTerms.key("swift-lang") == SkillTerms.key("Swift_Lang"))
        #expect(SkillTerms.key("swift lang") == "swiftlang")
        #expect(SkillTerms.key("iOS 开发") == "ios开发")
        #expect(SkillTerms.key("ＩＯＳ　开发") == "ios开发")
        #expect(SkillTerms.path(of: "a.b.c") == ["a", "a.b", "a.b.c"])
        #expect(SkillTerms.parent(of: "a") == nil)
        #expect(SkillTerms.parent(of: "a.b.c") == "a.b")
    }

    @Test func theSeedHoldsTheCodesOtherAreasUseWithPathsAndNames() async throws {
        try await withJobs { env in
            let nomad = env.nomad()
            for code in Self.required {
                let skill = try await env.client.getSkill(.with { $0.code = code }, metadata: nomad.metadata)
                #expect(skill.code == code)
                #expect(!skill.name.zhCn.isEmpty && !skill.name.en.isEmpty)
            }
            let ios = try await env.client.getSkill(.with { $0.code = "software.mobile.ios" }, metadata: nomad.metadata)
            #expect(ios.parentCode == "software.mobile")
            #expect(ios.path == ["software", "software.mobile", "software.mobile.ios"])
            #expect(ios.name.zhCn == "iOS 开发")
            #expect(ios.aliases.contains("ios") && !ios.aliases.contains("iOS 开发"))
            #expect(SkillSeed.entries.count >= 60 && SkillSeed.entries.count <= 100)
        }
    }

    @Test func resolveMapsNamesAndAliasesInBothLanguages() async throws {
        try await withJobs { env in
            let terms = ["Swift", "iOS 开发", "swift-lang", "  SWIFT ", "安卓", "跨境电商", "software.web", "data labeling", "basket weaving"]
            let response = try await env.client.resolveSkills(.with { $0.terms = terms }, metadata: env.enterprise().metadata)
            #expect(response.terms.map(\.term) == terms)
            #expect(
                response.terms.map(\.skillCode) == [
                    "software.languages.swift", "software.mobile.ios", "software.languages.swift", "software.languages.swift",
                    "software.mobile.android", "commerce.cross-border", "software.web", "data.labelling", "",
                ])
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.resolveSkills(
                    .with { $0.terms = Array(repeating: "x", count: 51) }, metadata: env.nomad().metadata)
            }
        }
    }

    @Test func listShowsRootsChildrenAndSearchesPaged() async throws {
        try await withJobs { env in
            let nomad = env.nomad()
            func list(
                parent: String = "", query: String = "", size: Int32 = 100, token: String = ""
            ) async throws -> Nomad_Jobs_V1_ListSkillsResponse {
                try await env.client.listSkills(
                    .with {
                        $0.parentCode = parent
                        $0.query = query
                        $0.page = .with {
                            $0.pageSize = size; $0.pageToken = token
                        }
                    }, metadata: nomad.metadata)
            }
            let roots = try await list().skills.map(\.code)
            #expect(Set(["software", "data", "ai", "games", "media", "commerce", "photography", "design"]).isSubset(of: Set(roots)))
            #expect(roots.allSatisfy { !$0.contains(".") })
            let mobile = try await list(parent: "software.mobile").skills
            #expect(Set(["software.mobile.ios", "software.mobile.android"]).isSubset(of: Set(mobile.map(\.code))))
            #expect(mobile.allSatisfy { $0.parentCode == "software.mobile" })

            #expect(try await list(query: "安卓").skills.map(\.code) == ["software.mobile.android"])
            let photo = try await list(query: "PHOTO").skills.map(\.code)
            #expect(photo.contains("photography") && photo.contains("photography.product"))
            #expect(try await list(query: "标注").skills.map(\.code).contains("data.labelling.image"))
            let inData = try await list(parent: "data", query: "标注").skills.map(\.code)
            #expect(!inData.isEmpty && inData.allSatisfy { $0.hasPrefix("data.") })

            let first = try await list(size: 3)
            #expect(first.skills.count == 3 && !first.page.nextPageToken.isEmpty)
            let second = try await list(size: 3, token: first.page.nextPageToken)
            #expect(Set(first.skills.map(\.code)).isDisjoint(with: second.skills.map(\.code)))

            await expectRPCError(.notFound) { _ = try await list(parent: "software.quantum") }
            await expectRPCError(.invalidArgument) { _ = try await list(token: "forged") }
        }
    }

    /// A picker lists the whole library in one call (or everything beneath
    /// one skill), in code order, so parents come before their children.
    @Test func listWithDescendantsGivesEveryDepth() async throws {
        try await withJobs { env in
            let nomad = env.nomad()
            func all(parent: String = "", query: String = "") async throws -> [String] {
                try await env.client.listSkills(
                    .with {
                        $0.parentCode = parent
                        $0.query = query
                        $0.descendants = true
                        $0.page.pageSize = 100
                    }, metadata: env.enterprise().metadata
                ).skills.map(\.code)
            }
            let library = try await all()
            #expect(Set(["software", "software.mobile", "software.mobile.ios", "design", "design.ui"]).isSubset(of: Set(library)))
            #expect(library == library.sorted())
            let software = try await all(parent: "software")
            #expect(software.contains("software.mobile.ios") && software.contains("software.web"))
            #expect(!software.contains("software") && software.allSatisfy { $0.hasPrefix("software.") })
            // A query still searches, beneath the parent at any depth.
            #expect(try await all(query: "安卓") == ["software.mobile.android"])
            await expectRPCError(.notFound) { _ = try await all(parent: "software.quantum") }
            await expectRPCError(.notFound) {
                _ = try await env.client.getSkill(.with { $0.code = "software.quantum" }, metadata: nomad.metadata)
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.getSkill(.with { $0.code = "Software" }, metadata: nomad.metadata)
            }
        }
    }

    @Test func staffExtendTheLibraryOnceAndAliasesResolve() async throws {
        try await withJobs { env in
            let officer = env.officer()
            let request = Nomad_Jobs_V1_CreateSkillRequest.with {
                $0.requestID = UUID().uuidString
                $0.code = "software.languages.zig"
                $0.name = .with {
                    $0.zhCn = "Zig 语言"; $0.en = "Zig"
                }
                $0.aliases = ["ziglang", "Zig Lang"]
            }
            let created = try await env.client.createSkill(request, metadata: officer.metadata)
            #expect(created.parentCode == "software.languages")
            #expect(created.path == ["software", "software.languages", "software.languages.zig"])
            #expect(created.aliases == ["ziglang"])
            #expect(try await env.client.createSkill(request, metadata: officer.metadata) == created)
            #expect(try await env.app.outboxCount(type: "jobs.skill.created", subject: "software.languages.zig") == 1)

            let resolved = try await env.client.resolveSkills(.with { $0.terms = ["zig", "zig-lang"] }, metadata: env.nomad().metadata)
            #expect(resolved.terms.map(\.skillCode) == ["software.languages.zig", "software.languages.zig"])

            var again = request
            again.requestID = UUID().uuidString
            await expectRPCError(.alreadyExists) { _ = try await env.client.createSkill(again, metadata: env.admin().metadata) }
            await expectRPCError(.permissionDenied) { _ = try await env.client.createSkill(again, metadata: env.nomad().metadata) }
        }
    }

    @Test func badOrClashingSkillsAreRefusedAndLeaveNothingBehind() async throws {
        try await withJobs { env in
            let officer = env.officer()
            func create(
                _ code: String, aliases: [String] = [], zh: String = "新技能", en: String = "New skill", language: String = "en"
            ) async throws {
                _ = try await env.client.createSkill(
                    .with {
                        $0.requestID = UUID().uuidString
                        $0.code = code
                        $0.name = .with {
                            $0.zhCn = zh; $0.en = en
                        }
                        $0.aliases = aliases
                    }, metadata: officer.metadata(language: language))
            }
            let zh = await expectRPCError(.invalidArgument) { try await create("Software.New", language: "zh-CN") }
            #expect(zh?.contains("小写点分编码") == true)
            await expectRPCError(.invalidArgument) { try await create("software..new") }
            await expectRPCError(.invalidArgument) { try await create("nowhere.new") }
            await expectRPCError(.invalidArgument) { try await create("software.new", en: "") }
            let clash = await expectRPCError(.alreadyExists) { try await create("software.languages.go2", aliases: ["go2", "Golang"]) }
            #expect(clash?.contains("Golang") == true)
            await expectRPCError(.alreadyExists) { try await create("software.new", en: "Swift") }
            await expectRPCError(.notFound) {
                _ = try await env.client.getSkill(.with { $0.code = "software.languages.go2" }, metadata: officer.metadata)
            }
            let go2 = try await env.client.resolveSkills(.with { $0.terms = ["go2"] }, metadata: officer.metadata)
            #expect(go2.terms[0].skillCode == "")
        }
    }

    @Test func aliasesAreAddedToAnExistingSkillAndAClashAddsNone() async throws {
        try await withJobs { env in
            let officer = env.officer()
            func add(_ code: String, _ aliases: [String], requestID: String = UUID().uuidString) async throws -> Nomad_Jobs_V1_Skill {
                try await env.client.addSkillAliases(
                    .with {
                        $0.requestID = requestID
                        $0.code = code
                        $0.aliases = aliases
                    }, metadata: officer.metadata)
            }
            let requestID = UUID().uuidString
            let ios = try await add("software.mobile.ios", ["Apple 开发", "ios"], requestID: requestID)
            #expect(ios.aliases.contains("Apple 开发"))
            #expect(try await add("software.mobile.ios", ["Apple 开发", "ios"], requestID: requestID) == ios)
            #expect(try await env.app.outboxCount(type: "jobs.skill.aliases_added", subject: "software.mobile.ios") == 1)
            let resolved = try await env.client.resolveSkills(.with { $0.terms = ["apple开发"] }, metadata: env.nomad().metadata)
            #expect(resolved.terms[0].skillCode == "software.mobile.ios")

            await expectRPCError(.alreadyExists) { _ = try await add("software.mobile.ios", ["hongmeng", "安卓"]) }
            let none = try await env.client.resolveSkills(.with { $0.terms = ["hongmeng", "安卓"] }, metadata: officer.metadata)
            #expect(none.terms.map(\.skillCode) == ["", "software.mobile.android"])
            await expectRPCError(.notFound) { _ = try await add("software.quantum", ["qubits"]) }
            await expectRPCError(.invalidArgument) { _ = try await add("software.mobile.ios", []) }
            await expectRPCError(.invalidArgument) { _ = try await add("software.mobile.ios", [" - "]) }
        }
    }
}
