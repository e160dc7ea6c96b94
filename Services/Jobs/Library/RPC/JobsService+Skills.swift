import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import SwiftProtobuf

extension JobsService {
    func listSkills(request: Nomad_Jobs_V1_ListSkillsRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_ListSkillsResponse {
        let page = try Page(request.page)
        let parent = request.parentCode.isEmpty ? nil : try SkillTerms.code(request.parentCode, "parent_code")
        let query = try Validate.text(request.query, "query", max: SkillTerms.maxAliasLength, required: false)
        let skills = try await database.read { tx in
            if let parent, !(try await SkillStore.exists(tx, code: parent)) {
                throw NomadError.notFound("skill \(parent)")
            }
            return try await SkillStore.list(
                tx, parent: parent, query: query.isEmpty ? nil : query, descendants: request.descendants, page: page)
        }
        return .listing(\.skills, skills.map(\.message), page)
    }

    func getSkill(request: Nomad_Jobs_V1_GetSkillRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Skill {
        let code = try SkillTerms.code(request.code, "code")
        let skill = try await database.read({ try await SkillStore.find($0, code: code) }).orNotFound("skill \(code)")
        return skill.message
    }

    func resolveSkills(
        request: Nomad_Jobs_V1_ResolveSkillsRequest, context: ServerContext
    ) async throws -> Nomad_Jobs_V1_ResolveSkillsResponse {
        guard request.terms.count <= SkillTerms.maxResolveTerms else {
            throw NomadError.invalid("terms", zh: "最多 \(SkillTerms.maxResolveTerms) 项", en: "at most \(SkillTerms.maxResolveTerms) items")
        }
        let terms = try request.terms.map { try SkillTerms.term($0, "terms") }
        let codes = try await database.read { tx in
            try await SkillStore.resolve(tx, terms: terms)
        }
        return .with {
            $0.terms = zip(request.terms, terms).map { original, term in
                .with {
                    $0.term = original
                    $0.skillCode = codes[term] ?? ""
                }
            }
        }
    }

    func createSkill(request: Nomad_Jobs_V1_CreateSkillRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Skill {
        let principal = try caller
        let code = try SkillTerms.code(request.code, "code")
        let nameZh = try Validate.text(request.name.zhCn, "name.zh_cn", max: SkillTerms.maxAliasLength)
        let nameEn = try Validate.text(request.name.en, "name.en", max: SkillTerms.maxAliasLength)
        let aliases = try SkillTerms.aliases([nameZh, nameEn] + request.aliases, "aliases")
        let parent = SkillTerms.parent(of: code)
        return try await mutation(request) { tx in
            if let parent, !(try await SkillStore.exists(tx, code: parent)) {
                throw NomadError.invalid("code", zh: "上级技能不存在：\(parent)", en: "the parent skill does not exist: \(parent)")
            }
            try await SkillStore.insert(tx, code: code, parent: parent, nameZh: nameZh, nameEn: nameEn)
            try await SkillStore.addAliases(tx, code: code, aliases: aliases)
            try await Outbox.append(
                tx,
                JobsEvents.SkillCreated(
                    subjects: .init(skillCode: code, actorID: principal.accountID.text),
                    payload: .init(parentCode: parent, aliases: aliases.map(\.alias))))
            let created = try await SkillStore.find(tx, code: code)!.message
            try await audit(tx, principal, "skill.create", subject: "skill/\(code)", before: nil, after: created)
            return created
        }
    }

    func addSkillAliases(request: Nomad_Jobs_V1_AddSkillAliasesRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Skill {
        let principal = try caller
        let code = try SkillTerms.code(request.code, "code")
        guard !request.aliases.isEmpty else { throw NomadError.required("aliases") }
        let aliases = try SkillTerms.aliases(request.aliases, "aliases")
        return try await mutation(request) { tx in
            guard try await SkillStore.exists(tx, code: code) else {
                throw NomadError.notFound("skill \(code)")
            }
            let before = try await SkillStore.find(tx, code: code)?.message
            try await SkillStore.addAliases(tx, code: code, aliases: aliases)
            try await Outbox.append(
                tx,
                JobsEvents.SkillAliasesAdded(
                    subjects: .init(skillCode: code, actorID: principal.accountID.text),
                    payload: .init(parentCode: SkillTerms.parent(of: code), aliases: aliases.map(\.alias))))
            let updated = try await SkillStore.find(tx, code: code)!.message
            try await audit(tx, principal, "skill.add_aliases", subject: "skill/\(code)", before: before, after: updated)
            return updated
        }
    }
}
