import Foundation

/// Horizontal bars around zero, one per named quantity, with optional error bars and a
/// short mark after each bar: a feature's mean change under concept maximisation, or a
/// concept's TCAV score with its interval and significance.
package struct BarChart: Sendable {
    /// One bar.
    package struct Bar: Sendable {
        package var label: String
        package var value: Double
        /// Half-width of the error bar (none when `nil`).
        package var error: Double?
        /// Drawn after the bar (e.g. "*" for significant).
        package var mark: String
        package var color: RGB

        package init(label: String, value: Double, error: Double? = nil, mark: String = "", color: RGB = LinePlot.palette[0]) {
            self.label = label
            self.value = value
            self.error = error
            self.mark = mark
            self.color = color
        }
    }

    package var title: String
    package var valueLabel: String
    package var bars: [Bar]
    /// The value axis; `nil` spans the bars (and their errors) and zero.
    package var range: ClosedRange<Double>?

    package init(title: String, valueLabel: String, bars: [Bar], range: ClosedRange<Double>? = nil) {
        self.title = title
        self.valueLabel = valueLabel
        self.bars = bars
        self.range = range
    }

    package func render(width: Int = 760) -> Image {
        let titleLines = Self.wrap(title, width: width - 20)
        let rowHeight = 28, top = 26 + 20 * titleLines.count, bottom = 70, right = 40
        let left = min(width / 2, 24 + (bars.map { Image.textWidth($0.label, scale: 2) }.max() ?? 0))
        let height = top + bottom + max(bars.count, 1) * rowHeight
        var image = Image(width: width, height: height)
        let plotWidth = width - left - right, plotHeight = bars.count * rowHeight
        let span = range ?? automaticRange
        func px(_ value: Double) -> Int {
            left + Int((min(max(value, span.lowerBound), span.upperBound) - span.lowerBound) / (span.upperBound - span.lowerBound) * Double(plotWidth))
        }
        for (index, line) in titleLines.enumerated() { image.text(line, x: width / 2, y: 12 + 20 * index, scale: 2, alignment: .center) }
        for tick in 0...4 {
            let value = span.lowerBound + Double(tick) / 4 * (span.upperBound - span.lowerBound)
            image.fill(x: px(value), y: top, width: 1, height: plotHeight, .lightGrey)
            image.text(String(format: abs(value) >= 10 ? "%.0f" : "%.2f", value), x: px(value), y: top + plotHeight + 8, scale: 2, alignment: .center)
        }
        let zero = px(0)
        for (index, bar) in bars.enumerated() {
            let y = top + index * rowHeight
            let end = px(bar.value)
            image.fill(x: min(zero, end), y: y + 5, width: max(abs(end - zero), 1), height: rowHeight - 10, bar.color)
            image.text(bar.label, x: left - 10, y: y + 7, scale: 2, alignment: .right)
            if let error = bar.error {
                let (low, high) = (px(bar.value - error), px(bar.value + error))
                image.fill(x: low, y: y + rowHeight / 2, width: max(high - low, 1), height: 2, .black)
                image.fill(x: low, y: y + 8, width: 2, height: rowHeight - 16, .black)
                image.fill(x: high - 1, y: y + 8, width: 2, height: rowHeight - 16, .black)
            }
            if !bar.mark.isEmpty {
                let after = max(end, bar.error.map { px(bar.value + $0) } ?? end, zero) + 6
                image.text(bar.mark, x: min(after, width - right + 4), y: y + 7, scale: 2)
            }
        }
        image.fill(x: zero, y: top, width: 1, height: plotHeight + 1, .black)
        image.fill(x: left, y: top + plotHeight, width: plotWidth + 1, height: 1, .black)
        image.text(valueLabel, x: left + plotWidth / 2, y: height - 28, scale: 2, alignment: .center)
        return image
    }

    /// `text` broken at spaces into lines no wider than `width` at scale 2.
    private static func wrap(_ text: String, width: Int) -> [String] {
        var lines = [String]()
        for word in text.split(separator: " ").map(String.init) {
            if let last = lines.last, Image.textWidth(last + " " + word, scale: 2) <= width {
                lines[lines.count - 1] = last + " " + word
            } else {
                lines.append(word)
            }
        }
        return lines.isEmpty ? [""] : lines
    }

    /// Zero and every bar with its error bar, with a little room.
    private var automaticRange: ClosedRange<Double> {
        let ends = bars.flatMap { [$0.value - ($0.error ?? 0), $0.value + ($0.error ?? 0)] }
        let low = min(ends.min() ?? 0, 0), high = max(ends.max() ?? 0, 0)
        let pad = max(high - low, 1e-9) * 0.08
        return (low < 0 ? low - pad : 0)...(high > 0 ? high + pad : low < 0 ? 0 : 1)
    }
}
