import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// Bubble monitoring (预防价值泡沫): the per-class price index, the alerts a
/// trade raises, and officers closing them.
extension AssetsService {
    /// Runs inside the trade's transaction, after the chain append, so the
    /// moving average sees every trade committed before this one.
    func raiseBubbleAlerts(_ tx: Tx, trade: TradeRecord, asset: DataAssetRecord) async throws -> [UUID] {
        let valuation = try await ValuationStore.latest(tx, assetID: asset.id)
        let unitValue = valuation.flatMap { valuation in
            valuation.currency == trade.currency ? valuation.valueMinor / asset.totalUnits : nil
        }
        let previous = try await TradeStore.recentUnitPrices(
            tx, poolCode: trade.poolCode, currency: trade.currency, excluding: trade.id, limit: bubble.window)
        var raised: [UUID] = []
        for finding in BubbleRules.findings(
            price: trade.unitPriceMinor, valuationUnitValue: unitValue, previous: previous, settings: bubble
        ) {
            let id = UUID()
            try await AlertStore.insert(
                tx, id: id, trade: trade, finding: finding, thresholdBP: bubble.thresholdBP)
            try await Outbox.append(
                tx,
                AssetsEvents.AlertRaised(
                    subjects: .init(alertID: id.text, assetID: trade.assetID.text, tradeID: trade.id.text),
                    payload: .init(
                        alertID: id.text, assetID: trade.assetID.text, tradeID: trade.id.text, kind: finding.kind.name,
                        deviationBP: finding.deviationBP)))
            raised.append(id)
        }
        return raised
    }

    func getPriceIndex(request: Nomad_Assets_V1_GetPriceIndexRequest, context: ServerContext) async throws -> Nomad_Assets_V1_PriceIndex {
        _ = try caller
        let pool = try DataAssetRules.poolCode(request.poolCode)
        let currency = request.currencyCode.isEmpty ? "CNY" : try Validate.currencyCode(request.currencyCode, "currency_code")
        let from = try optionalDay(request.hasFrom ? request.from : nil, "from")
        let to = try optionalDay(request.hasTo ? request.to : nil, "to")
        let points = try await database.read { tx in
            try await TradeStore.priceIndex(tx, poolCode: pool, currency: currency, from: from, to: to)
        }
        return .with {
            $0.poolCode = pool
            $0.currencyCode = currency
            $0.points = points.map { point in
                .with {
                    $0.day = point.day.message
                    $0.trades = point.trades
                    $0.units = point.units
                    $0.unitPriceMinor = point.unitPriceMinor
                }
            }
        }
    }

    func listAlerts(request: Nomad_Assets_V1_ListAlertsRequest, context: ServerContext) async throws -> Nomad_Assets_V1_ListAlertsResponse {
        _ = try caller
        let page = try Page(request.page)
        let status: Int16
        switch request.status {
        case .unspecified, .open: status = Int16(Nomad_Assets_V1_BubbleAlertStatus.open.rawValue)
        case .closed: status = Int16(Nomad_Assets_V1_BubbleAlertStatus.closed.rawValue)
        default: throw NomadError.unknownEnum("status")
        }
        let pool = request.poolCode.isEmpty ? nil : try DataAssetRules.poolCode(request.poolCode)
        let alerts = try await database.read { tx in
            try await AlertStore.list(tx, status: status, poolCode: pool, page: page)
        }
        return .listing(\.alerts, alerts.map(\.message), page)
    }

    func closeAlert(request: Nomad_Assets_V1_CloseAlertRequest, context: ServerContext) async throws -> Nomad_Assets_V1_BubbleAlert {
        let officer = try caller
        let id = try Validate.uuid(request.alertID, "alert_id")
        let note = try Validate.text(request.note, "note", max: 2000)
        return try await mutation(request) { tx in
            let alert = try await AlertStore.find(tx, id: id, lock: .update).orNotFound("alert \(id.text)")
            guard alert.status == 1 else { throw NomadError.wrongState("预警已关闭", "the alert is already closed") }
            let closed = try await AlertStore.close(tx, id: id, note: note, by: officer.accountID).message
            try await audit(tx, officer, "alert.close", subject: "alert/\(id.text)", reason: note, before: alert.message, after: closed)
            return closed
        }
    }

    private func optionalDay(_ date: Nomad_Common_V1_Date?, _ field: String) throws -> ZoneDay? {
        guard let date else { return nil }
        guard let day = ZoneDay(date) else {
            throw NomadError.invalid(field, zh: "不是有效的日期", en: "not a valid date")
        }
        return day
    }
}
