import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO

/// Contributions and proof of work (数据加工增值工作量证明). POW reaches a
/// contributor only through the ledger, in the transaction that accepts the
/// contribution; a rejected one never receives any, and an accepted one is
/// undone only by a compensating transaction.
extension AssetsService {
    func submitContribution(
        request: Nomad_Assets_V1_SubmitContributionRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_Contribution {
        let nomad = try caller
        let draft = try ContributionRules.draft(
            poolCode: request.poolCode, kindValue: request.kind.rawValue, recordCount: request.recordCount,
            bytes: request.bytes, contentHash: request.contentHash, evidenceHash: request.evidenceHash,
            workUnits: request.workUnits, workUnitLabel: request.workUnitLabel, qualityScore: request.qualityScore)
        return try await mutation(request) { tx in
            _ = try await PoolStore.pool(tx, code: draft.poolCode)
            let id = UUID()
            return try await ContributionStore.insert(tx, id: id, contributor: nomad.accountID, draft: draft).message
        }
    }

    func reviewContribution(
        request: Nomad_Assets_V1_ReviewContributionRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_Contribution {
        let officer = try caller
        let id = try Validate.uuid(request.contributionID, "contribution_id")
        let note = try Validate.text(request.note, "note", max: ContributionRules.maxNote, required: !request.accept)
        return try await mutation(request) { tx in
            let contribution = try await ContributionStore.find(tx, id: id, lock: .update).orNotFound("contribution \(id.text)")
            let reviewed: ContributionRecord
            guard contribution.status == .pending else {
                throw NomadError.wrongState("该贡献已审核", "the contribution was already reviewed")
            }
            let subjects = AssetsEvents.ContributionRejected.Subjects(
                contributionID: id.text, contributorID: contribution.contributorID.text, ownerID: contribution.contributorID.text)
            if request.accept {
                let rule = try await RateStore.valuationRule(tx, now: Date())
                let units = min(rule.units(for: contribution.draft), LedgerRules.maxAmount)
                reviewed = try await ContributionStore.accept(
                    tx, id: id, units: units, ruleVersion: rule.version, by: officer.accountID)
                if units > 0 {
                    let account = try await LedgerStore.open(
                        tx, owner: contribution.contributorID, ownerKind: .nomad, kind: .pow, unit: .pow)
                    try await LedgerStore.post(
                        tx,
                        .move(
                            "contribution.credited", from: ZoneAccounts.issuance(.pow), to: account, unit: .pow,
                            amount: units, memo: "\(contribution.kind.name) → \(contribution.poolCode)",
                            reference: id, by: officer.accountID),
                        lots: .spendable(today: .today()))
                }
                try await Outbox.append(
                    tx,
                    AssetsEvents.ContributionCredited(
                        subjects: subjects,
                        payload: .init(
                            contributionID: id.text, contributorID: contribution.contributorID.text,
                            poolCode: contribution.poolCode, kind: contribution.kind.name, units: units,
                            recordCount: contribution.recordCount, bytes: contribution.bytes)))
            } else {
                reviewed = try await ContributionStore.reject(tx, id: id, by: officer.accountID, note: note)
                try await Outbox.append(
                    tx,
                    AssetsEvents.ContributionRejected(
                        subjects: subjects,
                        payload: .init(contributionID: id.text, contributorID: contribution.contributorID.text, reversedUnits: 0)))
            }
            try await audit(
                tx, officer, request.accept ? "contribution.accept" : "contribution.reject",
                subject: "contribution/\(id.text)", reason: note, before: contribution.message, after: reviewed.message)
            return reviewed.message
        }
    }

    /// Takes an accepted contribution's POW back by a compensating
    /// transaction (contributor's POW → zone issuance). POW already
    /// exchanged for points cannot be taken back as POW, and points already
    /// spent at merchants cannot be recalled: the reversal takes what is
    /// still in the POW account, up to the credited units, and records the
    /// rest as unrecovered_units on the contribution for officers to pursue.
    /// A user account never goes negative.
    func reverseContribution(
        request: Nomad_Assets_V1_ReverseContributionRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_Contribution {
        let officer = try caller
        let id = try Validate.uuid(request.contributionID, "contribution_id")
        let reason = try Validate.text(request.reason, "reason", max: ContributionRules.maxNote)
        return try await mutation(request) { tx in
            let contribution = try await ContributionStore.find(tx, id: id, lock: .update).orNotFound("contribution \(id.text)")
            guard contribution.status == .accepted else {
                throw NomadError.wrongState("只能冲正已接受的贡献", "only an accepted contribution can be reversed")
            }
            var reversed: Int64 = 0
            if contribution.powUnits > 0,
                let account = try await LedgerStore.find(tx, owner: contribution.contributorID, kind: .pow, unit: .pow)
            {
                // Both accounts' row locks, in the posting's order, so the
                // balance read here is the one the posting is checked against.
                let balances = try await LedgerStore.lockBalances(
                    tx, ids: [account, ZoneAccounts.issuance(.pow)])
                let balance = balances[account] ?? 0
                reversed = min(balance, contribution.powUnits)
                if reversed > 0 {
                    try await LedgerStore.post(
                        tx,
                        .move(
                            "contribution.reversed", from: account, to: ZoneAccounts.issuance(.pow), unit: .pow,
                            amount: reversed, memo: reason, reference: id, by: officer.accountID),
                        lots: .spendable(today: .today()))
                }
            }
            let reversedContribution = try await ContributionStore.reverse(
                tx, id: id, reversed: reversed, unrecovered: contribution.powUnits - reversed, by: officer.accountID,
                note: reason
            ).message
            try await Outbox.append(
                tx,
                AssetsEvents.ContributionRejected(
                    subjects: .init(
                        contributionID: id.text, contributorID: contribution.contributorID.text,
                        ownerID: contribution.contributorID.text),
                    payload: .init(
                        contributionID: id.text, contributorID: contribution.contributorID.text, reversedUnits: reversed)))
            try await audit(
                tx, officer, "contribution.reverse", subject: "contribution/\(id.text)", reason: reason,
                before: contribution.message, after: reversedContribution)
            return reversedContribution
        }
    }

    func getContribution(
        request: Nomad_Assets_V1_GetContributionRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_Contribution {
        let principal = try caller
        let id = try Validate.uuid(request.contributionID, "contribution_id")
        let contribution = try await database.read({ try await ContributionStore.find($0, id: id) }).orNotFound("contribution \(id.text)")
        if principal.role == .nomad, contribution.contributorID != principal.accountID { throw NomadError.permissionDenied }
        return contribution.message
    }

    func listContributions(
        request: Nomad_Assets_V1_ListContributionsRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_ListContributionsResponse {
        let principal = try caller
        let page = try Page(request.page)
        let status = try enumFilter(request.status.rawValue, known: 1...4, field: "status")
        var contributor: UUID? = try request.contributorID.isEmpty ? nil : Validate.uuid(request.contributorID, "contributor_id")
        if principal.role == .nomad {
            guard contributor == nil || contributor == principal.accountID else { throw NomadError.permissionDenied }
            contributor = principal.accountID
        }
        let found = try await database.read { tx in
            try await ContributionStore.list(tx, contributor: contributor, status: status, page: page)
        }
        return .listing(\.contributions, found.map(\.message), page)
    }

    func getValuationRule(
        request: Nomad_Assets_V1_GetValuationRuleRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_ValuationRule {
        _ = try caller
        return try await database.read { try await RateStore.valuationRule($0, now: Date()) }.message
    }

    func setValuationRule(
        request: Nomad_Assets_V1_SetValuationRuleRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_ValuationRule {
        let officer = try caller
        guard request.hasRule else { throw NomadError.required("rule") }
        let r = request.rule
        try ValuationRule.validate(
            recordsPerUnit: r.recordsPerUnit, bytesPerUnit: r.bytesPerUnit, minQuality: r.minQuality,
            labellingMilli: r.labellingMilliPerWorkUnit, cleaningMilli: r.cleaningMilliPerWorkUnit,
            modelTrainingMilli: r.modelTrainingMilliPerWorkUnit)
        return try await mutation(request) { tx in
            let now = try await tx.query("SELECT now()").collect().first!.decode(Date.self)
            let previous = try await RateStore.valuationRule(tx, now: now).message
            let rule = ValuationRule(
                version: 0, recordsPerUnit: r.recordsPerUnit, bytesPerUnit: r.bytesPerUnit, minQuality: r.minQuality,
                labellingMilli: r.labellingMilliPerWorkUnit, cleaningMilli: r.cleaningMilliPerWorkUnit,
                modelTrainingMilli: r.modelTrainingMilliPerWorkUnit, effectiveFrom: now, setBy: officer.accountID)
            let version = try await RateStore.publish(tx, rule)
            let published = try await RateStore.valuationRule(tx, version: version, now: now).message
            try await audit(
                tx, officer, "valuation_rule.set", subject: "valuation_rule", before: previous, after: published)
            return published
        }
    }
}
