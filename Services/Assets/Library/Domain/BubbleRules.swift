import Foundation
import NomadKit

/// How far a trade's unit price may stray before an alert, and over how many
/// trades the moving average runs. Read once at start, passed in by the definition.
public struct BubbleSettings: Sendable, Equatable {
    public var thresholdPercent: Int
    public var window: Int

    public init(thresholdPercent: Int = 30, window: Int = 10) {
        self.thresholdPercent = thresholdPercent
        self.window = window
    }

    public static let defaults = BubbleSettings()

    /// NOMAD_ASSETS_BUBBLE_THRESHOLD_PCT (default 30), NOMAD_ASSETS_BUBBLE_WINDOW (default 10).
    public static func fromEnvironment(_ environment: Environment = Environment()) throws -> BubbleSettings {
        let threshold = try environment.int("NOMAD_ASSETS_BUBBLE_THRESHOLD_PCT", default: 30)
        guard (1...1000).contains(threshold) else {
            throw ConfigError.invalid("NOMAD_ASSETS_BUBBLE_THRESHOLD_PCT", "a percentage between 1 and 1000")
        }
        let window = try environment.int("NOMAD_ASSETS_BUBBLE_WINDOW", default: 10)
        guard (1...1000).contains(window) else {
            throw ConfigError.invalid("NOMAD_ASSETS_BUBBLE_WINDOW", "a number of trades between 1 and 1000")
        }
        return BubbleSettings(thresholdPercent: threshold, window: window)
    }

    var thresholdBP: Int32 { Int32(thresholdPercent * 100) }
}

/// The bubble checks run on every trade.
enum BubbleRules {
    enum Kind: Int16, Sendable {
        case valuation = 1, movingAverage = 2
        var name: String { self == .valuation ? "valuation" : "moving_average" }
    }

    struct Finding: Sendable, Equatable {
        var kind: Kind
        var referenceUnitPrice: Int64
        var deviationBP: Int32
    }

    /// Signed deviation of `price` from `reference` in basis points.
    static func deviationBP(price: Int64, reference: Int64) -> Int32 {
        guard reference > 0 else { return 0 }
        let ratio = (Double(price) - Double(reference)) / Double(reference) * 10_000
        return Int32(clamping: Int64(ratio.rounded(.towardZero)))
    }

    /// The findings for one trade at `price` per unit. `valuationUnitValue` is
    /// the latest valuation divided by the asset's units (nil: no valuation in
    /// the trade's currency); `previous` are the class's previous unit prices,
    /// newest first. The moving average needs a full window.
    static func findings(
        price: Int64, valuationUnitValue: Int64?, previous: [Int64], settings: BubbleSettings
    ) -> [Finding] {
        var found: [Finding] = []
        let threshold = settings.thresholdBP
        if let reference = valuationUnitValue, reference > 0 {
            let deviation = deviationBP(price: price, reference: reference)
            if deviation.magnitude > threshold.magnitude {
                found.append(Finding(kind: .valuation, referenceUnitPrice: reference, deviationBP: deviation))
            }
        }
        if previous.count >= settings.window {
            let window = previous.prefix(settings.window)
            let average = window.reduce(0.0) { $0 + Double($1) } / Double(window.count)
            let reference = Int64(average.rounded(.down))
            let deviation = deviationBP(price: price, reference: reference)
            if reference > 0, deviation.magnitude > threshold.magnitude {
                found.append(Finding(kind: .movingAverage, referenceUnitPrice: reference, deviationBP: deviation))
            }
        }
        return found
    }
}
