import Foundation

/// Horizontal bars around zero, one per named quantity, with optional error bars and a
/// short mark after each bar: a feature's mean change under concept maximisation, or a
/// concept's TCAV score with its interval and significance.
package struct BarChart: Figure {
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
    package var width: Double

    package init(title: String, valueLabel: String, bars: [Bar], range: ClosedRange<Double>? = nil, width: Double = 560) {
        self.title = title
        self.valueLabel = valueLabel
        self.bars = bars
        self.range = range
        self.width = width
    }

    private static let rowHeight = 22.0
    private var titleStyle: TextStyle { TextStyle(size: Style.titleSize, bold: true) }
    private var titleLines: [String] { Self.wrap(title, width: width - 24, style: titleStyle) }
    private var top: Double { 14 + Double(titleLines.count) * (titleStyle.lineHeight + 2) }

    package var height: Double {
        top + Double(max(bars.count, 1)) * Self.rowHeight + 14 + TextStyle(size: Style.tickSize).lineHeight + TextStyle(size: Style.bodySize).lineHeight
    }

    package func draw(on canvas: some Canvas) {
        let body = TextStyle(size: Style.bodySize)
        let labelWidth = bars.map { body.width(of: $0.label) }.max() ?? 0
        let markWidth = bars.map { body.width(of: $0.mark) }.max() ?? 0
        let left = min(width / 2, 16 + labelWidth)
        let area = Rect(x: left, y: top, width: width - left - 20 - markWidth, height: Double(bars.count) * Self.rowHeight)
        let axis = Axis(range ?? automaticRange)
        for (index, line) in titleLines.enumerated() {
            canvas.text(line, at: Point(width / 2, 8 + Double(index) * (titleStyle.lineHeight + 2)), titleStyle.anchored(.middle, .top))
        }
        PlotFrame(area: area, xAxis: axis, yAxis: nil).draw(on: canvas, title: "", xLabel: valueLabel, yLabel: "", width: width)
        func x(_ value: Double) -> Double { area.x + axis.fraction(value) * area.width }
        let zero = x(0)
        for (index, bar) in bars.enumerated() {
            let y = area.y + Double(index) * Self.rowHeight, middle = y + Self.rowHeight / 2
            let end = x(bar.value)
            canvas.fill(Rect(x: min(zero, end), y: y + 4, width: max(abs(end - zero), 0.75), height: Self.rowHeight - 8), bar.color)
            canvas.text(bar.label, at: Point(left - 8, middle), body.anchored(.end, .middle))
            var after = max(end, zero)
            if let error = bar.error {
                let (low, high) = (x(bar.value - error), x(bar.value + error))
                let whisker = Stroke(.black, width: 1.2)
                canvas.line(Point(low, middle), Point(high, middle), whisker)
                canvas.line(Point(low, y + 7), Point(low, y + Self.rowHeight - 7), whisker)
                canvas.line(Point(high, y + 7), Point(high, y + Self.rowHeight - 7), whisker)
                after = max(after, high)
            }
            if !bar.mark.isEmpty { canvas.text(bar.mark, at: Point(after + 5, middle), body.anchored(.start, .middle)) }
        }
        canvas.line(Point(zero, area.y), Point(zero, area.y + area.height), Style.axis)
    }

    /// `text` broken at spaces into lines no wider than `width`.
    private static func wrap(_ text: String, width: Double, style: TextStyle) -> [String] {
        var lines = [String]()
        for word in text.split(separator: " ").map(String.init) {
            if let last = lines.last, style.width(of: last + " " + word) <= width {
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
