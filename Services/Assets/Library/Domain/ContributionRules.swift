import Foundation
import GRPCCore
import NomadKit

enum ContributionKind: Int16, Sendable {
    case data = 1, labelling, cleaning, modelTraining

    var name: String {
        switch self {
        case .data: "data"
        case .labelling: "labelling"
        case .cleaning: "cleaning"
        case .modelTraining: "model_training"
        }
    }
}

enum ContributionStatus: Int16, Sendable {
    case pending = 1, accepted, rejected, reversed
}

/// A contribution as submitted, checked.
struct ContributionDraft: Sendable, Equatable {
    var poolCode: String
    var kind: ContributionKind
    var recordCount: Int64 = 0
    var bytes: Int64 = 0
    var contentHash: String?
    var evidenceHash: String?
    var workUnits: Int64 = 0
    var workUnitLabel: String = ""
    var qualityScore: Int32
}

enum ContributionRules {
    static let maxNote = 500

    static func draft(
        poolCode: String, kindValue: Int, recordCount: Int64, bytes: Int64, contentHash: String,
        evidenceHash: String, workUnits: Int64, workUnitLabel: String, qualityScore: Int32
    ) throws -> ContributionDraft {
        let pool = try Validate.text(poolCode, "pool_code", max: 64)
        guard let kind = ContributionKind(rawValue: Int16(clamping: kindValue)) else { throw NomadError.unknownEnum("kind") }
        guard (0...100).contains(qualityScore) else {
            throw NomadError.invalid("quality_score", zh: "须在 0 到 100 之间", en: "must be 0 to 100")
        }
        var draft = ContributionDraft(poolCode: pool, kind: kind, qualityScore: qualityScore)
        if kind == .data {
            draft.recordCount = try LedgerRules.amount(recordCount, "record_count")
            guard bytes > 0 else { throw LedgerErrors.amountNotPositive("bytes") }
            draft.bytes = bytes
            draft.contentHash = try Validate.sha256Hex(contentHash, "content_hash")
            guard evidenceHash.isEmpty, workUnits == 0 else {
                throw NomadError.invalid("kind", zh: "数据贡献不带任务证据与工作量", en: "a data contribution carries no task evidence or work units")
            }
        } else {
            draft.evidenceHash = try Validate.sha256Hex(evidenceHash, "evidence_hash")
            draft.workUnits = try LedgerRules.amount(workUnits, "work_units")
            draft.workUnitLabel = try Validate.text(workUnitLabel.isEmpty ? "hours" : workUnitLabel, "work_unit_label", max: 32)
            guard contentHash.isEmpty else {
                throw NomadError.invalid("content_hash", zh: "加工任务使用 evidence_hash", en: "a processing task uses evidence_hash")
            }
            guard recordCount >= 0, bytes >= 0 else { throw LedgerErrors.amountNotPositive("record_count") }
            draft.recordCount = recordCount
            draft.bytes = bytes
        }
        return draft
    }

    static let duplicateHash = NomadError(
        .alreadyExists, zh: "相同内容（哈希）的贡献已登记，不会重复计入",
        en: "A contribution with the same hash is already recorded; it is not credited twice")
}
