import Foundation

/// Lines of y against x (optionally on a log x-axis) with ticks, a legend beside the plot
/// and titles: a concept's score per layer over training, with the baselines dashed.
package struct LinePlot: Figure {
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
    package var width: Double
    package var height: Double

    package init(title: String, xLabel: String, yLabel: String, series: [Series], yRange: ClosedRange<Double>,
                 logarithmicX: Bool = true, width: Double = 560, height: Double = 340) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.yRange = yRange
        self.logarithmicX = logarithmicX
        self.width = width
        self.height = height
    }

    /// Distinct, colour-blind-safe line colours (Okabe and Ito).
    package static let palette: [RGB] = [
        RGB(0, 114, 178), RGB(230, 159, 0), RGB(0, 158, 115), RGB(204, 121, 167),
        RGB(86, 180, 233), RGB(213, 94, 0), RGB(240, 228, 66), RGB(90, 90, 90),
    ]

    package var xAxis: Axis { Axis(spanning: series.flatMap { $0.points.map(\.x) }, logarithmic: logarithmicX) }

    package func draw(on canvas: some Canvas) {
        let tick = TextStyle(size: Style.tickSize), body = TextStyle(size: Style.bodySize)
        let yAxis = Axis(yRange), xAxis = xAxis
        let legendWidth = series.isEmpty ? 0 : (series.map { body.width(of: $0.name) }.max() ?? 0) + 44
        let left = 22 + body.lineHeight + (yAxis.majorTicks.map { tick.width(of: yAxis.label($0)) }.max() ?? 0)
        let top = 20 + TextStyle(size: Style.titleSize).lineHeight
        let area = Rect(x: left, y: top, width: width - left - legendWidth - 16, height: height - top - 26 - tick.lineHeight - body.lineHeight)
        PlotFrame(area: area, xAxis: xAxis, yAxis: yAxis).draw(on: canvas, title: title, xLabel: xLabel + (logarithmicX ? " (log scale)" : ""),
                                                              yLabel: yLabel, width: width)
        func point(_ p: (x: Double, y: Double)) -> Point {
            Point(area.x + xAxis.fraction(p.x) * area.width, area.y + (1 - yAxis.fraction(p.y)) * area.height)
        }
        for line in series {
            let points = line.points.filter { !$0.y.isNaN }.sorted { $0.x < $1.x }.map(point)
            canvas.stroke(points, Stroke(line.color, width: 1.8, dash: line.dashed ? [6, 4] : []))
            if !line.dashed { for p in points { canvas.fillCircle(center: p, radius: 2.6, line.color) } }
        }
        // The legend sits in its own column, so it never covers a line.
        for (index, line) in series.enumerated() {
            let y = area.y + 8 + Double(index) * (body.lineHeight + 4)
            let x = area.x + area.width + 14
            canvas.line(Point(x, y), Point(x + 22, y), Stroke(line.color, width: 2.2, dash: line.dashed ? [5, 3] : []))
            canvas.text(line.name, at: Point(x + 28, y), body.anchored(.start, .middle))
        }
    }
}

/// The frame every x–y chart shares: title, grid, axes, ticks with labels, axis titles.
struct PlotFrame {
    let area: Rect
    let xAxis: Axis
    let yAxis: Axis?

    func draw(on canvas: some Canvas, title: String, xLabel: String, yLabel: String, width: Double) {
        let tick = TextStyle(size: Style.tickSize), body = TextStyle(size: Style.bodySize)
        canvas.text(title, at: Point(width / 2, 10), TextStyle(size: Style.titleSize, bold: true).anchored(.middle, .top))
        let bottom = area.y + area.height
        for value in xAxis.minorTicks {
            let x = area.x + xAxis.fraction(value) * area.width
            canvas.line(Point(x, bottom), Point(x, bottom + Style.tickLength / 2), Style.tick)
        }
        for value in xAxis.majorTicks {
            let x = area.x + xAxis.fraction(value) * area.width
            canvas.line(Point(x, area.y), Point(x, bottom), Style.grid)
            canvas.line(Point(x, bottom), Point(x, bottom + Style.tickLength), Style.tick)
            canvas.text(xAxis.label(value), at: Point(x, bottom + Style.tickLength + 2), tick.anchored(.middle, .top))
        }
        if let yAxis {
            for value in yAxis.majorTicks {
                let y = area.y + (1 - yAxis.fraction(value)) * area.height
                canvas.line(Point(area.x, y), Point(area.x + area.width, y), Style.grid)
                canvas.line(Point(area.x - Style.tickLength, y), Point(area.x, y), Style.tick)
                canvas.text(yAxis.label(value), at: Point(area.x - Style.tickLength - 3, y), tick.anchored(.end, .middle))
            }
            canvas.line(Point(area.x, area.y), Point(area.x, bottom), Style.axis)
            canvas.text(yLabel, at: Point(8, area.y + area.height / 2), body.anchored(.middle, .top), quarterTurns: 1)
        }
        canvas.line(Point(area.x, bottom), Point(area.x + area.width, bottom), Style.axis)
        canvas.text(xLabel, at: Point(area.x + area.width / 2, bottom + Style.tickLength + 6 + tick.lineHeight), body.anchored(.middle, .top))
    }
}
