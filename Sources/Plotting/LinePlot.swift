import Foundation

/// Lines of y against x (optionally on a log x-axis) with ticks, a legend and titles:
/// a concept's score per layer over training, with the baselines dashed.
package struct LinePlot: Sendable {
    /// One line.
    package struct Series: Sendable {
        package var name: String
        package var points: [(x: Double, y: Double)]
        package var color: RGB
        package var dashed: Bool
        package init(name: String, points: [(x: Double, y: Double)], color: RGB, dashed: Bool = false) {
            self.name = name
            self.points = points
            self.color = color
            self.dashed = dashed
        }
    }

    package var title: String
    package var xLabel: String
    package var yLabel: String
    package var series: [Series]
    package var yRange: ClosedRange<Double>
    /// Plot x on a log₁₀(1 + x) scale, so that step 0 fits beside the later steps.
    package var logarithmicX: Bool

    package init(title: String, xLabel: String, yLabel: String, series: [Series], yRange: ClosedRange<Double>, logarithmicX: Bool = true) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.yRange = yRange
        self.logarithmicX = logarithmicX
    }

    /// Distinct, colour-blind-safe line colours.
    package static let palette: [RGB] = [
        RGB(0, 114, 178), RGB(230, 159, 0), RGB(0, 158, 115), RGB(204, 121, 167),
        RGB(86, 180, 233), RGB(213, 94, 0), RGB(240, 228, 66), RGB(90, 90, 90),
    ]

    package func render(width: Int = 760, height: Int = 460) -> Image {
        var image = Image(width: width, height: height)
        let left = 80, right = 190, top = 46, bottom = 70
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let xs = series.flatMap { $0.points.map(\.x) }
        let transform: (Double) -> Double = { logarithmicX ? log10(1 + max($0, 0)) : $0 }
        let xMin = transform(xs.min() ?? 0), xMax = max(transform(xs.max() ?? 1), xMin + 1e-9)
        func px(_ x: Double) -> Int { left + Int((transform(x) - xMin) / (xMax - xMin) * Double(plotWidth)) }
        func py(_ y: Double) -> Int {
            top + plotHeight - Int((min(max(y, yRange.lowerBound), yRange.upperBound) - yRange.lowerBound)
                                   / (yRange.upperBound - yRange.lowerBound) * Double(plotHeight))
        }
        image.text(title, x: left + plotWidth / 2, y: 12, scale: 2, alignment: .center)
        // Grid, axes and ticks.
        for tick in 0...5 {
            let value = yRange.lowerBound + Double(tick) / 5 * (yRange.upperBound - yRange.lowerBound)
            let y = py(value)
            image.fill(x: left, y: y, width: plotWidth, height: 1, .lightGrey)
            image.text(String(format: "%.2f", value), x: left - 8, y: y - 7, scale: 2, alignment: .right)
        }
        for x in xTicks(xs) {
            let position = px(x)
            image.fill(x: position, y: top, width: 1, height: plotHeight, .lightGrey)
            image.text(Self.tickLabel(x, span: (xs.max() ?? 1) - (xs.min() ?? 0)), x: position, y: top + plotHeight + 8, scale: 2, alignment: .center)
        }
        image.fill(x: left, y: top, width: 1, height: plotHeight + 1, .black)
        image.fill(x: left, y: top + plotHeight, width: plotWidth + 1, height: 1, .black)
        image.text(xLabel + (logarithmicX ? " (log scale)" : ""), x: left + plotWidth / 2, y: height - 28, scale: 2, alignment: .center)
        image.verticalText(yLabel, x: 16, y: top + plotHeight / 2, scale: 2)
        // Lines, then markers.
        for line in series {
            let points = line.points.sorted { $0.x < $1.x }.filter { !$0.y.isNaN }
            for (index, (a, b)) in zip(points, points.dropFirst()).enumerated() where !line.dashed || index % 2 == 0 {
                image.line(from: (px(a.x), py(a.y)), to: (px(b.x), py(b.y)), line.color, thickness: 2)
            }
            for point in points { image.fill(x: px(point.x) - 2, y: py(point.y) - 2, width: 5, height: 5, line.color) }
        }
        // Legend.
        for (index, line) in series.enumerated() {
            let y = top + 6 + index * 22
            image.fill(x: left + plotWidth + 16, y: y + 5, width: 22, height: line.dashed ? 2 : 4, line.color)
            image.text(line.name, x: left + plotWidth + 44, y: y, scale: 2)
        }
        return image
    }

    /// A tick's label: thousands as `12k`, whole numbers plain, and as many decimals as a
    /// small span needs (edit costs from 0 to 0.3 read 0.06, 0.12, …).
    static func tickLabel(_ x: Double, span: Double) -> String {
        if x >= 1000 { return String(format: "%.0fk", x / 1000) }
        guard span > 0, span < 5 else { return String(format: "%.0f", x) }
        let decimals = min(4, max(1, Int((-log10(span / 5)).rounded(.up))))
        return String(format: "%.\(decimals)f", x)
    }

    /// Round tick positions: powers of ten (and 0) on a log axis, else five even steps.
    private func xTicks(_ xs: [Double]) -> [Double] {
        guard let low = xs.min(), let high = xs.max(), high > low else { return xs }
        if logarithmicX {
            var ticks = low <= 0 ? [0.0] : []
            var power = 1.0
            while power <= high {
                if power >= low { ticks.append(power) }
                power *= 10
            }
            return ticks
        }
        return (0...5).map { low + Double($0) / 5 * (high - low) }
    }
}
