import Foundation
import NomadKit
import PostgresNIO

/// The published valuation rules and exchange rates, one row per version.
/// The current one is the newest already in effect; publishing locks the
/// table's newest row so two officers publishing together get consecutive
/// versions.
enum RateStore {
    static func valuationRule(_ tx: Tx, version: Int32? = nil, now: Date) async throws -> ValuationRule {
        let rows = try await tx.query(
            """
            SELECT version, records_per_unit, bytes_per_unit, min_quality, labelling_milli, cleaning_milli,
              model_training_milli, effective_from, set_by
            FROM valuation_rules
            WHERE (\(version)::int IS NULL AND effective_from <= \(now)) OR version = \(version)
            ORDER BY version DESC LIMIT 1
            """
        ).collect()
        guard let row = rows.first else { throw NomadError.internalError }
        let (v, records, bytes, minQuality, labelling, cleaning, training, from, by) =
            try row.decode((Int32, Int64, Int64, Int32, Int64, Int64, Int64, Date, UUID?).self)
        return ValuationRule(
            version: v, recordsPerUnit: records, bytesPerUnit: bytes, minQuality: minQuality, labellingMilli: labelling,
            cleaningMilli: cleaning, modelTrainingMilli: training, effectiveFrom: from, setBy: by)
    }

    static func publish(_ tx: Tx, _ rule: ValuationRule) async throws -> Int32 {
        try await tx.query("LOCK TABLE valuation_rules IN SHARE ROW EXCLUSIVE MODE")
        return try await tx.query(
            """
            INSERT INTO valuation_rules (version, records_per_unit, bytes_per_unit, min_quality, labelling_milli,
              cleaning_milli, model_training_milli, effective_from, set_by)
            SELECT coalesce(max(version), 0) + 1, \(rule.recordsPerUnit), \(rule.bytesPerUnit), \(rule.minQuality),
              \(rule.labellingMilli), \(rule.cleaningMilli), \(rule.modelTrainingMilli), \(rule.effectiveFrom), \(rule.setBy)
            FROM valuation_rules
            RETURNING version
            """
        ).collect().first!.decode(Int32.self)
    }

    static func exchangeRate(_ tx: Tx, now: Date) async throws -> ExchangeRate {
        let rows = try await tx.query(
            """
            SELECT version, points_per_pow, points_valid_days, effective_from, set_by FROM exchange_rates
            WHERE effective_from <= \(now) ORDER BY version DESC LIMIT 1
            """
        ).collect()
        guard let row = rows.first else { throw NomadError.internalError }
        let (v, rate, days, from, by) = try row.decode((Int32, Int64, Int32, Date, UUID?).self)
        return ExchangeRate(version: v, pointsPerPow: rate, pointsValidDays: days, effectiveFrom: from, setBy: by)
    }

    static func publish(_ tx: Tx, _ rate: ExchangeRate) async throws -> Int32 {
        try await tx.query("LOCK TABLE exchange_rates IN SHARE ROW EXCLUSIVE MODE")
        return try await tx.query(
            """
            INSERT INTO exchange_rates (version, points_per_pow, points_valid_days, effective_from, set_by)
            SELECT coalesce(max(version), 0) + 1, \(rate.pointsPerPow), \(rate.pointsValidDays), \(rate.effectiveFrom), \(rate.setBy)
            FROM exchange_rates
            RETURNING version
            """
        ).collect().first!.decode(Int32.self)
    }
}
