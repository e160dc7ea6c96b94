import Foundation
import GRPCCore
@testable import Assets
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

@Suite("bubble monitoring: price index and alerts")
struct BubbleTests {
    @Test("the price index is the day's volume-weighted unit price per asset class")
    func priceIndex() async throws {
        try await withRegistry(bubble: BubbleSettings(thresholdPercent: 1000, window: 100)) { env in
            let seller = env.enterprise(), buyer = env.enterprise()
            let asset = try await env.registerDataAsset(by: seller, units: 100, pool: "entertainment_metaverse")
            let cheap = try await env.listAssetForSale(asset, by: seller, units: 10, unitPrice: 1_000)
            let dear = try await env.listAssetForSale(asset, by: seller, units: 10, unitPrice: 4_000)
            _ = try await env.tradeDataAsset(cheap, units: 3, by: buyer)
            _ = try await env.tradeDataAsset(dear, units: 1, by: buyer)
            let index = try await env.client.getPriceIndex(
                .with { $0.poolCode = "entertainment_metaverse" }, metadata: env.nomad().metadata)
            #expect(index.currencyCode == "CNY")
            let point = try #require(index.points.first)
            #expect(index.points.count == 1)
            #expect(point.day == ZoneDay.today().message)
            #expect(point.trades == 2)
            #expect(point.units == 4)
            #expect(point.unitPriceMinor == (3 * 1_000 + 4_000) / 4)

            let other = try await env.client.getPriceIndex(.with { $0.poolCode = "vehicle_road_cloud" }, metadata: buyer.metadata)
            #expect(other.points.isEmpty)
            let past = try await env.client.getPriceIndex(
                .with {
                    $0.poolCode = "entertainment_metaverse"
                    $0.to = ZoneDay.today().adding(days: -1).message
                }, metadata: buyer.metadata)
            #expect(past.points.isEmpty)
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.getPriceIndex(.with { $0.poolCode = "nope" }, metadata: buyer.metadata)
            }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.getPriceIndex(.with { $0.poolCode = "vehicle_road_cloud" }, metadata: callMetadata())
            }
        }
    }

    @Test("a trade far from the latest valuation's unit value raises an alert; one near it does not")
    func valuationAlert() async throws {
        try await withRegistry { env in
            let seller = env.enterprise(), buyer = env.enterprise(), officer = env.officer()
            let asset = try await env.registerDataAsset(by: seller, units: 100)
            try await env.recordValuation(asset, minor: 100_000, by: officer)  // 1,000 per unit
            let near = try await env.listAssetForSale(asset, by: seller, units: 5, unitPrice: 1_200)
            let far = try await env.listAssetForSale(asset, by: seller, units: 5, unitPrice: 1_500)
            let calm = try await env.tradeDataAsset(near, units: 1, by: buyer)
            #expect(calm.alertIds.isEmpty)
            let hot = try await env.tradeDataAsset(far, units: 1, by: buyer)
            #expect(hot.alertIds.count == 1)

            let open = try await env.client.listAlerts(.init(), metadata: officer.metadata)
            let alert = try #require(open.alerts.first)
            #expect(open.alerts.count == 1)
            #expect(alert.kind == .valuation)
            #expect(alert.tradeID == hot.tradeID)
            #expect(alert.deviationBp == 5_000)
            #expect(alert.thresholdBp == 3_000)
            #expect(alert.referenceUnitPrice == cny(1_000))
            #expect(alert.status == .open)
            let payload = try #require(try await env.app.outboxPayloadText(type: "assets.alert.raised", subject: alert.alertID))
            #expect(payload.contains("\"deviation_bp\": 5000"))
            #expect(payload.contains("\"kind\": \"valuation\""))
        }
    }

    @Test("a trade far from the moving average of the class's last N trades raises an alert")
    func movingAverageAlert() async throws {
        try await withRegistry(bubble: BubbleSettings(thresholdPercent: 30, window: 3)) { env in
            let seller = env.enterprise(), buyer = env.enterprise()
            let asset = try await env.registerDataAsset(by: seller, units: 100)
            let steady = try await env.listAssetForSale(asset, by: seller, units: 10, unitPrice: 1_000)
            for _ in 0..<3 {
                let trade = try await env.tradeDataAsset(steady, units: 1, by: buyer)
                #expect(trade.alertIds.isEmpty)
            }
            let spike = try await env.listAssetForSale(asset, by: seller, units: 10, unitPrice: 700)
            let dip = try await env.tradeDataAsset(spike, units: 1, by: buyer)
            #expect(dip.alertIds.count == 0)  // -30 % is not beyond 30 %
            let spiked = try await env.listAssetForSale(asset, by: seller, units: 10, unitPrice: 2_000)
            let hot = try await env.tradeDataAsset(spiked, units: 1, by: buyer)
            #expect(hot.alertIds.count == 1)
            let alerts = try await env.client.listAlerts(.with { $0.poolCode = "vehicle_road_cloud" }, metadata: env.admin().metadata)
            let alert = try #require(alerts.alerts.first)
            #expect(alert.kind == .movingAverage)
            // The last three before it: 1,000, 1,000, 700.
            #expect(alert.referenceUnitPrice == cny(900))
            #expect(alert.deviationBp == 12_222)
        }
    }

    @Test("officers close alerts with a note; closed ones leave the open list; others are refused")
    func closeAlert() async throws {
        try await withRegistry { env in
            let seller = env.enterprise(), buyer = env.enterprise(), officer = env.financeOfficer()
            let asset = try await env.registerDataAsset(by: seller, units: 100)
            try await env.recordValuation(asset, minor: 100_000, by: env.officer())
            let far = try await env.listAssetForSale(asset, by: seller, units: 5, unitPrice: 5_000)
            let trade = try await env.tradeDataAsset(far, units: 1, by: buyer)
            let alertID = try #require(trade.alertIds.first)
            func close(_ note: String, by caller: AssetsEnv.Caller) async throws -> Nomad_Assets_V1_BubbleAlert {
                try await env.client.closeAlert(
                    .with {
                        $0.requestID = requestID()
                        $0.alertID = alertID
                        $0.note = note
                    }, metadata: caller.metadata)
            }
            await expectRPCError(.permissionDenied) { _ = try await close("ok", by: env.admin()) }
            await expectRPCError(.permissionDenied) { _ = try await close("ok", by: buyer) }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.listAlerts(.init(), metadata: buyer.metadata)
            }
            let message = await expectRPCError(.invalidArgument) {
                _ = try await env.client.closeAlert(
                    .with {
                        $0.requestID = requestID()
                        $0.alertID = alertID
                    }, metadata: officer.metadata(language: "zh-CN"))
            }
            #expect(message?.contains("note") == true)

            let closed = try await close("已核实为首发溢价，非泡沫", by: officer)
            #expect(closed.status == .closed)
            #expect(closed.closedBy == officer.id)
            #expect(closed.note == "已核实为首发溢价，非泡沫")
            await expectRPCError(.failedPrecondition) { _ = try await close("again", by: officer) }
            await expectRPCError(.notFound) {
                _ = try await env.client.closeAlert(
                    .with {
                        $0.requestID = requestID()
                        $0.alertID = UUID().text
                        $0.note = "x"
                    }, metadata: officer.metadata)
            }
            #expect(try await env.client.listAlerts(.init(), metadata: officer.metadata).alerts.isEmpty)
            let history = try await env.client.listAlerts(.with { $0.status = .closed }, metadata: officer.metadata)
            #expect(history.alerts.map(\.alertID) == [alertID])
        }
    }

    @Test("bubble settings come from the environment with defaults 30 % and 10 trades; bad values are refused")
    func settings() throws {
        #expect(try BubbleSettings.fromEnvironment(Environment([:])) == BubbleSettings(thresholdPercent: 30, window: 10))
        let set = try BubbleSettings.fromEnvironment(
            Environment([
                "NOMAD_ASSETS_BUBBLE_THRESHOLD_PCT": "15", "NOMAD_ASSETS_BUBBLE_WINDOW": "4",
            ]))
        #expect(set == BubbleSettings(thresholdPercent: 15, window: 4))
        #expect(throws: ConfigError.self) { try BubbleSettings.fromEnvironment(Environment(["NOMAD_ASSETS_BUBBLE_WINDOW": "0"])) }
        #expect(throws: ConfigError.self) { try BubbleSettings.fromEnvironment(Environment(["NOMAD_ASSETS_BUBBLE_THRESHOLD_PCT": "x"])) }
    }
}
