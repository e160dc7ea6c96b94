import Foundation
import NomadKit

/// The published rule that turns an accepted contribution into proof-of-work
/// units. Integer arithmetic throughout, so every replica and every audit
/// recomputes the same number:
///
///   DATA:  units = (record_count / records_per_unit + bytes / bytes_per_unit)
///                  × quality_score / 100
///   tasks: units = work_units × milli_per_work_unit(kind) / 1000
///                  × quality_score / 100
///
/// (each division floors), and 0 when quality_score < min_quality. Quality
/// scales the credit so that a large but poor contribution earns less than a
/// careful one. A new version applies from its effective time; a
/// contribution keeps the version it was valued with.
struct ValuationRule: Sendable, Equatable {
    var version: Int32
    var recordsPerUnit: Int64
    var bytesPerUnit: Int64
    var minQuality: Int32
    var labellingMilli: Int64
    var cleaningMilli: Int64
    var modelTrainingMilli: Int64
    var effectiveFrom: Date
    var setBy: UUID?

    func units(for contribution: ContributionDraft) -> Int64 {
        guard contribution.qualityScore >= minQuality else { return 0 }
        let raw: Int64
        switch contribution.kind {
        case .data:
            raw = contribution.recordCount / recordsPerUnit + contribution.bytes / bytesPerUnit
        case .labelling:
            raw = Self.scaled(contribution.workUnits, labellingMilli)
        case .cleaning:
            raw = Self.scaled(contribution.workUnits, cleaningMilli)
        case .modelTraining:
            raw = Self.scaled(contribution.workUnits, modelTrainingMilli)
        }
        return raw.multipliedReportingOverflow(by: Int64(contribution.qualityScore)).partialValue / 100
    }

    private static func scaled(_ workUnits: Int64, _ milli: Int64) -> Int64 {
        let (product, overflow) = workUnits.multipliedReportingOverflow(by: milli)
        return overflow ? LedgerRules.maxAmount : product / 1000
    }

    static let maxMilli: Int64 = 1_000_000

    /// Checks an officer's new rule before it is published.
    static func validate(
        recordsPerUnit: Int64, bytesPerUnit: Int64, minQuality: Int32,
        labellingMilli: Int64, cleaningMilli: Int64, modelTrainingMilli: Int64
    ) throws {
        guard recordsPerUnit > 0 else { throw LedgerErrors.amountNotPositive("records_per_unit") }
        guard bytesPerUnit > 0 else { throw LedgerErrors.amountNotPositive("bytes_per_unit") }
        guard (0...100).contains(minQuality) else {
            throw NomadError.invalid("min_quality", zh: "须在 0 到 100 之间", en: "must be 0 to 100")
        }
        for (field, value) in [
            ("labelling_milli_per_work_unit", labellingMilli),
            ("cleaning_milli_per_work_unit", cleaningMilli),
            ("model_training_milli_per_work_unit", modelTrainingMilli),
        ] {
            guard (0...maxMilli).contains(value) else {
                throw NomadError.invalid(field, zh: "须在 0 到 \(maxMilli) 之间", en: "must be 0 to \(maxMilli)")
            }
        }
    }
}
