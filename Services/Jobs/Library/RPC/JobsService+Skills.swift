import Foundation
import GRPCCore
import NomadKit
import NomadProtos

extension JobsService {
    func listSkills(request: Nomad_Jobs_V1_ListSkillsRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_ListSkillsResponse {
        let page = try Page(request.page)
        let parent = request.parentCode.isEmpty ? nil : try SkillTerms.code(request.parentCode, "parent_code")
        let query = try Validate.text(request.query, "query", max: SkillTerms.maxAliasLength, required: false)
        let skills = try await database.read { connection in
            if let parent, !(try await SkillStore.exists(connection, code: parent, logger: logger)) {
                throw NomadError.notFound("skill \(parent)")
            }
            return try await SkillStore.list(
                connection, parent: parent, query: query.isEmpty ? nil : query, page: page, logger: logger)
        }
        return .with {
            $0.skills = skills.prefix(page.limit).map(\.message)
            $0.page = page.response(fetched: skills.count)
        }
    }

    func getSkill(request: Nomad_Jobs_V1_GetSkillRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Skill {
        let code = try SkillTerms.code(request.code, "code")
        guard let skill = try await database.read({ try await SkillStore.find($0, code: code, logger: logger) }) else {
            throw NomadError.notFound("skill \(code)")
        }
        return skill.message
    }

    func resolveSkills(request: Nomad_Jobs_V1_ResolveSkillsRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_ResolveSkillsResponse {
        guard request.terms.count <= SkillTerms.maxResolveTerms else {
            throw NomadError.invalid("terms", zh: "最多 \(SkillTerms.maxResolveTerms) 项", en: "at most \(SkillTerms.maxResolveTerms) items")
        }
        let terms = try request.terms.map { try SkillTerms.term($0, "terms") }
        let codes = try await database.read { connection in
            try await SkillStore.resolve(connection, terms: terms, logger: logger)
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
        return try await mutation("CreateSkill", requestID: request.requestID, request: request) { connection in
            if let parent, !(try await SkillStore.exists(connection, code: parent, logger: logger)) {
                throw NomadError.invalid("code", zh: "上级技能不存在：\(parent)", en: "the parent skill does not exist: \(parent)")
            }
            try await SkillStore.insert(connection, code: code, parent: parent, nameZh: nameZh, nameEn: nameEn, logger: logger)
            try await SkillStore.addAliases(connection, code: code, aliases: aliases, logger: logger)
            try await Outbox.append(
                connection, JobsEvents.SkillCreated(subjects: .init(skillCode: code, actorID: principal.accountID.text),
                payload: .init(parentCode: parent, aliases: aliases.map(\.alias))), logger: logger)
            let created = try await SkillStore.find(connection, code: code, logger: logger)!.message
            try await audit(connection, principal, "skill.create", subject: "skill/\(code)", before: nil, after: created)
            return created
        }
    }

    func addSkillAliases(request: Nomad_Jobs_V1_AddSkillAliasesRequest, context: ServerContext) async throws -> Nomad_Jobs_V1_Skill {
        let principal = try caller
        let code = try SkillTerms.code(request.code, "code")
        guard !request.aliases.isEmpty else { throw NomadError.required("aliases") }
        let aliases = try SkillTerms.aliases(request.aliases, "aliases")
        return try await mutation("AddSkillAliases", requestID: request.requestID, request: request) { connection in
            guard try await SkillStore.exists(connection, code: code, logger: logger) else {
                throw NomadError.notFound("skill \(code)")
            }
            let before = try await SkillStore.find(connection, code: code, logger: logger)?.message
            try await SkillStore.addAliases(connection, code: code, aliases: aliases, logger: logger)
            try await Outbox.append(
                connection, JobsEvents.SkillAliasesAdded(subjects: .init(skillCode: code, actorID: principal.accountID.text),
                payload: .init(parentCode: SkillTerms.parent(of: code), aliases: aliases.map(\.alias))), logger: logger)
            let updated = try await SkillStore.find(connection, code: code, logger: logger)!.message
            try await audit(connection, principal, "skill.add_aliases", subject: "skill/\(code)", before: before, after: updated)
            return updated
        }
    }
}
