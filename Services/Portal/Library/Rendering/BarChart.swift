import Foundation

/// A horizontal bar chart of progress against targets, drawn as inline SVG
/// on the server. Each bar is a share of its own target (100% = reached),
/// capped at 150% so one runaway value does not flatten the rest. Bars grow
/// from the inline start, so the chart mirrors in right-to-left pages.
public struct BarChart: Sendable {
    public struct Bar: Sendable {
        public let label: String
        /// value / target; nil without a target.
        public let share: Double?
        /// What is written after the bar, e.g. "1,234 / 50,000 (2%)".
        public let caption: String

        public init(label: String, share: Double?, caption: String) {
            self.label = label
            self.share = share
            self.caption = caption
        }
    }

    public let bars: [Bar]
    public let title: String
    public let rightToLeft: Bool
    /// The line at 100%: left out when the bars are not shares of a target.
    public let showsTarget: Bool

    public init(bars: [Bar], title: String, rightToLeft: Bool, showsTarget: Bool = true) {
        self.bars = bars
        self.title = title
        self.rightToLeft = rightToLeft
        self.showsTarget = showsTarget
    }

    public func svg() -> String {
        let width = 640.0
        let labelWidth = 0.0
        let rowHeight = 44.0
        let barHeight = 14.0
        let top = 8.0
        let barArea = width - 20
        let height = top + Double(bars.count) * rowHeight + 24
        let targetX = 10 + barArea / 1.5
        func x(_ position: Double, _ length: Double = 0) -> Double {
            rightToLeft ? width - position - length : position
        }
        // "start" follows the writing direction: the right edge in RTL.
        let anchor = "start"
        var body = ""
        for (index, bar) in bars.enumerated() {
            let y = top + Double(index) * rowHeight
            let share = min(bar.share ?? 0, 1.5)
            let length = max(share / 1.5 * barArea, bar.share == nil ? 0 : 2)
            let reached = (bar.share ?? 0) >= 1
            body +=
                "<text x=\"\(fmt(x(10)))\" y=\"\(fmt(y + 12))\" text-anchor=\"\(anchor)\" class=\"chart-label\">\(HTML.escape(bar.label))</text>"
            body +=
                "<rect x=\"\(fmt(x(10 + labelWidth, barArea)))\" y=\"\(fmt(y + 18))\" width=\"\(fmt(barArea))\" height=\"\(fmt(barHeight))\" class=\"chart-track\"/>"
            if bar.share != nil {
                body +=
                    "<rect x=\"\(fmt(x(10 + labelWidth, length)))\" y=\"\(fmt(y + 18))\" width=\"\(fmt(length))\" height=\"\(fmt(barHeight))\" class=\"\(reached ? "chart-bar chart-bar-reached" : "chart-bar")\"/>"
            }
            body +=
                "<text x=\"\(fmt(x(10)))\" y=\"\(fmt(y + rowHeight - 2))\" text-anchor=\"\(anchor)\" class=\"chart-caption\">\(HTML.escape(bar.caption))</text>"
        }
        if showsTarget {
            body +=
                "<line x1=\"\(fmt(x(targetX)))\" x2=\"\(fmt(x(targetX)))\" y1=\"\(fmt(top))\" y2=\"\(fmt(height - 20))\" class=\"chart-target\"/>"
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-labelledby="chart-title" direction="\(rightToLeft ? "rtl" : "ltr")" \
            viewBox="0 0 \(fmt(width)) \(fmt(height))" preserveAspectRatio="xMinYMin meet">\
            <title id="chart-title">\(HTML.escape(title))</title>\(body)</svg>
            """
    }

    private func fmt(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}
